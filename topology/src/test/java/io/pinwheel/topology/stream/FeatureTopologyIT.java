package io.pinwheel.topology.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.client.FeatureRecord;
import io.pinwheel.client.FeatureRecordSerde;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.ModelRegistry;
import io.pinwheel.topology.model.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class FeatureTopologyIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int PARTITIONS = 2;
  private static final int RECORDS = 60;
  private static final int MAX_BYTES = 100_000;

  private static EmbeddedKafka kafka;

  @TempDir Path stateDir;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  /** Frame {@code i}: the first ten are corrupt in every way there is, then valid and bad mix. */
  private static byte[] frame(int i) {
    if (i < 10 || i % 4 == 0) {
      return switch (i % 5) {
        case 0 -> new byte[0];
        case 1 -> TestFrames.randomBytes(500, i);
        case 2 -> TestFrames.truncated(TestFrames.jpeg(64, 64, i));
        case 3 -> TestFrames.noisePng(400, 400);
        default -> null;
      };
    }
    return i % 2 == 0 ? TestFrames.png(48, 48, i) : TestFrames.jpeg(48, 48, i);
  }

  private static boolean isValid(int i) {
    return !(i < 10 || i % 4 == 0);
  }

  @Test
  void shouldProduceFeaturesForValidFramesAndDeadLetterTheRestExactlyOnce() throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put(PinwheelConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    props.put(PinwheelConfig.APPLICATION_ID, "it-exactly-once");
    props.put(PinwheelConfig.DECODER_MAX_BYTES, Integer.toString(MAX_BYTES));
    props.put("state.dir", stateDir.toString());
    PinwheelConfig config = PinwheelConfig.fromProperties(props);
    assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
    for (String topic :
        List.of(config.framesTopic(), config.featuresTopic(), config.deadLetterTopic())) {
      kafka.createTopic(topic, PARTITIONS, Map.of("max.message.bytes", Integer.toString(1 << 20)));
    }

    List<String> valid = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 0; i < RECORDS; i++) {
        String id = "frame-" + i;
        (isValid(i) ? valid : invalid).add(id);
        RecordHeaders headers = new RecordHeaders();
        headers.add(PinwheelHeaders.FRAME_ID, id.getBytes(StandardCharsets.UTF_8));
        producer.send(
            new ProducerRecord<>(
                config.framesTopic(),
                i % PARTITIONS,
                ("cam-" + i % PARTITIONS).getBytes(StandardCharsets.UTF_8),
                frame(i),
                headers));
      }
      producer.flush();
    }
    assertThat(valid).hasSizeGreaterThan(30);
    assertThat(invalid).hasSizeGreaterThan(15);

    PinwheelMetrics metrics = new PinwheelMetrics();
    AtomicReference<Throwable> streamError = new AtomicReference<>();
    try (ModelRegistry registry = new ModelRegistry(metrics);
        CommittedReader features =
            new CommittedReader(kafka.bootstrapServers(), config.featuresTopic(), PARTITIONS);
        CommittedReader deadLetters =
            new CommittedReader(kafka.bootstrapServers(), config.deadLetterTopic(), PARTITIONS)) {
      registry.offerDefault(TestModels.model("it", 1), "test");
      KafkaStreams streams =
          new KafkaStreams(
              FeatureTopology.build(config, registry, metrics), config.toStreamsProperties());
      streams.setUncaughtExceptionHandler(
          e -> {
            streamError.set(e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
          });
      try {
        streams.start();
        await()
            .atMost(DEADLINE)
            .pollInterval(Duration.ofMillis(50))
            .untilAsserted(
                () -> {
                  assertThat(streamError.get()).isNull();
                  assertThat(features.poll().size() + deadLetters.poll().size())
                      .isGreaterThanOrEqualTo(RECORDS);
                });
        // Anything duplicated would be committed by now: one more commit interval and a margin.
        Thread.sleep(500);
        features.poll();
        deadLetters.poll();
      } finally {
        streams.close(Duration.ofSeconds(20));
      }

      List<String> featureIds = new ArrayList<>();
      for (ConsumerRecord<byte[], byte[]> r : features.records()) {
        FeatureRecord f = FeatureRecordSerde.protobuf().deserializer().deserialize("", r.value());
        assertThat(f.modelName()).isEqualTo("it");
        assertThat(f.nnz()).isPositive();
        featureIds.add(f.frameId());
      }
      List<String> deadIds =
          deadLetters.records().stream()
              .map(r -> CommittedReader.header(r, PinwheelHeaders.FRAME_ID))
              .toList();

      assertThat(featureIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(valid);
      assertThat(deadIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(invalid);
      assertThat(featureIds.size() + deadIds.size()).isEqualTo(RECORDS);
      assertThat(deadLetters.records())
          .extracting(r -> CommittedReader.header(r, PinwheelHeaders.ERROR_REASON))
          .containsOnly("empty", "undecodable", "truncated", "too-large");
    }
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.<String, Object>of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            1 << 20),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }
}
