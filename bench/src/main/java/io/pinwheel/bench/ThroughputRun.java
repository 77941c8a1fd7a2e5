package io.pinwheel.bench;

import io.pinwheel.topology.config.PinwheelConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One throughput run of the pipeline: a backlog of frames queued on fresh topics, then the service
 * started to work it off, timed from the output record the bench reads once the stream threads
 * share the partitions to the last.
 */
final class ThroughputRun {
  private ThroughputRun() {}

  /**
   * Frames/s with a backlog of {@code backlog} frames, under exactly-once or at-least-once, as
   * application {@code bench-throughput-<eos|alos>-<run>}. An untimed run (a warm-up) does not need
   * the stream threads balanced for most of it, and gives NaN if they never were.
   */
  static double run(PipelineSetup s, int backlog, boolean exactlyOnce, String run, boolean timed)
      throws Exception {
    String app = "bench-throughput-" + (exactlyOnce ? "eos" : "alos") + "-" + run;
    return s.onFreshTopics(app, exactlyOnce, c -> workOff(s, c, backlog, exactlyOnce, timed));
  }

  /** {@link #run} on its topics, created. */
  private static double workOff(
      PipelineSetup s, PinwheelConfig c, int backlog, boolean exactlyOnce, boolean timed)
      throws Exception {
    List<byte[]> keys = BenchCluster.balancedKeys(s.partitions(), 4);
    List<byte[]> jpegs = s.jpegs();
    try (KafkaProducer<byte[], byte[]> producer = s.cluster().producer()) {
      SendFailures failures = new SendFailures();
      for (int i = 0; i < backlog; i++) {
        producer.send(
            new ProducerRecord<>(
                c.framesTopic(), keys.get(i % keys.size()), jpegs.get(i % jpegs.size())),
            failures);
      }
      producer.flush();
      failures.check(backlog);
    }
    try (KafkaConsumer<byte[], byte[]> consumer =
            s.cluster().consumer(c, exactlyOnce, s.partitions());
        BenchService service = BenchService.start(c, s.model())) {
      CpuMonitor.ThreadCpu cpuBefore = CpuMonitor.ThreadCpu.now();
      long wallBefore = System.nanoTime();
      // The clock starts once the stream threads each own a partition. Each thread's consumer joins
      // the group on its own, and the in-process broker forms a group at once
      // (group.initial.rebalance.delay.ms = 0), so for the first second or two one thread may hold
      // both partitions while the other waits for a second rebalance. That start-up is not the
      // service's steady-state throughput, and its length varies from run to run.
      long first = 0;
      long last = 0;
      long seen = 0;
      long counted = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (seen < backlog && System.nanoTime() < deadline) {
        service.requireAlive();
        int n = consumer.poll(Duration.ofMillis(50)).count();
        long now = System.nanoTime();
        seen += n;
        // The poll that finds the threads balanced brought records made before: not counted.
        if (counted < 0) {
          if (service.balanced(s.threads(), s.partitions())) {
            counted = 0;
            first = now;
          }
        } else if (n > 0) {
          counted += n;
          last = now;
        }
      }
      if (seen < backlog) {
        throw new IllegalStateException("only " + seen + " of " + backlog + " frames came out");
      }
      if (timed && counted < backlog / 2) {
        // Three threads on three partitions took some 3,000 frames to settle in a warm-up run.
        throw new IllegalStateException(
            "the stream threads were balanced for only "
                + Math.max(0, counted)
                + " of "
                + backlog
                + " frames: use a larger --backlog");
      }
      double fps = counted > 0 ? counted / ((last - first) / 1e9) : Double.NaN;
      cpuBefore.traceSince(c.applicationId(), fps, System.nanoTime() - wallBefore);
      return fps;
    }
  }
}
