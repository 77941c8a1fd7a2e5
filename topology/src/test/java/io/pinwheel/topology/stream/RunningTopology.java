package io.pinwheel.topology.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pinwheel.broker.CommittedReader;
import io.pinwheel.client.FeatureRecord;
import io.pinwheel.client.FeatureRecordSerde;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.ModelRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.awaitility.core.ThrowingRunnable;

/**
 * {@link FeatureTopology} running under Kafka Streams on a real broker, and what a {@code
 * read_committed} consumer reads of its features and dead-letter topics: the part the exactly-once
 * integration tests share. A wait that ends while a stream thread's uncaught error is on record
 * fails naming that error.
 */
final class RunningTopology implements AutoCloseable {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final CommittedReader features;
  private final CommittedReader deadLetters;
  private final KafkaStreams streams;
  private final AtomicReference<Throwable> streamError = new AtomicReference<>();

  /**
   * Starts reading the output topics, then the topology, as {@code config} says.
   *
   * @param bootstrapServers the broker
   * @param config the service configuration; its topics must exist
   * @param registry the models to serve
   * @param metrics the metrics the topology records
   */
  RunningTopology(
      String bootstrapServers,
      PinwheelConfig config,
      ModelRegistry registry,
      PinwheelMetrics metrics) {
    features = new CommittedReader(bootstrapServers, config.featuresTopic());
    deadLetters = new CommittedReader(bootstrapServers, config.deadLetterTopic());
    try {
      streams =
          new KafkaStreams(
              FeatureTopology.build(config, registry, metrics), config.toStreamsProperties());
    } catch (RuntimeException e) {
      features.close();
      deadLetters.close();
      throw e;
    }
    streams.setUncaughtExceptionHandler(
        e -> {
          streamError.set(e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.start();
  }

  /**
   * Waits until features and dead letters number {@code count} together, then for one more commit
   * interval and a margin, so that any duplicate would be committed and read too.
   *
   * @param count how many frames went in
   * @throws InterruptedException if interrupted
   */
  void awaitOutputs(int count) throws InterruptedException {
    awaitStreaming(
        () ->
            assertThat(features.poll().size() + deadLetters.poll().size())
                .isGreaterThanOrEqualTo(count));
    Thread.sleep(500);
    features.poll();
    deadLetters.poll();
  }

  /**
   * Waits until a feature record of model version {@code version} has been read.
   *
   * @param version the model version
   */
  void awaitFeatureOfVersion(int version) {
    awaitStreaming(
        () ->
            assertThat(features.poll())
                .extracting(r -> feature(r).modelVersion())
                .contains(version));
  }

  /** Waits until {@code check} passes and no stream thread has died. */
  private void awaitStreaming(ThrowingRunnable check) {
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              assertThat(streamError.get()).isNull();
              check.run();
            });
  }

  /** The feature records read so far, as they came. */
  List<ConsumerRecord<byte[], byte[]>> featureRecords() {
    return features.records();
  }

  /** The frame ids of the feature records read so far. */
  List<String> featureIds() {
    return features.records().stream().map(r -> feature(r).frameId()).toList();
  }

  /** The dead letters read so far. */
  List<ConsumerRecord<byte[], byte[]>> deadLetters() {
    return deadLetters.records();
  }

  /** The frame ids of the dead letters read so far. */
  List<String> deadLetterIds() {
    return deadLetters.records().stream()
        .map(r -> CommittedReader.header(r, PinwheelHeaders.FRAME_ID))
        .toList();
  }

  /** A feature record's value, decoded. */
  static FeatureRecord feature(ConsumerRecord<byte[], byte[]> r) {
    return FeatureRecordSerde.protobuf().deserializer().deserialize(r.topic(), r.value());
  }

  /** Closes the streams client, then the readers. */
  @Override
  public void close() {
    try {
      streams.close(Duration.ofSeconds(20));
    } finally {
      features.close();
      deadLetters.close();
    }
  }
}
