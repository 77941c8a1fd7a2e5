package io.pinwheel.bench;

import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.KafkaOptions;
import io.pinwheel.cli.support.ModelOption;
import io.pinwheel.cli.support.PartitionsOption;
import io.pinwheel.cli.support.ServiceOverrides;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.topology.config.PinwheelConfigException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pinwheel bench pipeline}: the service through an in-process broker. */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the Kafka Streams service on an in-process KRaft broker (or the one --bootstrap-servers"
          + " names) with an encoder (--model; the earlier figures used gabor, the later ones"
          + " natural) and JPEG frames of 96x96 to 336x456 pixels. Measures, in one run: decode + encode"
          + " alone on --threads threads; the pipeline's throughput working off a backlog; and"
          + " end-to-end latency as a consumer sees it at half that throughput (or at --rate),"
          + " under at_least_once and exactly_once_v2. Untimed runs come first, until the JIT"
          + " compiles for less than 10%% of a core while they run (at most 12). About 8 minutes"
          + " with the defaults on 2 cores."
    })
final class PipelineCommand implements Callable<Integer> {
  /** A rate no 2-core machine reaches; above it the pacing is meaningless. */
  private static final double MAX_RATE = 100_000;

  @Spec CommandSpec spec;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "Stream threads and decode+encode threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Mixin PartitionsOption partitions;

  @Option(
      names = "--backlog",
      defaultValue = "12000",
      description = {
        "Frames queued before each throughput run (default: ${DEFAULT-VALUE}, about 20 s of"
            + " work). Shorter runs are dominated by the JIT still compiling Kafka's code: with"
            + " 4000, single runs ranged from 361 to 776 frames/s."
      })
  int backlog;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description =
          "Timed throughput runs, and then latency runs, of each guarantee, after the untimed"
              + " warm-up runs; medians are reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Mixin ModelOption model;

  @Option(
      names = "--latency-seconds",
      defaultValue = "20",
      description =
          "Length of each latency run's measured part, after 5 s of start-up that is reported"
              + " apart (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(
      names = "--rate",
      paramLabel = "FRAMES_PER_SECOND",
      description = {
        "Measure latency at this rate, and skip the throughput runs that would otherwise choose"
            + " it (half the pipeline's throughput)."
      })
  Double rate;

  // Without --bootstrap-servers the bench starts a broker inside its JVM. With it, e.g. a
  // `pinwheel broker` pinned to other cores with taskset, the broker's CPU is not taken from the
  // cores being measured; topic names then end in a run id.
  @Mixin KafkaOptions kafka;

  @Option(
      names = "--broker-log-dir",
      paramLabel = "DIR",
      description = {
        "Where the in-process broker keeps its logs, in a temporary directory deleted at the end"
            + " (default: /dev/shm where it is a writable directory with 2 GiB free, else the"
            + " system's temporary directory). A full run writes about 9 GB of frames and"
            + " features; each run's topics are deleted after it, but on a disk their writeback"
            + " still took both cores for seconds in the middle of later runs. Pass a disk"
            + " directory to include it."
      })
  Path brokerLogDir = defaultBrokerLogDir();

  /** The free space {@code /dev/shm} needs to hold a throughput run's topics (about 1 GB). */
  private static final long MIN_SHM_BYTES = 2L << 30;

