package io.pinwheel.topology.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.metrics.Health;
import io.pinwheel.topology.model.TestModels;
import io.pinwheel.topology.security.PinwheelAcls;
import io.pinwheel.topology.stream.TestFrames;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service on a secured broker: a refusal by the cluster stops it within seconds instead of a
 * retry loop, and {@code /health} says why.
 */
@Tag("integration")
class SecuredServiceIT {
  private static final Duration QUICK = Duration.ofSeconds(20);

  @RegisterExtension
  static final EmbeddedKafkaExtension kafka =
      new EmbeddedKafkaExtension(EmbeddedKafka.builder().secured());

  @TempDir Path stateDir;

  @Test
  void shouldReportOnHealthWhyItStoppedWhenItsWriteAclIsRevokedWhileRunning() throws Exception {
    PinwheelConfig config = config("revoked", "svc-revoked");
    List<AclBinding> acls = PinwheelAcls.serve("User:svc-revoked", config);
    kafka.get().createUser("svc-revoked", "secret");
    kafka.get().createAcls(acls);
    try (PinwheelService service = start(config)) {
      assertThat(service.awaitRunning(Duration.ofSeconds(90))).isTrue();
      assertThat(service.health()).isEqualTo(Health.UP);

      kafka
          .get()
          .deleteAcls(
              acls.stream()
                  .filter(
                      a ->
                          a.pattern().resourceType() == ResourceType.TOPIC
                              && a.pattern().name().equals(config.featuresTopic())
                              && a.entry().operation() == AclOperation.WRITE)
                  .map(AclBinding::toFilter)
                  .toList());
      long t0 = System.nanoTime();
      send(config, TestFrames.png(48, 40, 1));

      await().atMost(QUICK).until(() -> service.failure().isPresent());
      System.out.printf(
          "stopped %d ms after the frame was sent%n", (System.nanoTime() - t0) / 1_000_000);
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(service.healthUri()).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body())
          .contains("\"status\":\"DOWN\"")
          .contains("not authorized to use topic(s) " + config.featuresTopic());
      assertThat(service.state()).isIn(KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_ERROR);
    }
  }

  @Test
  void shouldRefuseToStartWithinSecondsWithoutReadOnTheModelsTopic() {
    PinwheelConfig config = config("models", "svc-models");
    kafka.get().createUser("svc-models", "secret");
    kafka
        .get()
        .createAcls(
            PinwheelAcls.serve("User:svc-models", config).stream()
                .filter(a -> !a.pattern().name().equals(config.modelsTopic()))
                .toList());
    kafka.createTopic(config.modelsTopic(), 1, Map.of());
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> start(config).close())
        .isInstanceOf(KafkaException.class)
        .hasMessageContaining("cannot read the models topic " + config.modelsTopic())
        .hasMessageContaining("not authorized to use topic(s) " + config.modelsTopic());
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(QUICK);
  }

  @Test
  void shouldStopWithinSecondsWithoutItsTransactionalIdAcl() throws Exception {
    PinwheelConfig config = config("txn", "svc-txn");
    kafka.get().createUser("svc-txn", "secret");
    kafka
        .get()
        .createAcls(
            PinwheelAcls.serve("User:svc-txn", config).stream()
                .filter(a -> a.pattern().resourceType() != ResourceType.TRANSACTIONAL_ID)
                .toList());
    try (PinwheelService service = start(config)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> service.failure().isPresent());
      assertThat(service.health().up()).isFalse();
      assertThat(service.health().reason())
          .startsWith("failed: not authorized to use its transactional id");
    }
  }

  private PinwheelConfig config(String name, String user) {
    Map<String, String> p = new LinkedHashMap<>(kafka.get().clientProperties(user, "secret"));
    p.put(PinwheelConfig.APPLICATION_ID, "secured-" + name);
    p.put(PinwheelConfig.FRAMES_TOPIC, name + ".frames");
    p.put(PinwheelConfig.FEATURES_TOPIC, name + ".features");
    p.put(PinwheelConfig.DEAD_LETTER_TOPIC, name + ".dlq");
    p.put(PinwheelConfig.MODELS_TOPIC, name + ".models");
    p.put("state.dir", stateDir.toString());
    PinwheelConfig config = PinwheelConfig.fromProperties(p);
    for (String t :
        List.of(config.framesTopic(), config.featuresTopic(), config.deadLetterTopic())) {
      kafka.createTopic(t, 1, Map.of());
    }
    return config;
  }

  private static PinwheelService start(PinwheelConfig config) {
    return PinwheelService.builder(config, TestModels.model("gabor", 1))
        .metricsAddress(PinwheelService.DEFAULT_METRICS_HOST, 0)
        .start();
  }

  private static void send(PinwheelConfig config, byte[] frame) {
    Map<String, Object> p = new HashMap<>(kafka.get().superUserProperties());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(config.framesTopic(), frame));
    }
  }
}
