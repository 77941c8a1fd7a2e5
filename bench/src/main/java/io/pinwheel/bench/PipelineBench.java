package io.pinwheel.bench;

import io.pinwheel.extractor.DecoderOptions;
import io.pinwheel.extractor.model.EncoderModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole service through a real (in-process or outside) broker, next to decode + encode alone on
 * the same cores, in one run: throughput with a backlog ({@link ThroughputRun}), then end-to-end
 * latency at half that rate ({@link LatencyRun}) under at-least-once and exactly-once. This class
 * orders the runs: warm-up, timed rounds in alternating order, the reference and the medians. The
 * broker and topics are {@link BenchCluster}'s, the service {@link BenchService}'s, the CPU
 * readings {@link CpuMonitor}'s.
 */
final class PipelineBench {
  private PipelineBench() {}

  /**
   * The whole run. Throughput figures are medians over {@code rounds} timed runs of each guarantee,
   * taken in alternating order (at_least_once first in even rounds, exactly_once_v2 first in odd
   * ones) after untimed warm-up runs ({@link #warmUp}), so neither guarantee pays for the broker's
   * and the JIT's warm-up. Decode + encode alone is measured before and after them, with the broker
   * running idle, and its reference figure is the median of both. {@code otherProcessesCpuPercent}
   * and {@code jitCpuPercent} are what other processes and this JVM's JIT compilers used over those
   * timed runs, in percent of one core; {@code warmupRuns} is how many untimed runs {@link #warmUp}
   * took. The throughput fields and {@code jitCpuPercent} are null when the latency rate was given
   * rather than measured. {@code brokerLogDir} is where the in-process broker kept its logs, null
   * for an outside broker.
   */
  record Result(
      String brokerLogDir,
      int threads,
      int partitions,
      Double decodeEncodeFramesPerSecond,
      Double atLeastOnceFramesPerSecond,
      Double pipelineFramesPerSecond,
      Double ratio,
      long commitIntervalMs,
      List<Double> decodeEncodeRuns,
      List<Double> atLeastOnceRuns,
      List<Double> exactlyOnceRuns,
      double otherProcessesCpuPercent,
      Double jitCpuPercent,
      int warmupRuns,
      List<LatencyRun.Latency> latency) {}

  /**
   * The most untimed warm-up runs (pairs of both guarantees) {@link #warmUp} makes before it gives
   * up waiting for the JIT to settle.
   */
  static final int MAX_WARMUP_PAIRS = 6;

  /**
   * The JIT compilation, in percent of one core over a warm-up pair, below which the pair counts as
   * warm.
   */
  static final double WARM_JIT_PERCENT = 10;

