package io.pinwheel.topology.service;

import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.metrics.Health;
import io.pinwheel.topology.metrics.MetricsServer;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.ModelRegistry;
import io.pinwheel.topology.security.SecurityFailure;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.errors.MissingSourceTopicException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link PinwheelService.Builder#start()} made, handed to the service in one piece: the parts
 * to close (newest first), the failure that stopped the service, and the health derived from them.
 */
final class ServiceParts {
  // Logged under the service's name, as before this class was split out of it.
  private static final Logger LOG = LoggerFactory.getLogger(PinwheelService.class);

  PinwheelConfig config;
  PinwheelMetrics metrics;
  volatile ModelRegistry models;
  MetricsServer metricsServer;

  /** Read by the health check from HTTP threads. */
  volatile KafkaStreams streams;

  final Deque<Resource> resources = new ArrayDeque<>();
  final AtomicReference<Throwable> failure = new AtomicReference<>();
  final Object stateLock = new Object();

  /** Something to close, and what to call it in a log line. */
  record Resource(String name, AutoCloseable closer) {}

  /** What {@code /health} reports, from the parts as they are now. */
  Health health() {
    Throwable failed = failure.get();
    if (failed != null) {
      return Health.down("failed: " + SecurityFailure.describe(failed));
    }
    KafkaStreams streams = this.streams;
    if (streams == null) {
      return Health.down("starting");
    }
    State state = streams.state();
    if (state != State.RUNNING) {
      return Health.down(
          switch (state) {
            case CREATED -> "starting";
            case REBALANCING -> "rebalancing: partitions are being assigned";
            case PENDING_SHUTDOWN, NOT_RUNNING -> "stopping";
            case PENDING_ERROR, ERROR -> "failed: a stream thread stopped";
            default -> "Kafka Streams is " + state;
          });
    }
    ModelRegistry models = this.models;
    if (models == null || models.serving().isEmpty()) {
      return Health.down("no encoder model loaded");
    }
    return Health.UP;
  }

  /** Closes every resource, newest first, adding failures to {@code primary} or logging them. */
  static void closeAll(Deque<Resource> resources, Throwable primary) {
    while (!resources.isEmpty()) {
      Resource r = resources.pop();
      try {
        r.closer.close();
      } catch (Exception | Error e) {
        if (primary != null) {
          primary.addSuppressed(e);
        } else {
          LOG.warn("could not close the {}", r.name, e);
        }
      }
    }
  }

  static StreamThreadExceptionResponse onUncaught(
      String applicationId, AtomicReference<Throwable> failure, Throwable e) {
    failure.compareAndSet(null, e);
    Optional<SecurityFailure> refused = SecurityFailure.of(e);
    if (refused.isPresent()) {
      LOG.error(
          "pinwheel service {} stops: the cluster refused it: {}",
          applicationId,
          refused.get().message());
    } else if (e instanceof MissingSourceTopicException
        || e.getCause() instanceof MissingSourceTopicException) {
      LOG.error(
          "pinwheel service {} stops: a source topic is missing (deleted while running?): {}",
          applicationId,
          e.getMessage());
    } else {
      LOG.error(
          "pinwheel service {} stops: a stream thread failed; its open transaction is aborted and"
              + " its partitions go to the other instances",
          applicationId,
          e);
    }
    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }
}
