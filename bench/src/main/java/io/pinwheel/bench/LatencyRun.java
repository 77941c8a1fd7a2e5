package io.pinwheel.bench;

import io.pinwheel.cli.support.LatencyStats;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.metrics.ProcessMemoryMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One latency run of the pipeline: frames sent at a paced rate to the running service on fresh
 * topics, each timed from its record timestamp to the moment the bench's consumer reads its feature
 * record.
 */
final class LatencyRun {
  private LatencyRun() {}

  /**
   * How long each latency run sends before its measured part, and reports apart: the start-up of a
   * new application's clients.
   */
  static final Duration STARTUP = Duration.ofSeconds(5);

  /** A run's records slower than this are traced one by one ({@link Trace}). */
  private static final long TRACE_SLOWER_THAN_MILLIS = 50;

  /**
   * Latency as a consumer sees it at a given offered rate, over one or more runs, for the frames
   * sent after each run's first {@link #STARTUP}: p50 and p99 are the medians of the runs' own, max
   * the largest, records the sum, and RSS from the start of the first run to the end of the last.
   * {@code startupP99Millis} is the largest p99 of the frames sent in a run's first {@link
   * #STARTUP}.
   */
  record Latency(
      String guarantee,
      double offeredFramesPerSecond,
      long records,
      double p50Millis,
      double p99Millis,
      double maxMillis,
      List<Double> p99Runs,
      double startupP99Millis,
      long rssStartBytes,
      long rssEndBytes) {

    /** The summary of {@code runs}, one guarantee's runs in the order they ran. */
    static Latency of(List<Latency> runs) {
      return new Latency(
          runs.get(0).guarantee(),
          runs.get(0).offeredFramesPerSecond(),
          runs.stream().mapToLong(Latency::records).sum(),
          PipelineBench.median(runs.stream().map(Latency::p50Millis).toList()),
          PipelineBench.median(runs.stream().map(Latency::p99Millis).toList()),
          runs.stream().mapToDouble(Latency::maxMillis).max().orElse(0),
          runs.stream().map(Latency::p99Millis).toList(),
          runs.stream().mapToDouble(Latency::startupP99Millis).max().orElse(0),
          runs.get(0).rssStartBytes(),
          runs.get(runs.size() - 1).rssEndBytes());
    }
  }

  /**
   * End-to-end latency at {@code rate} frames/s for {@link #STARTUP} and then {@code run}, as
   * application {@code bench-latency-<guarantee>-<round>}.
   */
  static Latency run(PipelineSetup s, double rate, Duration run, boolean exactlyOnce, String round)
      throws Exception {
    String app =
        "bench-latency-" + BenchCluster.guarantee(exactlyOnce).replace('_', '-') + "-" + round;
    return s.onFreshTopics(app, exactlyOnce, c -> paced(s, c, rate, run, exactlyOnce));
  }

  /** {@link #run} on its topics, created. */
  private static Latency paced(
      PipelineSetup s, PinwheelConfig c, double rate, Duration run, boolean exactlyOnce)
      throws Exception {
    String guarantee = BenchCluster.guarantee(exactlyOnce);
    List<byte[]> keys = BenchCluster.balancedKeys(s.partitions(), 4);
    List<byte[]> jpegs = s.jpegs();
    long rssStart = ProcessMemoryMetrics.residentBytes();
    try (KafkaConsumer<byte[], byte[]> consumer =
            s.cluster().consumer(c, exactlyOnce, s.partitions());
        BenchService service = BenchService.start(c, s.model());
        KafkaProducer<byte[], byte[]> producer = s.cluster().producer()) {
      // As in the throughput runs: the paced frames start once each thread owns a partition.
      service.awaitBalanced(s.threads(), s.partitions());
      ExecutorService pacer = Executors.newSingleThreadExecutor();
      long total = (long) (rate * run.plus(STARTUP).toMillis() / 1000.0);
      SendFailures failures = new SendFailures();
      Future<?> sending =
          pacer.submit(
              () -> {
                long start = System.nanoTime();
                for (long i = 0; i < total; i++) {
                  long due = start + (long) (i * 1e9 / rate);
                  long wait = due - System.nanoTime();
                  if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                  }
                  producer.send(
                      new ProducerRecord<>(
                          c.framesTopic(),
                          null,
                          System.currentTimeMillis(),
                          keys.get((int) (i % keys.size())),
                          jpegs.get((int) (i % jpegs.size()))),
                      failures);
                }
                return null;
              });
      // The first seconds of a new application are reported apart: records sent in them wait
      // behind the first fetches, transactions and commits of fresh clients (up to 400 ms in a
      // run where every later record took under 50 ms), which is start-up, not steady state.
      long skipBefore = System.currentTimeMillis() + STARTUP.toMillis();
      LatencyStats measured = new LatencyStats();
      LatencyStats startup = new LatencyStats();
      long seen = 0;
      long deadline = System.nanoTime() + run.toNanos() + TimeUnit.SECONDS.toNanos(60);
      while ((seen < total) && System.nanoTime() < deadline) {
        service.requireAlive();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
          long now = System.currentTimeMillis();
          long millis = now - r.timestamp();
          seen++;
          if (r.timestamp() < skipBefore) {
            startup.add(millis);
          } else {
            measured.add(millis);
            if (millis > TRACE_SLOWER_THAN_MILLIS) {
              Trace.line(
                  "%s t=%d ms sent at %d ms since the epoch latency %d ms partition %d",
                  guarantee, r.timestamp() - skipBefore, r.timestamp(), millis, r.partition());
            }
          }
        }
      }
      sending.get();
      pacer.shutdown();
      producer.flush();
      failures.check(total);
      if (seen < total) {
        throw new IllegalStateException("only " + seen + " of " + total + " frames came out");
      }
      long[] p = millis(measured, 50, 99, 100);
      double p99 = p[1];
      return new Latency(
          guarantee,
          rate,
          measured.count(),
          p[0],
          p99,
          p[2],
          List.of(p99),
          millis(startup, 99)[0],
          rssStart,
          ProcessMemoryMetrics.residentBytes());
    }
  }

  /** The nearest-rank percentiles {@code ps} of {@code stats}; 0 each when it has no samples. */
  private static long[] millis(LatencyStats stats, double... ps) {
    return stats.count() == 0 ? new long[ps.length] : stats.percentiles(ps);
  }
}
