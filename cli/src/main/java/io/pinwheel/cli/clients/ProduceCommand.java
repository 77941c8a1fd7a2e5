package io.pinwheel.cli.clients;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.ImageFiles;
import io.pinwheel.cli.support.JsonLines;
import io.pinwheel.cli.support.KafkaOptions;
import io.pinwheel.cli.support.StopSignal;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.security.SecurityFailure;
import io.pinwheel.topology.stream.PinwheelHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pinwheel produce}: streams image files, a video file or a camera to the frames topic. */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Streams images to the frames topic, one record per frame: key = the stream id (--key),"
          + " value = the encoded image, header frame-id = KEY-N, timestamp = capture time.",
      "DIR: every image file below it (jpg, png, bmp, tiff, webp, pgm, ppm; up to 8 MiB), in sorted"
          + " path order, sent as they are. VIDEO or --camera: frames read with OpenCV's"
          + " VideoCapture and sent as JPEG.",
      "The bundled OpenCV (org.openpnp 4.9.0) has no FFmpeg or GStreamer: it reads Motion-JPEG"
          + " AVI files only (not MP4, MKV, H.264, ...), and V4L2 cameras on Linux. Convert other"
          + " videos first, e.g. ffmpeg -i in.mp4 -c:v mjpeg -q:v 3 out.avi.",
      "A progress line goes to standard error every 2 s; at the end one JSON line:",
      "  {\"topic\":T,\"key\":K,\"source\":S,\"sent\":N,\"failed\":F,\"seconds\":S,",
      "   \"framesPerSecond\":R,\"stoppedEarly\":B}",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "1:some frames could not be sent (the broker refused them or timed out), or a secured"
          + " cluster refused the login, the TLS handshake or the write (the run stops at once)",
      "2:nothing sent: invalid options, a missing path, no images, a video or camera OpenCV"
          + " cannot open",
      ExitCodes.INTERNAL_HELP
    })
public final class ProduceCommand implements Callable<Integer> {
  /** How often the progress line is printed. */
  static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final CliContext context;

  static final class Source {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "DIR|VIDEO",
        description = "A directory of images, or a Motion-JPEG AVI video.")
    Path path;

    @Option(
        names = "--camera",
        paramLabel = "N",
        description = "Camera number N (/dev/videoN on Linux).")
    Integer camera;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Mixin KafkaOptions kafka;

  @Spec CommandSpec spec;

  @Option(
      names = "--topic",
      defaultValue = PinwheelConfig.DEFAULT_FRAMES_TOPIC,
      paramLabel = "TOPIC",
      description = "The frames topic. Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(
      names = "--rate",
      defaultValue = "0",
      paramLabel = "R",
      description =
          "Frames per second; 0 for as fast as the source and broker allow. Default: 0 (a camera"
              + " paces itself).")
  double rate;

  @Option(
      names = "--loop",
      description = "Start again at the end of the directory or video, until Ctrl-C or --max.")
  boolean loop;

  @Option(
      names = "--key",
      paramLabel = "K",
      description =
          "The record key and frame-id prefix. Default: the directory or file name, or camera-N.")
  String key;

  @Option(
      names = "--max",
      defaultValue = "0",
      paramLabel = "N",
      description = "Stop after N frames; 0 for no limit. Default: 0.")
  long max;

