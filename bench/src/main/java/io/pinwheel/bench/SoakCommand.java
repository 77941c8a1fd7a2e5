package io.pinwheel.bench;

import io.pinwheel.cli.support.ModelOption;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.topology.metrics.ProcessMemoryMetrics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.Pointer;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pinwheel bench soak}: decodes and encodes many JPEG frames and samples the process's
 * resident memory (from /proc and as javacpp counts it), to show that neither OpenCV Mats nor the
 * encoder's native buffers and primitives leak.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = {
      "Decode (OpenCV) and encode (oneDNN or ND4J) --frames JPEG frames (the --workload: synthetic, or"
          + " camera frames) on one thread, sampling the"
          + " process's resident memory (VmRSS, and javacpp's physical bytes); reports growth from"
          + " the first sample (after warm-up) to the last."
    })
final class SoakCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--frames",
      defaultValue = "100000",
      description = "Frames (default: ${DEFAULT-VALUE}).")
  int frames;

  @Option(
      names = "--samples",
      defaultValue = "10",
      description = "Memory samples over the run (default: ${DEFAULT-VALUE}).")
  int samples;

  @Mixin ModelOption model;

  @Option(
      names = "--reload-every",
      defaultValue = "0",
      paramLabel = "N",
      description = {
        "Every N frames, read the model again from its file bytes and swap in a new encoder,"
            + " closing the old one, as a hot reload does; 0 for never (default: ${DEFAULT-VALUE})."
      })
  int reloadEvery;

  @Mixin FrameWorkload workload;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  /** One memory reading. */
  record Sample(long frames, double seconds, long rssBytes, long physicalBytes) {}

  /** The whole run; growth is measured from the first sample (after warm-up) to the last. */
  record Result(
      String workload,
      String frameSource,
      long frames,
      long reloads,
      double framesPerSecond,
      List<Sample> samples,
      long rssGrowthBytes,
      long physicalGrowthBytes) {}

  @Override
  public Integer call() throws Exception {
    if (frames < samples || samples < 2 || reloadEvery < 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--samples must be >= 2, --frames >= --samples and --reload-every >= 0");
    }
    EncoderModel m;
    try {
      m = model.load().model();
    } catch (ModelOption.UnusableModelException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    FrameWorkload.Frames jpegs;
    try {
      jpegs = workload.frames();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Result result = run(m, jpegs, frames, samples, reloadEvery);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(BenchCommand.json().writeValueAsString(result));
    } else {
      out.printf(Locale.ROOT, "frames: %s%n", result.frameSource());
      out.printf(Locale.ROOT, "%10s %8s %10s %14s%n", "frames", "seconds", "RSS MB", "physical MB");
      for (Sample s : result.samples()) {
        out.printf(
            Locale.ROOT,
            "%10d %8.1f %10.1f %14.1f%n",
            s.frames(),
            s.seconds(),
            s.rssBytes() / 1e6,
            s.physicalBytes() / 1e6);
      }
      out.printf(
          Locale.ROOT,
          "%d frames%s at %.0f frames/s; growth after warm-up: RSS %+.1f MB, physical %+.1f MB%n",
          result.frames(),
          result.reloads() == 0 ? "" : " and " + result.reloads() + " reloads",
          result.framesPerSecond(),
          result.rssGrowthBytes() / 1e6,
          result.physicalGrowthBytes() / 1e6);
    }
    out.flush();
    return 0;
  }

  static Result run(
      EncoderModel model, FrameWorkload.Frames workload, long frames, int samples, int reloadEvery)
      throws Exception {
    List<byte[]> jpegs = workload.jpegs();
    FrameDecoder decoder = new FrameDecoder(model.input());
    byte[] file = reloadEvery > 0 ? EncoderFile.toBytes(model) : new byte[0];
    List<Sample> taken = new ArrayList<>();
    long every = frames / samples;
    long start = System.nanoTime();
    long nnz = 0;
    long reloads = 0;
    Encoder encoder = new Encoder(model);
    try {
      for (long i = 1; i <= frames; i++) {
        if (reloadEvery > 0 && i % reloadEvery == 0) {
          // What a reload costs the extractor: the file parsed and verified, a new encoder's
          // native buffers allocated, the old one's freed.
          Encoder fresh = new Encoder(EncoderFile.read(file, "reload " + (reloads + 1)));
          encoder.close();
          encoder = fresh;
          reloads++;
        }
        nnz += encoder.encode(decoder.decode(jpegs.get((int) (i % jpegs.size())))).nnz();
        if (i % every == 0) {
          taken.add(
              new Sample(
                  i,
                  (System.nanoTime() - start) / 1e9,
                  ProcessMemoryMetrics.residentBytes(),
                  Pointer.physicalBytes()));
        }
      }
    } finally {
      encoder.close();
    }
    if (nnz == 0) {
      throw new IllegalStateException(
          "every code was empty: the soak did not exercise the encoder");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Sample first = taken.get(0);
    Sample last = taken.get(taken.size() - 1);
    return new Result(
        workload.name(),
        workload.source(),
        frames,
        reloads,
        frames / seconds,
        taken,
        last.rssBytes() - first.rssBytes(),
        last.physicalBytes() - first.physicalBytes());
  }

  /** JPEGs of several sizes (so the decoder resizes) made from smooth random content. */
  static List<byte[]> syntheticJpegs(int count, long seed) {
    OpenCv.load();
    Random rnd = new Random(seed);
    List<byte[]> out = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      int h = 96 + rnd.nextInt(4) * 80;
      int w = 96 + rnd.nextInt(4) * 120;
      byte[] pixels = new byte[h * w * 3];
      double fx = 0.02 + rnd.nextDouble() * 0.3;
      double fy = 0.02 + rnd.nextDouble() * 0.3;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          for (int c = 0; c < 3; c++) {
            double v = 128 + 90 * Math.sin(fx * x + fy * y + c) + 20 * rnd.nextGaussian();
            pixels[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v));
          }
        }
      }
      Mat img = new Mat(h, w, CvType.CV_8UC3);
      MatOfByte buf = new MatOfByte();
      try {
        img.put(0, 0, pixels);
        Imgcodecs.imencode(".jpg", img, buf);
        out.add(buf.toArray());
      } finally {
        img.release();
        buf.release();
      }
    }
    return out;
  }
}
