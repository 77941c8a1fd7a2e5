package io.pinwheel.extractor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OutputRuleTest {
  @Test
  void shouldEmitThePassingValueItselfUnderKeep() {
    assertThat(OutputRule.KEEP.emit(0.75f, 0.25f)).isEqualTo(0.75f);
  }

  @Test
  void shouldEmitThePassingValueLessTheThresholdUnderShrink() {
    assertThat(OutputRule.SHRINK.emit(0.75f, 0.25f)).isEqualTo(0.5f);
  }

  @Test
  void shouldZeroEveryValueNotStrictlyAboveTheThresholdWhenAppliedInPlace() {
    float[] v = {0.1f, 0.25f, 0.5f, Float.NaN, 2f};

    OutputRule.SHRINK.applyInPlace(v, 0, v.length, 0.25f);

    assertThat(v).containsExactly(0f, 0f, 0.25f, 0f, 1.75f);
  }

  @Test
  void shouldLeaveValuesOutsideTheRangeAlone() {
    float[] v = {1f, 2f, 3f, 4f};

    OutputRule.KEEP.applyInPlace(v, 1, 3, 2.5f);

    assertThat(v).containsExactly(1f, 0f, 3f, 4f);
  }

  @Test
  void shouldNameEachRuleInLowerCaseAndReadItBack() {
    assertThat(OutputRule.KEEP.wireName()).isEqualTo("keep");
    assertThat(OutputRule.SHRINK.wireName()).isEqualTo("shrink");
    for (OutputRule r : OutputRule.values()) {
      assertThat(OutputRule.fromWireName(r.wireName())).isSameAs(r);
    }
  }

  @Test
  void shouldRefuseAnUnknownNameListingTheAllowedOnes() {
    assertThatThrownBy(() -> OutputRule.fromWireName("soft"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be one of keep, shrink, got \"soft\"");
  }

  @Test
  void shouldRefuseTheEnumConstantsSpelling() {
    assertThatThrownBy(() -> OutputRule.fromWireName("SHRINK"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got \"SHRINK\"");
  }
}
