package io.pinwheel.cli.demo;

import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.cli.support.FrameSource;
import io.pinwheel.cli.support.ShippedModels;
import io.pinwheel.cli.support.StopSignal;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.model.ModelPublisher;
import io.pinwheel.topology.model.ServingModel;
import io.pinwheel.topology.service.PinwheelService;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.KafkaStreams;

/**
 * One run of {@code pinwheel demo}: an embedded broker, the feature service with the bundled Gabor
 * encoder, frames streamed in at a steady rate, the outputs counted as a consumer sees them, a
 * status line every few seconds, a new model version published halfway, and a summary at the end.
 *
 * <p>Every part is closed in reverse order of starting, on the normal path, on Ctrl-C and on
 * failure: the producer first (so nothing new enters), then, once the outputs have caught up, the
 * consumer, the service and the broker.
 */
public final class Demo {
  /**
   * The model version the demo publishes halfway has v1's weights and this many times its
   * threshold: a slightly sparser code, so the swap shows in the version and in the density.
   */
  public static final double RELOAD_THRESHOLD_FACTOR = 1.1;

  /** The longest wait, after the producer stops, for the last frames to come out. */
  static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /**
   * What to run.
   *
   * @param duration how long to stream frames
   * @param rate frames per second
   * @param frames what to stream
   * @param partitions partitions of the frames, features and dead-letter topics
   * @param reload publish new model versions
   * @param reloadEvery the time between them; zero for one, halfway
   * @param metricsHost address of the metrics endpoint
   * @param metricsPort port of the metrics endpoint; if taken, any free one is used
   * @param overrides service configuration keys over the demo's own ({@code --set})
   * @param statusInterval time between status lines
   */
  public record Options(
      Duration duration,
      double rate,
      FrameSource frames,
      int partitions,
      boolean reload,
      Duration reloadEvery,
      String metricsHost,
      int metricsPort,
      Map<String, String> overrides,
      Duration statusInterval) {
    /** Checks that every option is present and the reload interval is not negative. */
    public Options {
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(reloadEvery, "reloadEvery");
      if (reloadEvery.isNegative()) {
        throw new IllegalArgumentException("reloadEvery must not be negative, got " + reloadEvery);
      }
      Objects.requireNonNull(frames, "frames");
      Objects.requireNonNull(statusInterval, "statusInterval");
      Objects.requireNonNull(metricsHost, "metricsHost");
      overrides = Map.copyOf(overrides);
    }
  }

  /**
   * What came out of a run.
   *
   * @param seconds how long frames were streamed
   * @param stoppedEarly true if Ctrl-C (or a failure) ended the run before its duration
   * @param sent frames the broker acknowledged
   * @param corruptSent the deliberately corrupt frames among them
   * @param features frames that came out as feature records
   * @param deadLetters frames that came out as dead letters
   * @param lost sent - features - dead letters: 0 when nothing was lost
   * @param duplicates output records of a frame already seen: 0 under exactly-once
   * @param latencyP50Ms median end-to-end latency seen by the consumer, ms; -1 if no features
   * @param latencyP99Ms 99th percentile of the same, ms; -1 if no features
   * @param modelVersionsSeen the model versions of the feature records, ascending
   * @param servingModel the model serving at the end, e.g. {@code gabor v2}
   * @param servingVersion its version
   */
  public record Summary(
      double seconds,
      boolean stoppedEarly,
      long sent,
      long corruptSent,
      long features,
      long deadLetters,
      long lost,
      long duplicates,
      long latencyP50Ms,
      long latencyP99Ms,
      List<Integer> modelVersionsSeen,
      String servingModel,
      int servingVersion) {
    /** Copies the list. */
    public Summary {
      modelVersionsSeen = List.copyOf(modelVersionsSeen);
    }
  }

  private final Options options;
  private final PrintWriter err;
  private final StopSignal stop;

  private Demo(Options options, PrintWriter err, StopSignal stop) {
    this.options = options;
    this.err = err;
    this.stop = stop;
  }

  /**
   * Runs the demo to the end of its duration, or until {@code stop} is asked.
   *
   * @param options what to run
   * @param err where the status lines go
   * @param stop asked to stop by Ctrl-C; the demo also asks it when the service fails
   * @return the summary
   * @throws InterruptedException if interrupted
   * @throws KafkaException if the broker or the service cannot be started
   */
  public static Summary run(Options options, PrintWriter err, StopSignal stop)
      throws InterruptedException {
    return new Demo(options, err, stop).run();
  }

