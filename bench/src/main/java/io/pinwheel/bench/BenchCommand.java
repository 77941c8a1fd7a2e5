package io.pinwheel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinwheel.cli.AddOnCommand;
import java.io.PrintWriter;
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
      TrainBenchCommand.class
    })
public final class BenchCommand implements Callable<Integer>, AddOnCommand {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  static ObjectMapper json() {
    return new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** {@code pinwheel bench encoder}. */
  @Command(
      name = "encoder",
      mixinStandardHelpOptions = true,
      description = {
        "Frames/s of the encoder on the reference workload (96x96 gray, 64 filters 9x9,"
            + " 16 L2 pools of 4 maps, 2x2 window stride 2) at each batch size and thread count,"
            + " its conv GFLOP/s as a fraction of this machine's SGEMM peak, and the same"
            + " frames/s for ND4J's conv2d op and OpenCV filter2D, measured in the same run."
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
          EncoderBench.run(batches, threads, new Measure.Plan(1, rounds, roundMillis));
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
      for (Map.Entry<Integer, SgemmPeak.Result> e : r.sgemmByThreads().entrySet()) {
        out.printf(
            Locale.ROOT,
            "SGEMM 1024^3 with %d thread(s): Nd4j.gemm %.1f GFLOP/s, cblas_sgemm %.1f GFLOP/s%n",
            e.getKey(),
            e.getValue().nd4jGemm(),
            e.getValue().cblas());
      }
      out.printf(
          Locale.ROOT,
          "alternatives agree with the encoder to %s (max relative difference)%n",
          r.maxRelativeDifference());
      out.printf(
          Locale.ROOT,
          "%5s %7s %10s %9s %9s %7s %12s %12s %8s%n",
          "batch",
          "threads",
          "frames/s",
          "conv GF/s",
          "peak GF/s",
          "of peak",
          "nd4j-conv2d",
          "cv-filter2d",
          "speedup");
      for (EncoderBench.Row row : r.rows()) {
        out.printf(
            Locale.ROOT,
            "%5d %7d %10.0f %9.1f %9.1f %6.0f%% %12.0f %12.0f %7.2fx%n",
            row.batch(),
            row.threads(),
            row.framesPerSecond(),
            row.convGflops(),
            row.sgemmPeakGflops(),
            100 * row.fractionOfPeak(),
            row.alternatives().get("nd4j-conv2d"),
            row.alternatives().get("opencv-filter2d"),
            row.speedupOverBestAlternative());
      }
    }
  }
}