  /**
   * The whole run against {@code bootstrapServers}, or against an in-process broker started for it
   * (with its logs under {@code brokerLogParent}) when that is null; see {@link BenchCluster}.
   *
   * @param runId appended to topic and application names, empty for none
   * @param properties the service's settings ({@code --set})
   * @param latencyRate the latency runs' rate, or null for half the exactly-once throughput
   * @param plan how decode + encode alone is timed
   */
  static Result run(
      String bootstrapServers,
      String runId,
      Map<String, String> properties,
      EncoderModel model,
      List<byte[]> jpegs,
      int threads,
      int partitions,
      int backlog,
      int rounds,
      Duration latencyRun,
      Double latencyRate,
      Path brokerLogParent,
      Measure.Plan plan)
      throws Exception {
    List<Double> alone = new ArrayList<>();
    List<Double> atLeastOnce = new ArrayList<>();
    List<Double> exactlyOnce = new ArrayList<>();
    try (BenchCluster kafka =
        BenchCluster.open(bootstrapServers, runId, properties, brokerLogParent)) {
      PipelineSetup setup = new PipelineSetup(kafka, model, jpegs, threads, partitions);
      int warmupRuns = warmUp(setup, backlog);
      CpuMonitor.awaitQuietJit(Duration.ofSeconds(20));
      CpuMonitor cpu = CpuMonitor.start();
      Double reference = null;
      Double atLeastOnceMedian = null;
      Double pipeline = null;
      double rate;
      if (latencyRate == null) {
        alone.add(decodeEncode(model, jpegs, threads, plan));
        alternating(
            rounds,
            (eos, round) -> ThroughputRun.run(setup, backlog, eos, round, true),
            atLeastOnce,
            exactlyOnce);
        alone.add(decodeEncode(model, jpegs, threads, plan));
        reference = median(alone);
        atLeastOnceMedian = median(atLeastOnce);
        pipeline = median(exactlyOnce);
        rate = pipeline / 2;
      } else {
        rate = latencyRate;
      }
      double others = cpu.othersPercent();
      Double jit = latencyRate == null ? cpu.jitPercent() : null;
      // Rounds alternate as the throughput runs do. One run's p99 rests on its slowest 1%, which a
      // single pause of the shared machine can fill; the median over rounds does not.
      List<LatencyRun.Latency> atLeastOnceLatency = new ArrayList<>();
      List<LatencyRun.Latency> exactlyOnceLatency = new ArrayList<>();
      alternating(
          rounds,
          (eos, round) -> LatencyRun.run(setup, rate, latencyRun, eos, round),
          atLeastOnceLatency,
          exactlyOnceLatency);
      return new Result(
          kafka.brokerLogDir(),
          threads,
          partitions,
          reference,
          atLeastOnceMedian,
          pipeline,
          pipeline == null ? null : pipeline / reference,
          // What the runs used: -p commit.interval.ms may have changed it.
          kafka.config("bench", threads, true).commitIntervalMs(),
          alone,
          atLeastOnce,
          exactlyOnce,
          others,
          jit,
          warmupRuns,
          List.of(
              LatencyRun.Latency.of(atLeastOnceLatency),
              LatencyRun.Latency.of(exactlyOnceLatency)));
    }
  }

  /**
   * Untimed runs of both guarantees, repeated until the JIT compiles for less than {@link
   * #WARM_JIT_PERCENT} of a core while they run (at most {@link #MAX_WARMUP_PAIRS} pairs). The JIT
   * compiles the broker's, the clients' and Kafka Streams' code only as that code runs, and a fixed
   * warm-up was not enough: after one pair of 2,000-frame runs it still took 40% of a core in the
   * first timed run and 17% in the second, which the timed runs would charge to the pipeline. A
   * quiet JIT while nothing runs says nothing, so the test is made under load. Returns the number
   * of runs made.
   */
  private static int warmUp(PipelineSetup setup, int backlog) throws Exception {
    int frames = Math.max(2, Math.min(backlog, 4000));
    for (int pair = 1; ; pair++) {
      CpuMonitor cpu = CpuMonitor.start();
      ThroughputRun.run(setup, frames, false, "warmup-" + pair, false);
      ThroughputRun.run(setup, frames, true, "warmup-" + pair, false);
      double percent = cpu.jitPercent();
      Trace.line("warm-up pair %d: JIT %.1f%% of a core", pair, percent);
      if (percent < WARM_JIT_PERCENT || pair == MAX_WARMUP_PAIRS) {
        return 2 * pair;
      }
    }
  }

  /** One timed run of a guarantee in a round. */
  @FunctionalInterface
  private interface TimedRun<T> {
    T run(boolean exactlyOnce, String round) throws Exception;
  }

  /**
   * Runs {@code rounds} rounds of both guarantees, at_least_once first in even rounds and
   * exactly_once_v2 first in odd ones, so that neither always runs on the warmer machine.
   */
  private static <T> void alternating(
      int rounds, TimedRun<T> run, List<T> atLeastOnce, List<T> exactlyOnce) throws Exception {
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < 2; i++) {
        boolean exactlyOnceNow = (i == 0) == (round % 2 == 1);
        T result = run.run(exactlyOnceNow, Integer.toString(round));
        (exactlyOnceNow ? exactlyOnce : atLeastOnce).add(result);
      }
    }
  }

  /**
   * Decode + encode alone, one decoder (default options, as the service's) and encoder per thread:
   * the ceiling for the pipeline.
   */
  private static double decodeEncode(
      EncoderModel model, List<byte[]> jpegs, int threads, Measure.Plan plan) throws Exception {
    return FullPath.framesPerSecond(model, jpegs, DecoderOptions.defaults(), threads, plan);
  }

  static double median(List<Double> values) {
    return Measure.median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
