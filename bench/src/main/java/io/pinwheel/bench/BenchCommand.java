package io.pinwheel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinwheel.cli.AddOnCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pinwheel bench}: speed and native-memory benchmarks. Figures go in BENCHMARKS.md. */
@Command(
    name = "bench",
    description =
        "Benchmarks: encoder speed against the alternatives; native memory over a soak; the"
            + " trainer against SameDiff.",
    mixinStandardHelpOptions = true,
    subcommands = {
      BenchCommand.EncoderCommand.class,
      SoakCommand.class,
      PipelineCommand.class,
      DecodeCommand.class,
      TrainBenchCommand.class
    })
public final class BenchCommand implements Callable<Integer>, AddOnCommand {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  /** The writer of every bench's {@code --json} object: record components as camelCase keys. */
  static ObjectMapper json() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** {@code pinwheel bench encoder}. */
  @Command(
      name = "encoder",
      mixinStandardHelpOptions = true,
      description = {
        "Encoder speed, every figure measured in the same run.",
        "The reference rows time the encoder alone on the reference workload (96x96 gray frames"
            + " already in memory, 64 filters 9x9, ReLU, per-map gain, 16 L2 pools of 4 maps, 2x2"
            + " window stride 2: conv + ReLU + gain + pool, no decode, no LCN) at each batch size and"
            + " thread count (one encoder per thread), its conv GFLOP/s and their fraction of this"
            + " machine's SGEMM peak, and the same frames/s for ND4J's conv2d op (the better of one"
            + " caller with that many OpenMP threads and that many single-threaded callers) and"
            + " ONNX Runtime 1.20 running the graph `pinwheel export-onnx` writes for the workload"
            + " (the better of one caller with that many intra-op threads and that many"
            + " single-threaded callers, the batch in one call; it must agree with the encoder to"
            + " 1e-5) and OpenCV filter2D (one caller per thread); 'speedup' is against the best"
            + " alternative at the same batch size. The encoder and the alternatives of a row are"
            + " timed in interleaved rounds (round 1 of each, then round 2 of each, ...), so that"
            + " load from other processes falls on all of them alike.",
        "'best' compares each side at its own best batch size for each thread count.",
        "SGEMM peak: a 1024^3 product through Nd4j.gemm and cblas_sgemm with that many BLAS"
            + " threads, and, for 2 or more threads, that many single-threaded callers at once (as"
            + " the encoder runs); the highest is the peak.",
        "The encoder's convolution alone: oneDNN's direct convolution of the reference workload"
            + " (64 filters 9x9 with bias on a 96x96 frame, no ReLU, pooling or copies), the"
            + " primitive the encoder runs, by that many single-threaded callers: the practical"
            + " ceiling.",
        "Full path: JPEG camera frames (1280x720 and 1920x1080, see --camera-dir) to sparse"
            + " codes through the shipped natural model (decode, resize, LCN, encode), with a full"
            + " decode (the path before reduced decoding was the default) and with the default"
            + " reduced decode, the two in interleaved rounds."
      })
  static final class EncoderCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(
        names = "--batch",
        split = ",",
        defaultValue = "1,32",
        description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(
        names = "--threads",
        split = ",",
        defaultValue = "1,2",
        description = "Thread counts (default: ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(
        names = "--rounds",
        defaultValue = "5",
        description =
            "Timed rounds per figure; the median is reported (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(
        names = "--round-millis",
        defaultValue = "1000",
        description = "Length of one round in ms (default: ${DEFAULT-VALUE}).")
    long roundMillis;

    @Option(
        names = "--camera-dir",
        defaultValue = "data/camera",
        paramLabel = "DIR",
        description = {
          "Camera frames for the full path: DIR/720p and DIR/1080p, as scripts/get-datasets.sh"
              + " cuts them; without them, frames are cut from DIR/../photos or DIR/../natural or"
              + " made synthetic, and the output says so. Default: ${DEFAULT-VALUE}."
        })
    Path cameraDir;

    @Option(names = "--no-full-path", description = "Skip the full-path rows.")
    boolean noFullPath;

    @Override
    public Integer call() throws Exception {
      if (rounds < 1
          || roundMillis < 1
          || batches.stream().anyMatch(b -> b < 1)
          || threads.stream().anyMatch(t -> t < 1)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--rounds, --round-millis, --batch and --threads must be >= 1");
      }
      EncoderBench.Result result =
          EncoderBench.run(
              batches, threads, new Measure.Plan(1, rounds, roundMillis), cameraDir, !noFullPath);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(json().writeValueAsString(result));
      } else {
        printTable(result, out);
      }
      out.flush();
      return 0;
    }

