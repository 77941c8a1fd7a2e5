package io.pinwheel.bench;

import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.service.PinwheelService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The service under measurement: a {@link PinwheelService} started as {@code pinwheel serve} starts
 * it (models topic listener, meters, metrics endpoint and Kafka Streams, on topics that must
 * exist), with the bench's model as the initial one and the metrics endpoint on a free loopback
 * port.
 */
final class BenchService implements AutoCloseable {
  /** The longest wait for the service to run, and then for its threads to share the partitions. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final PinwheelService service;

  private BenchService(PinwheelService service) {
    this.service = service;
  }

  /** Starts the service on {@code c}'s topics, which exist, and waits until it runs. */
  static BenchService start(PinwheelConfig c, EncoderModel model) throws InterruptedException {
    PinwheelService service =
        PinwheelService.builder(c, model)
            .initialModelOrigin("bench")
            .metricsAddress(PinwheelService.DEFAULT_METRICS_HOST, 0)
            .start();
    try {
      if (!service.awaitRunning(START_TIMEOUT)) {
        throw new IllegalStateException(
            "Kafka Streams did not reach RUNNING: "
                + service.state()
                + service.failure().map(f -> " (" + f + ")").orElse(""));
      }
    } catch (InterruptedException | RuntimeException e) {
      service.close();
      throw e;
    }
    return new BenchService(service);
  }

  /**
   * Whether the work is spread: as many stream threads as there are partitions to go round (at most
   * {@code threads}) each own an active task, and the client is RUNNING.
   */
  boolean balanced(int threads, int partitions) {
    return service.threadsWithPartitions() >= Math.min(threads, partitions)
        && service.state() == KafkaStreams.State.RUNNING;
  }

  /** Waits up to a minute for {@link #balanced}. */
  void awaitBalanced(int threads, int partitions) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!balanced(threads, partitions)) {
      requireAlive();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the stream threads did not each get a partition within a minute");
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /** Throws if the Streams client has stopped or failed. */
  void requireAlive() {
    if (!service.state().isRunningOrRebalancing()) {
      throw new IllegalStateException(
          "Kafka Streams stopped: "
              + service.state()
              + service.failure().map(f -> " (" + f + ")").orElse(""));
    }
  }

  /** Stops the service, as {@code serve} does on Ctrl-C. */
  @Override
  public void close() {
    service.close();
  }
}
