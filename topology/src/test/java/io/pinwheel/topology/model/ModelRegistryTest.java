package io.pinwheel.topology.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.ReloadEvent.Trigger;
import io.pinwheel.topology.model.ReloadResult.Outcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final ModelRegistry registry = new ModelRegistry(new PinwheelMetrics());

  @AfterEach
  void close() {
    registry.close();
  }

  private ReloadResult offer(EncoderModel model) {
    return registry.offer(TestModels.bytes(model), "test", false);
  }

  @Test
  void shouldServeFirstModelOffered() {
    ReloadResult r = offer(TestModels.model("alpha", 3));

    assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(registry.current().name()).isEqualTo("alpha");
    assertThat(registry.current().version()).isEqualTo(3);
    assertThat(registry.current().origin()).isEqualTo("test");
  }

  @Test
  void shouldRefuseCurrentBeforeAnyModelIsLoaded() {
    assertThat(registry.serving()).isEmpty();
    assertThatThrownBy(registry::current)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no encoder model");
  }

  @Test
  void shouldAcceptHigherVersionOfSameName() {
    offer(TestModels.model("alpha", 1));

    ReloadResult r = offer(TestModels.model("alpha", 2));

    assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(registry.current().version()).isEqualTo(2);
  }

  @Test
  void shouldSwapToNewServingModelInstanceOnAccept() {
    offer(TestModels.model("alpha", 1));
    ServingModel before = registry.current();

    offer(TestModels.model("alpha", 2));

    assertThat(registry.current()).isNotSameAs(before);
    assertThat(registry.current().loadedAt()).isAfterOrEqualTo(before.loadedAt());
  }

  @Test
  void shouldIgnoreOlderVersionOfSameName() {
    offer(TestModels.model("alpha", 5));

    ReloadResult r = offer(TestModels.model("alpha", 4));

    assertThat(r.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(r.message()).contains("not newer than the serving version 5");
    assertThat(registry.current().version()).isEqualTo(5);
  }

  @Test
  void shouldIgnoreSameVersionOfSameName() {
    offer(TestModels.model("alpha", 5));
    ServingModel before = registry.current();

    ReloadResult r = offer(TestModels.model("alpha", 5));

    assertThat(r.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(registry.current()).isSameAs(before);
  }

  @Test
  void shouldAcceptOlderVersionWhenForced() {
    offer(TestModels.model("alpha", 5));

    ReloadResult r = registry.offer(TestModels.bytes(TestModels.model("alpha", 4)), "cli", true);

    assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(registry.current().version()).isEqualTo(4);
  }

  @Test
  void shouldRejectCorruptModelAndKeepServingOldOne() {
    offer(TestModels.model("alpha", 1));
    ServingModel before = registry.current();

    ReloadResult r = registry.offer(TestModels.corrupt(TestModels.model("alpha", 2)), "bad", false);

    assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(r.message()).startsWith("bad");
    assertThat(registry.current()).isSameAs(before);
  }

  @Test
  void shouldRejectEmptyBytes() {
    ReloadResult r = registry.offer(new byte[0], "nothing", false);

    assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(registry.serving()).isEmpty();
  }

  @Test
  void shouldRejectModelWithDifferentInputSize() {
    offer(TestModels.model("alpha", 1));

    ReloadResult r = offer(TestModels.model("alpha", 2, 40, Instant.now()));

    assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(r.message()).contains("40x40x1").contains("32x32x1");
    assertThat(registry.current().version()).isEqualTo(1);
  }

  @Test
  void shouldRejectModelWithDifferentInputSizeEvenWhenForced() {
    offer(TestModels.model("alpha", 1));

    ReloadResult r =
        registry.offer(TestModels.bytes(TestModels.model("alpha", 2, 40, T0)), "cli", true);

    assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
  }

  @Test
  void shouldRejectModelWhoseCanaryCodeOverflows() {
    offer(TestModels.model("alpha", 1));

    ReloadResult r = offer(TestModels.overflowing("alpha", 2));

    assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(r.message()).contains("warm-up").contains("non-finite");
    assertThat(registry.current().version()).isEqualTo(1);
  }

  @Test
  void shouldRejectModelWhoseCanaryScoresOverflow() {
    offer(TestModels.model("alpha", 1));

    ReloadResult r = offer(TestModels.overflowingHead("alpha", 2));

    assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(r.message()).contains("warm-up").contains("class scores").contains("non-finite");
    assertThat(registry.current().version()).isEqualTo(1);
  }

  @Test
  void shouldAcceptModelOfAnotherNameCreatedLater() {
    offer(TestModels.model("alpha", 7, TestModels.SIZE, T0));

    ReloadResult r = offer(TestModels.model("beta", 1, TestModels.SIZE, T0.plusSeconds(1)));

    assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(registry.current().name()).isEqualTo("beta");
  }

  @Test
  void shouldIgnoreModelOfAnotherNameCreatedEarlier() {
    offer(TestModels.model("alpha", 1, TestModels.SIZE, T0));

    ReloadResult r = offer(TestModels.model("beta", 9, TestModels.SIZE, T0.minusSeconds(1)));

    assertThat(r.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(r.message()).contains("created");
    assertThat(registry.current().name()).isEqualTo("alpha");
  }

  @Test
  void shouldEndOnSameModelWhateverOrderNamesArriveIn() {
    EncoderModel older = TestModels.model("alpha", 1, TestModels.SIZE, T0);
    EncoderModel newer = TestModels.model("beta", 1, TestModels.SIZE, T0.plusSeconds(60));
    try (ModelRegistry other = new ModelRegistry(new PinwheelMetrics())) {
      offer(older);
      offer(newer);
      other.offer(TestModels.bytes(newer), "test", false);
      other.offer(TestModels.bytes(older), "test", false);

      assertThat(registry.current().name()).isEqualTo("beta");
      assertThat(other.current().name()).isEqualTo("beta");
    }
  }

  @Test
  void shouldServeDefaultWhenNothingElseIs() {
    ReloadResult r = registry.offerDefault(TestModels.model("builtin", 1), "built-in");

    assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(registry.current().origin()).isEqualTo("built-in");
  }

  @Test
  void shouldIgnoreDefaultWhenModelAlreadyServing() {
    offer(TestModels.model("alpha", 1));

    ReloadResult r = registry.offerDefault(TestModels.model("builtin", 1), "built-in");

    assertThat(r.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(registry.current().name()).isEqualTo("alpha");
  }

  @Test
  void shouldLetModelOfAnotherNameReplaceDefaultWhateverItsCreationTime() {
    registry.offerDefault(TestModels.model("builtin", 1, TestModels.SIZE, Instant.now()), "dflt");

    ReloadResult r = offer(TestModels.model("alpha", 1, TestModels.SIZE, T0));

    assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(registry.current().name()).isEqualTo("alpha");
  }

  @Test
  void shouldCountEveryOfferByOutcomeAndShowServingVersion() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    PinwheelMetrics metrics = new PinwheelMetrics();
    metrics.bindTo(meters);
    try (ModelRegistry counted = new ModelRegistry(metrics)) {
      counted.offer(TestModels.bytes(TestModels.model("alpha", 1)), "test", false);
      counted.offer(TestModels.bytes(TestModels.model("alpha", 2)), "test", false);
      counted.offer(TestModels.bytes(TestModels.model("alpha", 2)), "test", false);
      counted.offer(new byte[] {1, 2, 3}, "test", false);

      assertThat(reloads(meters, "accepted")).isEqualTo(2);
      assertThat(reloads(meters, "ignored")).isEqualTo(1);
      assertThat(reloads(meters, "rejected")).isEqualTo(1);
      assertThat(meters.get("pinwheel.model.version").gauge().value()).isEqualTo(2);
    }
  }

  private static double reloads(SimpleMeterRegistry meters, String result) {
    // Rejections have a series per reason: all of them together.
    return meters.get("pinwheel.model.reloads").tag("result", result).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  @Test
  void shouldIgnoreOffersAfterClose() {
    offer(TestModels.model("alpha", 1));
    registry.close();

    ReloadResult r = offer(TestModels.model("alpha", 2));

    assertThat(r.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(registry.current().version()).isEqualTo(1);
  }

  @Test
  void shouldRememberEveryDecisionWithItsModelAndReason() {
    offer(TestModels.model("alpha", 2));
    offer(TestModels.model("alpha", 1));
    registry.offer(new byte[0], "nothing", false);

    assertThat(registry.reloads())
        .extracting(ReloadEvent::outcome, ReloadEvent::modelName, ReloadEvent::modelVersion)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Outcome.ACCEPTED, "alpha", 2),
            org.assertj.core.groups.Tuple.tuple(Outcome.IGNORED, "alpha", 1),
            org.assertj.core.groups.Tuple.tuple(Outcome.REJECTED, null, 0));
    assertThat(registry.reloads().get(2).message()).contains("no model bytes");
  }

  private static byte[] rollout(RolloutState state) {
    return state.toJson();
  }

  @Test
  void shouldGoBackToThePreviousAcceptedVersionOnARollback() {
    offer(TestModels.model("alpha", 1));
    offer(TestModels.model("alpha", 2));

    ReloadResult r =
        registry.applyRollout(
            rollout(RolloutState.NONE.withdraw(new ModelKey("alpha", 2))), "models/0@9");

    assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(r.message()).contains("rollback alpha@2");
    assertThat(registry.current().version()).isEqualTo(1);
  }

  @Test
  void shouldRecordWhatTriggeredEachDecision() {
    registry.offerDefault(TestModels.model("builtin", 1), "built-in");
    offer(TestModels.model("alpha", 1));
    offer(TestModels.model("alpha", 2));
    registry.applyRollout(
        rollout(RolloutState.NONE.withdraw(new ModelKey("alpha", 2))), "models/0@9");

    List<ReloadEvent> events = registry.reloads();

    assertThat(events)
        .extracting(ReloadEvent::trigger)
        .containsExactly(Trigger.DEFAULT, Trigger.OFFER, Trigger.OFFER, Trigger.ROLLOUT);
  }

  @Test
  void shouldGoBackToTheDefaultWhenEveryPublishedVersionIsRolledBack() {
    registry.offerDefault(TestModels.model("builtin", 1), "built-in");
    offer(TestModels.model("alpha", 1));

    registry.applyRollout(
        rollout(RolloutState.NONE.withdraw(new ModelKey("alpha", 1))), "models/0@9");

    assertThat(registry.current().name()).isEqualTo("builtin");
  }

  @Test
  void shouldIgnoreARolledBackVersionOfferedAgain() {
    offer(TestModels.model("alpha", 1));
    offer(TestModels.model("alpha", 2));
    registry.applyRollout(
        rollout(RolloutState.NONE.withdraw(new ModelKey("alpha", 2))), "models/0@9");

    ReloadResult r = offer(TestModels.model("alpha", 2));

    assertThat(r.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(r.message()).contains("was rolled back");
    assertThat(registry.current().version()).isEqualTo(1);
  }

  @Test
  void shouldKeepThePinnedVersionWhenANewerOneArrives() {
    offer(TestModels.model("alpha", 1));
    offer(TestModels.model("alpha", 2));
    registry.applyRollout(rollout(RolloutState.NONE.pinned(new ModelKey("alpha", 1))), "m/0@9");

    ReloadResult r = offer(TestModels.model("alpha", 3));

    assertThat(r.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(r.message()).contains("alpha@1 is pinned");
    assertThat(registry.current().version()).isEqualTo(1);
  }

  @Test
  void shouldServeTheNewestVersionAgainOnceUnpinned() {
    offer(TestModels.model("alpha", 1));
    RolloutState pinned = RolloutState.NONE.pinned(new ModelKey("alpha", 1));
    registry.applyRollout(rollout(pinned), "m/0@9");
    offer(TestModels.model("alpha", 3));

    ReloadResult r = registry.applyRollout(rollout(pinned.unpinned()), "m/0@10");

    assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(registry.current().version()).isEqualTo(3);
  }

  @Test
  void shouldServeAPinnedVersionThatArrivesAfterThePin() {
    offer(TestModels.model("alpha", 2));
    registry.applyRollout(rollout(RolloutState.NONE.pinned(new ModelKey("alpha", 1))), "m/0@9");

    ReloadResult r = offer(TestModels.model("alpha", 1));

    assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(registry.current().version()).isEqualTo(1);
  }

  @Test
  void shouldRejectAnUnreadableRolloutRecordAndKeepServing() {
    offer(TestModels.model("alpha", 1));

    ReloadResult r =
        registry.applyRollout(
            "{\"pin\":3}".getBytes(java.nio.charset.StandardCharsets.UTF_8), "m/0@9");

    assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(r.message()).contains("unreadable rollout record");
    assertThat(registry.current().version()).isEqualTo(1);
  }
}