    private static void printTable(EncoderBench.Result r, PrintWriter out) {
      out.printf(
          Locale.ROOT,
          "workload: %s (%.1f MFLOP of conv a frame)%n",
          r.workload(),
          r.convMflopPerFrame());
      out.printf(Locale.ROOT, "encoder engine: %s%n", r.engine());
      for (Map.Entry<Integer, SgemmPeak.Result> e : r.sgemmByThreads().entrySet()) {
        SgemmPeak.Result p = e.getValue();
        out.printf(
            Locale.ROOT,
            "SGEMM 1024^3 with %d thread(s): Nd4j.gemm %.1f GFLOP/s, cblas_sgemm %.1f GFLOP/s%s%n",
            e.getKey(),
            p.nd4jGemm(),
            p.cblas(),
            e.getKey() > 1
                ? String.format(
                    Locale.ROOT,
                    ", %d single-threaded callers %.1f GFLOP/s",
                    e.getKey(),
                    p.singleThreadedCallers())
                : "");
      }
      for (EncoderBench.ConvAloneRow c : r.convAlone()) {
        out.printf(
            Locale.ROOT,
            "the encoder's convolution alone (oneDNN, 64x1x9x9 on 96x96, bias), %d caller(s): %.1f"
                + " GFLOP/s = %.0f%% of peak%n",
            c.threads(),
            c.gflops(),
            100 * c.fractionOfPeak());
      }
      out.printf(
          Locale.ROOT,
          "alternatives agree with the encoder to %s (max relative difference)%n",
          r.maxRelativeDifference());
      out.printf(
          Locale.ROOT,
          "%5s %7s %10s %9s %9s %7s %12s %12s %12s %8s%n",
          "batch",
          "threads",
          "frames/s",
          "conv GF/s",
          "peak GF/s",
          "of peak",
          "nd4j-conv2d",
          "onnxruntime",
          "cv-filter2d",
          "speedup");
      for (EncoderBench.Row row : r.rows()) {
        out.printf(
            Locale.ROOT,
            "%5d %7d %10.0f %9.1f %9.1f %6.0f%% %12.0f %12.0f %12.0f %7.2fx%n",
            row.batch(),
            row.threads(),
            row.framesPerSecond(),
            row.convGflops(),
            row.sgemmPeakGflops(),
            100 * row.fractionOfPeak(),
            row.alternatives().get(EncoderBench.ND4J_CONV2D),
            row.alternatives().get(EncoderBench.ONNX_RUNTIME),
            row.alternatives().get(EncoderBench.OPENCV_FILTER2D),
            row.speedupOverBestAlternative());
      }
      for (EncoderBench.Best b : r.best()) {
        StringBuilder alternatives = new StringBuilder();
        for (Map.Entry<String, Double> e : b.alternatives().entrySet()) {
          alternatives.append(
              String.format(
                  Locale.ROOT,
                  ", %s %.0f (batch %d)",
                  e.getKey(),
                  e.getValue(),
                  b.alternativeBatches().get(e.getKey())));
        }
        out.printf(
            Locale.ROOT,
            "best, %d thread(s): encoder %.0f frames/s (batch %d)%s: %.2fx%n",
            b.threads(),
            b.encoderFramesPerSecond(),
            b.encoderBatch(),
            alternatives,
            b.speedupOverBestAlternative());
      }
      for (Map.Entry<String, String> e : r.cameraFrames().entrySet()) {
        out.printf(Locale.ROOT, "%s camera frames: %s%n", e.getKey(), e.getValue());
      }
      for (EncoderBench.FullPathRow p : r.fullPath()) {
        out.printf(
            Locale.ROOT,
            "full path %s %s, %d thread(s): full decode %.0f frames/s, reduced decode %.0f"
                + " frames/s (%.2fx)%n",
            p.frames(),
            p.model(),
            p.threads(),
            p.fullDecodeFramesPerSecond(),
            p.reducedDecodeFramesPerSecond(),
            p.speedup());
      }
    }
  }
}
