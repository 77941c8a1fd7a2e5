package io.pinwheel.topology.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rollbacks and pins through the models topic of a real broker: a running instance follows them,
 * and an instance started afterwards, reading the topic from its start, ends on the same model.
 */
@Tag("integration")
class RolloutIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private final List<ModelRegistry> registries = new ArrayList<>();

  @AfterEach
  void closeRegistries() {
    registries.forEach(ModelRegistry::close);
  }

  private Map<String, Object> client() {
    return Map.of("bootstrap.servers", kafka.bootstrapServers());
  }

  /** An instance: the topic read to its end, then the built-in default offered. */
  private ModelRegistry instance(String topic) throws InterruptedException {
    ModelRegistry r = new ModelRegistry(new PinwheelMetrics());
    registries.add(r);
    assertThat(r.listen(topic, client()).awaitCaughtUp(DEADLINE)).isTrue();
    r.offerDefault(TestModels.model("builtin", 1), "built-in");
    return r;
  }

  private void publish(String topic, String name, int version) throws Exception {
    ModelPublisher.publish(
        client(), topic, TestModels.bytes(TestModels.model(name, version)), name + " v" + version);
  }

  private static void awaitServing(ModelRegistry r, String name, int version) {
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(ModelKey.of(r.current().model()))
                    .isEqualTo(new ModelKey(name, version)));
  }

  @Test
  void shouldRollBackEverywhereAndAgreeAfterARestart() throws Exception {
    String topic = "models-rollback";
    publish(topic, "alpha", 1);
    ModelRegistry running = instance(topic);
    publish(topic, "alpha", 2);
    publish(topic, "alpha", 3);
    awaitServing(running, "alpha", 3);

    ModelRollouts.Change first = ModelRollouts.rollback(client(), topic, "alpha");
    awaitServing(running, "alpha", 2);
    ModelRollouts.Change second = ModelRollouts.rollback(client(), topic, "alpha");
    awaitServing(running, "alpha", 1);
    ModelRegistry restarted = instance(topic);

    assertThat(first.subject()).isEqualTo(new ModelKey("alpha", 3));
    assertThat(first.next()).contains(new ModelKey("alpha", 2));
    assertThat(second.next()).contains(new ModelKey("alpha", 1));
    awaitServing(restarted, "alpha", 1);
    assertThat(restarted.rollout().withdrawn())
        .containsExactly(new ModelKey("alpha", 2), new ModelKey("alpha", 3));
  }

  @Test
  void shouldFallBackToEachInstancesDefaultWhenTheLastVersionIsRolledBack() throws Exception {
    String topic = "models-last";
    publish(topic, "alpha", 1);
    ModelRegistry running = instance(topic);
    awaitServing(running, "alpha", 1);

    ModelRollouts.Change change = ModelRollouts.rollback(client(), topic, "alpha");

    assertThat(change.next()).isEmpty();
    awaitServing(running, "builtin", 1);
    awaitServing(instance(topic), "builtin", 1);
    assertThatThrownBy(() -> ModelRollouts.rollback(client(), topic, "alpha"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("all are rolled back already");
  }

  @Test
  void shouldHoldAPinEverywhereUntilUnpinnedAndAgreeAfterARestart() throws Exception {
    String topic = "models-pin";
    publish(topic, "alpha", 1);
    publish(topic, "alpha", 2);
    ModelRegistry running = instance(topic);
    awaitServing(running, "alpha", 2);

    ModelRollouts.pin(client(), topic, new ModelKey("alpha", 1));
    awaitServing(running, "alpha", 1);
    publish(topic, "alpha", 3);
    ModelRegistry restarted = instance(topic);

    awaitServing(restarted, "alpha", 1);
    // The newer version arrived and was set aside: the running instance still serves the pin.
    await()
        .atMost(DEADLINE)
        .until(() -> running.reloads().stream().anyMatch(e -> e.modelVersion() == 3));
    assertThat(running.current().version()).isEqualTo(1);
    assertThat(restarted.rollout().pin()).isEqualTo(Optional.of(new ModelKey("alpha", 1)));

    ModelRollouts.unpin(client(), topic);

    awaitServing(running, "alpha", 3);
    awaitServing(restarted, "alpha", 3);
  }
}