  /**
   * {@code /dev/shm} where it is a writable directory (Linux) with room for a run's frames, else
   * null. Containers often mount a 64 MiB one.
   */
  static Path defaultBrokerLogDir() {
    Path shm = Path.of("/dev/shm");
    try {
      return Files.isDirectory(shm)
              && Files.isWritable(shm)
              && Files.getFileStore(shm).getUsableSpace() >= MIN_SHM_BYTES
          ? shm
          : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }

  @Mixin ServiceOverrides overrides;

  @Mixin FrameWorkload workload;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (threads < 1
        || partitions.partitions() < 1
        || backlog < 2
        || rounds < 1
        || latencySeconds < 2) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--threads, --partitions and --rounds must be >= 1, --backlog and --latency-seconds >= 2");
    }
    if (rate != null && !(rate > 0 && rate <= MAX_RATE)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--rate must be above 0 and at most " + MAX_RATE + ", got " + rate);
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--broker-log-dir")) {
      if (kafka.given()) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--broker-log-dir is for the in-process broker; it cannot go with --bootstrap-servers");
      }
      if (!Files.isDirectory(brokerLogDir)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "--broker-log-dir: not a directory: " + brokerLogDir);
      }
    }
    EncoderModel encoderModel;
    try {
      encoderModel = model.load().model();
    } catch (ModelOption.UnusableModelException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    String bootstrapServers = kafka.bootstrapServers();
    FrameWorkload.Frames frames;
    try {
      frames = workload.frames();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    spec.commandLine().getErr().println("pinwheel bench pipeline: frames: " + frames.source());
    PipelineBench.Result r;
    try {
      r =
          PipelineBench.run(
              bootstrapServers,
              bootstrapServers == null ? "" : Long.toString(System.currentTimeMillis(), 36),
              overrides.values(),
              encoderModel,
              frames.jpegs(),
              threads,
              partitions.partitions(),
              backlog,
              rounds,
              Duration.ofSeconds(latencySeconds),
              rate,
              brokerLogDir,
              new Measure.Plan(1, 5, 1000));
    } catch (PinwheelConfigException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--set: " + e.getMessage(), e);
    } catch (KafkaException e) {
      spec.commandLine()
          .getErr()
          .println(
              "pinwheel bench pipeline: the broker"
                  + (bootstrapServers == null ? "" : " at " + bootstrapServers)
                  + " failed the run: "
                  + e.getMessage());
      return ExitCodes.FAILED;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(BenchCommand.json().writeValueAsString(r));
    } else {
      if (r.decodeEncodeFramesPerSecond() != null) {
        printThroughput(out, r);
      }
      for (LatencyRun.Latency l : r.latency()) {
        out.printf(
            Locale.ROOT,
            "%-16s at %.0f frames/s: p50 %.0f ms, p99 %.0f ms (median of %s), max %.0f ms"
                + " over %d records, after %d s of start-up (p99 up to %.0f ms);"
                + " RSS %.0f -> %.0f MB%n",
            l.guarantee(),
            l.offeredFramesPerSecond(),
            l.p50Millis(),
            l.p99Millis(),
            runs(l.p99Runs()),
            l.maxMillis(),
            l.records(),
            LatencyRun.STARTUP.toSeconds(),
            l.startupP99Millis(),
            l.rssStartBytes() / 1e6,
            l.rssEndBytes() / 1e6);
      }
      out.printf(Locale.ROOT, "commit.interval.ms = %d%n", r.commitIntervalMs());
      if (r.brokerLogDir() != null) {
        out.printf(
            Locale.ROOT,
            "the in-process broker kept its logs in %s, deleting each run's topics after it%n",
            r.brokerLogDir());
      }
      if (r.jitCpuPercent() != null) {
        out.printf(
            Locale.ROOT,
            "the JIT compiled for %.1f%% of one core during the timed throughput runs, after %d"
                + " warm-up runs%n",
            r.jitCpuPercent(),
            r.warmupRuns());
      }
      if (r.decodeEncodeFramesPerSecond() != null && !Double.isNaN(r.otherProcessesCpuPercent())) {
        out.printf(
            Locale.ROOT,
            "other processes on this machine%s used %.0f%% of one core during the timed"
                + " throughput runs%s%n",
            bootstrapServers == null ? "" : ", the broker among them,",
            r.otherProcessesCpuPercent(),
            r.otherProcessesCpuPercent() > 10 && bootstrapServers == null
                ? " (figures not comparable: re-run when idle)"
                : "");
      }
    }
    out.flush();
    return 0;
  }

  private static void printThroughput(PrintWriter out, PipelineBench.Result r) {
    out.printf(
        Locale.ROOT,
        "decode + encode alone, %d threads: %.0f frames/s (median of %s)%n"
            + "pipeline (%d stream threads, %d partitions), at_least_once: %.0f frames/s"
            + " = %.0f%% of decode + encode (median of %s)%n"
            + "pipeline (%d stream threads, %d partitions), exactly_once_v2: %.0f frames/s"
            + " = %.0f%% of decode + encode (median of %s)%n",
        r.threads(),
        r.decodeEncodeFramesPerSecond(),
        runs(r.decodeEncodeRuns()),
        r.threads(),
        r.partitions(),
        r.atLeastOnceFramesPerSecond(),
        100 * r.atLeastOnceFramesPerSecond() / r.decodeEncodeFramesPerSecond(),
        runs(r.atLeastOnceRuns()),
        r.threads(),
        r.partitions(),
        r.pipelineFramesPerSecond(),
        100 * r.ratio(),
        runs(r.exactlyOnceRuns()));
  }

  private static String runs(List<Double> runs) {
    return runs.stream()
        .map(v -> String.format(Locale.ROOT, "%.0f", v))
        .collect(Collectors.joining(", "));
  }
}