  private Summary run() throws InterruptedException {
    say("starting an embedded Kafka broker (single node, KRaft) ...");
    Path stateDir = tempDir();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      Map<String, String> overrides = new LinkedHashMap<>();
      overrides.put("state.dir", stateDir.toString());
      overrides.putAll(options.overrides());
      PinwheelConfig config = config(kafka.bootstrapServers(), overrides);
      say(
          "broker at %s (started in %.1f s); starting the feature service ...",
          kafka.bootstrapServers(), kafka.startupTime().toMillis() / 1000.0);
      int port = freeOr(options.metricsHost(), options.metricsPort());
      try (PinwheelService service =
          PinwheelService.builder(config, ShippedModels.defaultModel())
              .ensureTopics(options.partitions())
              .metricsAddress(options.metricsHost(), port)
              .stateListener(
                  (next, previous) -> {
                    if (next == KafkaStreams.State.ERROR) {
                      stop.stop();
                    }
                  })
              .start()) {
        if (!service.awaitRunning(START_TIMEOUT)) {
          throw new KafkaException(
              "the feature service did not start within "
                  + START_TIMEOUT.toSeconds()
                  + " s (state "
                  + service.state()
                  + ")"
                  + service.failure().map(f -> ": " + f).orElse(""));
        }
        say(
            "service running with model %s; topics %s (%d partitions) -> %s, dead-letter topic %s",
            describe(service.servingModel()),
            config.framesTopic(),
            options.partitions(),
            config.featuresTopic(),
            config.deadLetterTopic());
        say(
            "live page at %s; metrics at %s, health at %s",
            service.pageUri(), service.metricsUri(), service.healthUri());
        return stream(config, service);
      }
    } finally {
      deleteQuietly(stateDir);
    }
  }

  private Summary stream(PinwheelConfig config, PinwheelService service)
      throws InterruptedException {
    Map<String, Object> client = config.clientProperties();
    Duration half = options.duration().dividedBy(2);
    say(
        "streaming %s at %s frames/s for %s%s%s. Press Ctrl-C to stop early.",
        options.frames().description(),
        number(options.rate()),
        words(options.duration()),
        options.frames().badEvery() > 0
            ? "; 1 frame in "
                + options.frames().badEvery()
                + " is corrupt on purpose (it goes to the dead-letter topic)"
            : "",
        !options.reload()
            ? ""
            : (options.reloadEvery().isZero()
                    ? "; at " + words(half)
                    : "; every " + words(options.reloadEvery()))
                + " a new model version is published to "
                + config.modelsTopic());
    try (OutputTally tally =
        OutputTally.start(
            client, config.featuresTopic(), config.deadLetterTopic(), config.featureFormat())) {
      long t0 = System.nanoTime();
      FrameProducer producer =
          FrameProducer.start(client, config.framesTopic(), options.frames(), options.rate());
      double seconds;
      boolean early;
      try {
        early = statusLoop(config, service, tally, producer, t0, half);
      } finally {
        producer.close();
        seconds = (System.nanoTime() - t0) / 1e9;
      }
      say("stopped producing after %.1f s; waiting for the last frames to come out ...", seconds);
      drain(tally, producer.sent());
      long[] p = tally.overallPercentiles();
      status(seconds, producer, tally, service, "overall", p);
      Optional<ServingModel> serving = service.servingModel();
      long lost = producer.sent() - tally.features() - tally.deadLetters();
      return new Summary(
          Math.round(seconds * 10) / 10.0,
          early,
          producer.sent(),
          producer.badSent(),
          tally.features(),
          tally.deadLetters(),
          lost,
          tally.duplicates(),
          p[0],
          p[1],
          tally.versionsSeen(),
          describe(serving),
          serving.map(ServingModel::version).orElse(0));
    }
  }

  /** Prints status lines until the duration is up; returns true if stopped early. */
  private boolean statusLoop(
      PinwheelConfig config,
      PinwheelService service,
      OutputTally tally,
      FrameProducer producer,
      long t0,
      Duration half)
      throws InterruptedException {
    long end = t0 + options.duration().toNanos();
    long next = t0 + options.statusInterval().toNanos();
    long every = options.reloadEvery().toNanos();
    long publishAt =
        !options.reload() ? Long.MAX_VALUE : t0 + (every == 0 ? half.toNanos() : every);
    int lastVersion = service.servingModel().map(ServingModel::version).orElse(0);
    int publishedVersion = lastVersion;
    long lastOut = 0;
    long lastAt = t0;
    while (true) {
      long now = System.nanoTime();
      if (now >= publishAt && now < end) {
        publishAt = every == 0 ? Long.MAX_VALUE : publishAt + every;
        publishedVersion = Math.max(publishedVersion, lastVersion) + 1;
        publishNewVersion(config, publishedVersion, (now - t0) / 1e9);
      }
      int version = service.servingModel().map(ServingModel::version).orElse(0);
      if (version != lastVersion) {
        say(
            "%5.1fs  model %s now serving, swapped in between two frames",
            (now - t0) / 1e9, describe(service.servingModel()));
        lastVersion = version;
      }
      if (now >= next || now >= end) {
        long out = tally.features() + tally.deadLetters();
        double rate = (out - lastOut) / Math.max(1e-9, (now - lastAt) / 1e9);
        status(
            (now - t0) / 1e9,
            producer,
            tally,
            service,
            String.format(Locale.ROOT, "%5.1f frames/s", rate),
            tally.takeWindowPercentiles());
        lastOut = out;
        lastAt = now;
        next += options.statusInterval().toNanos();
      }
      if (now >= end) {
        return false;
      }
      if (service.failure().isPresent() || service.state() == KafkaStreams.State.ERROR) {
        say(
            "the feature service failed: %s",
            service.failure().map(Throwable::toString).orElse(""));
        return true;
      }
      long wait = Math.min(Math.min(next, end) - now, 250_000_000L);
      if (stop.await(Duration.ofNanos(Math.max(1_000_000L, wait)))) {
        say("%5.1fs  stop requested", (System.nanoTime() - t0) / 1e9);
        return true;
      }
    }
  }

  private void publishNewVersion(PinwheelConfig config, int version, double at) {
    EncoderModel next =
        ShippedModels.withThresholdScaled(
            ShippedModels.defaultModel(), version, RELOAD_THRESHOLD_FACTOR);
    try {
      ModelPublisher.Published p =
          ModelPublisher.publish(
              config.clientProperties(),
              config.modelsTopic(),
              EncoderFile.toBytes(next),
              "demo model " + next.name() + " v" + version);
      say(
          "%5.1fs  published model %s v%d (threshold %s) to %s/%d@%d; the service verifies it,"
              + " warms it up and swaps it in",
          at,
          p.modelName(),
          p.modelVersion(),
          Float.toString(next.output().threshold()),
          p.topic(),
          p.partition(),
          p.offset());
    } catch (InvalidModelException | KafkaException e) {
      say("%5.1fs  could not publish the new model version: %s", at, e.getMessage());
    }
  }

  private void drain(OutputTally tally, long sent) throws InterruptedException {
    long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
    while (tally.features() + tally.deadLetters() < sent && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    if (tally.features() + tally.deadLetters() < sent) {
      say(
          "%d frames had not come out %d s after the producer stopped",
          sent - tally.features() - tally.deadLetters(), DRAIN_TIMEOUT.toSeconds());
    }
  }

  /**
   * One status line: counts so far, then {@code rate} (frames out per second since the last line,
   * or "overall") and the latency percentiles {p50, p99} that go with it.
   */
  private void status(
      double seconds,
      FrameProducer producer,
      OutputTally tally,
      PinwheelService service,
      String rate,
      long[] window) {
    say(
        "%5.1fs  sent %d  features %d  dead letters %d  |  %s  p50 %s  p99 %s  |  model %s",
        seconds,
        producer.sent(),
        tally.features(),
        tally.deadLetters(),
        rate,
        millis(window[0]),
        millis(window[1]),
        describe(service.servingModel()));
  }

  private void say(String format, Object... args) {
    err.println("pinwheel demo: " + String.format(Locale.ROOT, format, args));
    err.flush();
  }

  private static String millis(long ms) {
    return ms < 0 ? "-" : ms + " ms";
  }

  private static String describe(Optional<ServingModel> model) {
    return model.map(m -> m.name() + " v" + m.version()).orElse("none");
  }

  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static String words(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  /** The port if it can be bound on loopback now, else 0: any free port. */
  /**
   * The demo's service configuration: application id {@code pinwheel-demo} and the given brokers,
   * under the caller's keys ({@code --set}).
   *
   * @throws PinwheelConfigException listing every bad key
   */
  static PinwheelConfig config(String bootstrapServers, Map<String, String> overrides) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(PinwheelConfig.APPLICATION_ID, "pinwheel-demo");
    p.putAll(overrides);
    p.put(PinwheelConfig.BOOTSTRAP_SERVERS, bootstrapServers);
    return PinwheelConfig.fromProperties(p);
  }

  private int freeOr(String host, int port) {
    if (port == 0) {
      return 0;
    }
    try {
      new ServerSocket(port, 1, InetAddress.getByName(host)).close();
      return port;
    } catch (IOException e) {
      say("port %d is taken (another pinwheel?); serving metrics on a free port instead", port);
      return 0;
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("pinwheel-demo-state-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create a temporary directory", e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // A temporary directory left behind is not worth failing the demo over.
    }
  }
}