  public ProduceCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    kafka.require(spec);
    Map<String, Object> client;
    try {
      client = kafka.clientProperties();
    } catch (IOException | IllegalArgumentException e) {
      return usage("cannot read " + kafka.clientConfig() + ": " + e.getMessage());
    }
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      return usage("--rate must be a number >= 0, got " + rate);
    }
    if (max < 0) {
      return usage("--max must be >= 0, got " + max);
    }
    if (source.camera != null && source.camera < 0) {
      return usage("--camera must be >= 0, got " + source.camera);
    }
    if (key != null && key.isEmpty()) {
      return usage("--key must not be empty");
    }
    FrameStream frames;
    String streamKey;
    if (source.camera != null) {
      if (loop) {
        return usage("--loop applies to a directory or video, not to a camera");
      }
      frames = VideoStream.openCamera(source.camera);
      if (frames == null) {
        return usage(
            "cannot open camera "
                + source.camera
                + ": no such device, it is busy, or access is denied (this OpenCV build reads"
                + " V4L2 cameras such as /dev/video"
                + source.camera
                + ")");
      }
      streamKey = key != null ? key : "camera-" + source.camera;
    } else {
      Path path = source.path;
      if (!Files.exists(path)) {
        return usage("no such file or directory: " + path);
      }
      Path name = path.toAbsolutePath().normalize().getFileName();
      streamKey = key != null ? key : name == null ? "frames" : name.toString();
      if (Files.isDirectory(path)) {
        List<Path> files = ImageFiles.collect(List.of(path));
        if (files.isEmpty()) {
          return usage("no files under " + path);
        }
        frames = new ImageFileStream(files, path.toString(), loop);
      } else {
        frames = VideoStream.openFile(path, loop);
        if (frames == null) {
          return usage(
              "OpenCV cannot open "
                  + path
                  + " as a video: this build reads only Motion-JPEG AVI files (no FFmpeg);"
                  + " convert it, e.g. ffmpeg -i IN -c:v mjpeg -q:v 3 OUT.avi");
        }
      }
    }
    try (frames) {
      return stream(frames, streamKey, client);
    }
  }

  private int stream(FrameStream frames, String streamKey, Map<String, Object> client)
      throws IOException {
    Map<String, Object> p = new HashMap<>(client);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "pinwheel-produce");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Frames are large; the broker's message.max.bytes is the limit that matters.
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 << 20);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // Batches that hold several camera frames (0.1 to 0.4 MB each): with Kafka's 16 KB default each
    // frame is a batch of its own, in a buffer the producer allocates for it and throws away.
    p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, PinwheelConfig.DEFAULT_BATCH_BYTES);
    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    // A refusal by a secured cluster (login, certificate, ACL) would only repeat for every frame.
    AtomicReference<Throwable> refused = new AtomicReference<>();
    long periodNanos = rate > 0 ? Math.max(1, Math.round(1e9 / rate)) : 0;
    context
        .err()
        .printf(
            "pinwheel produce: streaming %s to %s on %s as key %s%s ...%n",
            frames.description(),
            topic,
            kafka.bootstrapServers(),
            streamKey,
            rate > 0 ? String.format(" at %.1f frames/s", rate) : "");
    long start = System.nanoTime();
    long sequence = 0;
    boolean stoppedEarly = false;
    // The stop signal is closed last: on SIGTERM the JVM exits as soon as it is, and the summary
    // must be printed before that.
    try (StopSignal stop = StopSignal.install("pinwheel-produce", Duration.ofSeconds(30))) {
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
        long nextProgress = start + PROGRESS_NANOS;
        long lastProgressCount = 0;
        long lastProgressTime = start;
        while (max == 0 || sequence < max) {
          if (refused.get() != null) {
            break;
          }
          if (stop.stopRequested()) {
            stoppedEarly = true;
            break;
          }
          if (periodNanos > 0) {
            long wait = start + sequence * periodNanos - System.nanoTime();
            if (wait > 0) {
              // Short naps so that Ctrl-C and the progress line are not held up by a slow rate.
              LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
              continue;
            }
          }
          FrameStream.EncodedFrame frame = frames.next();
          if (frame == null) {
            break;
          }
          String frameId = String.format("%s-%07d", streamKey, sequence);
          RecordHeaders headers = new RecordHeaders();
          headers.add(PinwheelHeaders.FRAME_ID, frameId.getBytes(StandardCharsets.UTF_8));
          try {
            producer.send(
                new ProducerRecord<>(
                    topic, null, frame.captureTimeMs(), streamKey, frame.bytes(), headers),
                (metadata, exception) -> {
                  if (exception == null) {
                    acked.incrementAndGet();
                  } else if (SecurityFailure.of(exception).isPresent()) {
                    failed.incrementAndGet();
                    refused.compareAndSet(null, exception);
                  } else {
                    if (failed.getAndIncrement() < 5) {
                      context
                          .err()
                          .println(
                              "pinwheel produce: frame " + frameId + " not sent: " + exception);
                    }
                  }
                });
          } catch (KafkaException e) {
            failed.incrementAndGet();
            if (SecurityFailure.of(e).isPresent()) {
              refused.compareAndSet(null, e);
            } else {
              context.err().println("pinwheel produce: frame " + frameId + " not sent: " + e);
            }
          }
          sequence++;
          long now = System.nanoTime();
          if (now >= nextProgress) {
            double secs = (now - lastProgressTime) / 1e9;
            context
                .err()
                .printf(
                    "pinwheel produce: %6.1fs  sent %d  acknowledged %d  failed %d  |  %.1f"
                        + " frames/s%n",
                    (now - start) / 1e9,
                    sequence,
                    acked.get(),
                    failed.get(),
                    (sequence - lastProgressCount) / secs);
            lastProgressCount = sequence;
            lastProgressTime = now;
            nextProgress = now + PROGRESS_NANOS;
          }
        }
        if (refused.get() == null) {
          producer.flush();
        }
      }
      if (refused.get() != null) {
        context
            .err()
            .println(
                "pinwheel produce: stopped, the cluster refused it: "
                    + SecurityFailure.describe(refused.get()));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long sent = acked.get();
      long notSent = failed.get() + (sequence - acked.get() - failed.get());
      boolean early = stoppedEarly;
      context
          .out()
          .println(
              JsonLines.line(
                  g -> {
                    g.writeStringField("topic", topic);
                    g.writeStringField("key", streamKey);
                    g.writeStringField("source", frames.description());
                    g.writeNumberField("sent", sent);
                    g.writeNumberField("failed", notSent);
                    g.writeNumberField("seconds", Math.round(seconds * 1000) / 1000.0);
                    g.writeNumberField(
                        "framesPerSecond",
                        seconds > 0 ? Math.round(sent / seconds * 10) / 10.0 : 0.0);
                    g.writeBooleanField("stoppedEarly", early);
                  }));
      context
          .err()
          .printf(
              "pinwheel produce: %d frames sent in %.1f s%s%n",
              sent, seconds, notSent > 0 ? ", " + notSent + " failed" : "");
      if (sequence == 0 && !stoppedEarly) {
        context.err().println("pinwheel produce: no image among " + frames.description());
        return ExitCodes.USAGE;
      }
      return notSent > 0 || refused.get() != null ? ExitCodes.FAILED : ExitCodes.OK;
    }
  }

  private int usage(String message) {
    context.err().println("pinwheel produce: " + message);
    return ExitCodes.USAGE;
  }
}
