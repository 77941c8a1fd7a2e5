package io.pinwheel.topology.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pinwheel.broker.CommittedReader;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.topology.admin.MissingTopicsException;
import io.pinwheel.topology.admin.PinwheelTopics;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.model.TestModels;
import io.pinwheel.topology.stream.TestFrames;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class PinwheelServiceIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @TempDir Path stateDir;

  @Test
  void shouldTurnFramesIntoFeaturesAndDeadLettersWhileHealthy() throws Exception {
    PinwheelConfig config = config();
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest health;
    try (PinwheelService service = start(config)) {
      health = HttpRequest.newBuilder(service.healthUri()).build();
      assertThat(service.awaitRunning(DEADLINE)).isTrue();
      assertThat(http.send(health, discard()).statusCode()).isEqualTo(200);

      try (KafkaProducer<byte[], byte[]> producer = producer()) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>(config.framesTopic(), TestFrames.png(48, 40, i)));
        }
        producer.send(new ProducerRecord<>(config.framesTopic(), TestFrames.randomBytes(300, 1)));
      }

      assertThat(readCommitted(config.featuresTopic(), 10)).hasSize(10);
      assertThat(readCommitted(config.deadLetterTopic(), 1)).hasSize(1);
      assertThat(service.metrics().framesIn()).isEqualTo(11);
    }
    // Closed: the endpoint is gone with everything else.
    assertThatThrownBy(() -> http.send(health, discard())).isInstanceOf(IOException.class);
  }

  @Test
  void shouldCreateTopicsOnlyWhereMissing() throws Exception {
    PinwheelConfig config = names("create");

    List<String> first = PinwheelTopics.ensure(config, 3);
    List<String> second = PinwheelTopics.ensure(config, 3);

    assertThat(first)
        .containsExactly(
            config.framesTopic(),
            config.featuresTopic(),
            config.deadLetterTopic(),
            config.modelsTopic());
    assertThat(second).isEmpty();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Map<String, TopicDescription> d =
          admin
              .describeTopics(List.of(config.framesTopic(), config.modelsTopic()))
              .allTopicNames()
              .get();
      assertThat(d.get(config.framesTopic()).partitions()).hasSize(3);
      assertThat(d.get(config.modelsTopic()).partitions()).hasSize(1);
      ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, config.modelsTopic());
      Config c = admin.describeConfigs(List.of(models)).all().get().get(models);
      assertThat(c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
      assertThat(c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value())
          .isEqualTo(Integer.toString(64 << 20));
    }
  }

  @Test
  void shouldRefuseToStartWithoutItsTopics() {
    PinwheelConfig config = names("missing");

    assertThatThrownBy(() -> start(config).close())
        .isInstanceOfSatisfying(
            MissingTopicsException.class,
            e ->
                assertThat(e.topics())
                    .containsExactly(
                        config.framesTopic(), config.featuresTopic(), config.deadLetterTopic()));
  }

  @Test
  void shouldStopWithAnErrorWhenItsSourceTopicIsDeleted() throws Exception {
    PinwheelConfig config = config();
    try (PinwheelService service = start(config)) {
      assertThat(service.awaitRunning(DEADLINE)).isTrue();

      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.deleteTopics(List.of(config.framesTopic())).all().get();
      }

      await().atMost(DEADLINE).until(() -> service.state() == KafkaStreams.State.ERROR);
      assertThat(service.failure()).isPresent();
      assertThat(service.healthy()).isFalse();
    }
  }

  @Test
  void shouldCountTheStreamThreadsThatOwnAPartition() throws Exception {
    PinwheelConfig config = names("threads", Map.of(PinwheelConfig.NUM_STREAM_THREADS, "2"));
    PinwheelTopics.ensure(config, 2);
    try (PinwheelService service = start(config)) {
      assertThat(service.awaitRunning(DEADLINE)).isTrue();

      // Each of the two threads gets one of the two partitions, after a rebalance or two.
      await().atMost(DEADLINE).until(() -> service.threadsWithPartitions() == 2);
      assertThat(service.assignedPartitions()).hasSize(2);
    }
  }

  /** A configuration of fresh topics, created, and a fresh application id. */
  private PinwheelConfig config() {
    PinwheelConfig config = names("svc");
    PinwheelTopics.ensure(config, 2);
    return config;
  }

  private PinwheelConfig names(String prefix) {
    return names(prefix, Map.of());
  }

  private PinwheelConfig names(String prefix, Map<String, String> more) {
    String s = prefix + "-" + UUID.randomUUID();
    Map<String, String> p = new HashMap<>(more);
    p.put(PinwheelConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    p.put(PinwheelConfig.APPLICATION_ID, s);
    p.put(PinwheelConfig.FRAMES_TOPIC, s + ".frames");
    p.put(PinwheelConfig.FEATURES_TOPIC, s + ".features");
    p.put(PinwheelConfig.DEAD_LETTER_TOPIC, s + ".dlq");
    p.put(PinwheelConfig.MODELS_TOPIC, s + ".models");
    p.put("state.dir", stateDir.toString());
    return PinwheelConfig.fromProperties(p);
  }

  private static PinwheelService start(PinwheelConfig config) {
    return PinwheelService.builder(config, TestModels.model("test", 1))
        .metricsAddress("127.0.0.1", 0)
        .closeTimeout(Duration.ofSeconds(20))
        .start();
  }

  private static HttpResponse.BodyHandler<Void> discard() {
    return HttpResponse.BodyHandlers.discarding();
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /**
   * What a {@code read_committed} consumer finds in {@code topic} once {@code expected} records are
   * there, and a moment more: anything beyond the expected count would be a duplicate.
   */
  private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int expected)
      throws InterruptedException {
    try (CommittedReader reader = new CommittedReader(kafka.bootstrapServers(), topic)) {
      await().atMost(DEADLINE).until(() -> reader.poll().size() >= expected);
      Thread.sleep(500);
      return List.copyOf(reader.poll());
    }
  }
}
