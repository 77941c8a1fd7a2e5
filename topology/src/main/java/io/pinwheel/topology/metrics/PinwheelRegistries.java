package io.pinwheel.topology.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.util.NamedThreadFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Ready-made registries and bindings for the {@code serve} and {@code demo} commands.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = PinwheelRegistries.prometheus();
 * metrics.bindTo(registry);
 * try (AutoCloseable kafkaMeters = PinwheelRegistries.bindKafkaStreams(streams, registry);
 *     MetricsServer server = MetricsServer.start("127.0.0.1", 9400, registry, healthy)) {
 *   ...
 * } finally {
 *   registry.close();
 * }
 * }</pre>
 */
public final class PinwheelRegistries {

  /**
   * How often the Kafka Streams binding looks for new Kafka metrics. Task, store and partition
   * metrics only appear after a rebalance assigns work, so Micrometer's default of a minute would
   * leave them out of the first scrapes; this matches a common Prometheus scrape interval.
   */
  static final Duration KAFKA_REFRESH_INTERVAL = Duration.ofSeconds(15);

  private PinwheelRegistries() {}

  /**
   * Creates a Prometheus registry with the JVM and process meters: class loading, memory, garbage
   * collection, threads, CPU and uptime.
   *
   * <p>Close the registry when done: that also detaches the garbage-collection listeners.
   *
   * @return a new registry, owned by the caller
   */
  public static PrometheusMeterRegistry prometheus() {
    JvmGcMetrics gc = new JvmGcMetrics();
    PrometheusMeterRegistry registry = new GcOwningPrometheusMeterRegistry(gc);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new ProcessMemoryMetrics().bindTo(registry);
    return registry;
  }

  /**
   * Publishes a Kafka Streams application's own metrics (threads, tasks, processors, stores and its
   * embedded consumers and producers) to {@code registry}, under names starting with {@code
   * kafka.}, such as {@code kafka.stream.thread.process.rate}.
   *
   * <p>Bind once the {@code KafkaStreams} instance is built; it may be started before or after.
   * Metrics that Kafka adds later (tasks after a rebalance, for instance) are picked up within 15
   * s.
   *
   * @param streams the application
   * @param registry where the meters go
   * @return closing it stops the refreshing and removes the {@code kafka.*} meters; close it before
   *     or right after closing {@code streams}
   */
  public static AutoCloseable bindKafkaStreams(KafkaStreams streams, MeterRegistry registry) {
    return bindKafkaStreams(streams, registry, KAFKA_REFRESH_INTERVAL);
  }

  static AutoCloseable bindKafkaStreams(
      KafkaStreams streams, MeterRegistry registry, Duration refreshInterval) {
    Objects.requireNonNull(streams, "streams");
    Objects.requireNonNull(registry, "registry");
    // Micrometer only accepts a refresh interval along with a scheduler, which it then leaves
    // running on close; so this scheduler is ours to stop.
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            new NamedThreadFactory("pinwheel-kafka-streams-metrics"));
    KafkaStreamsMetrics binder;
    try {
      binder = new KafkaStreamsMetrics(streams, List.of(), scheduler, refreshInterval);
      binder.bindTo(registry);
    } catch (RuntimeException e) {
      scheduler.shutdownNow();
      throw e;
    }
    KafkaStreamsMetrics bound = binder;
    return () -> {
      scheduler.shutdownNow();
      bound.close();
    };
  }

  /**
   * A Prometheus registry that also closes the GC binder: its notification listeners on the GC
   * MXBeans would otherwise outlive the registry and keep it reachable.
   */
  private static final class GcOwningPrometheusMeterRegistry extends PrometheusMeterRegistry {
    private final JvmGcMetrics gc;

    GcOwningPrometheusMeterRegistry(JvmGcMetrics gc) {
      super(PrometheusConfig.DEFAULT);
      this.gc = gc;
    }

    @Override
    public void close() {
      gc.close();
      super.close();
    }
  }
}
