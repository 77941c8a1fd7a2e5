package io.pinwheel.topology.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.broker.CommittedReader;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.client.FeatureRecord;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.ModelRegistry;
import io.pinwheel.topology.model.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class FeatureTopologyIT {

  private static final int PARTITIONS = 2;
  private static final int RECORDS = 60;
  private static final int MAX_BYTES = 100_000;

  @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @TempDir Path stateDir;

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
    try (ModelRegistry registry = new ModelRegistry(metrics)) {
      registry.offerDefault(TestModels.model("it", 1), "test");
      try (RunningTopology run =
          new RunningTopology(kafka.bootstrapServers(), config, registry, metrics)) {
        run.awaitOutputs(RECORDS);

        for (ConsumerRecord<byte[], byte[]> r : run.featureRecords()) {
          FeatureRecord f = RunningTopology.feature(r);
          assertThat(f.modelName()).isEqualTo("it");
          assertThat(f.nnz()).isPositive();
        }
        List<String> featureIds = run.featureIds();
        List<String> deadIds = run.deadLetterIds();
        assertThat(featureIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(valid);
        assertThat(deadIds).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(invalid);
        assertThat(featureIds.size() + deadIds.size()).isEqualTo(RECORDS);
        assertThat(run.deadLetters())
            .extracting(r -> CommittedReader.header(r, PinwheelHeaders.ERROR_REASON))
            .containsOnly("empty", "undecodable", "truncated", "too-large");
      }
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
