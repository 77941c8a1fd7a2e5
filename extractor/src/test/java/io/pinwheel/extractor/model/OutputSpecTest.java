package io.pinwheel.extractor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OutputSpecTest {
  @Test
  void shouldKeepValuesAsTheyAreWhenNoRuleIsGiven() {
    assertThat(new OutputSpec(0.5f, OptionalInt.of(3)).rule()).isEqualTo(OutputRule.KEEP);
    assertThat(OutputSpec.threshold(0.5f).rule()).isEqualTo(OutputRule.KEEP);
  }

  @Test
  void shouldRefuseANonFiniteThreshold() {
    assertThatThrownBy(() -> new OutputSpec(Float.NaN, OptionalInt.empty(), OutputRule.SHRINK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("output.threshold must be finite, got NaN");
  }

  @Test
  void shouldRefuseATopKBelowOne() {
    assertThatThrownBy(() -> new OutputSpec(0f, OptionalInt.of(0), OutputRule.SHRINK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("output.topK must be >= 1 or null, got 0");
  }

  @Test
  void shouldRefuseAMissingRuleNamingIt() {
    assertThatThrownBy(() -> new OutputSpec(0f, OptionalInt.empty(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("output.rule");
  }

  @Test
  void shouldChangeOnlyTheThresholdWithThreshold() {
    OutputSpec spec = new OutputSpec(0.5f, OptionalInt.of(3), OutputRule.SHRINK);

    assertThat(spec.withThreshold(0.75f))
        .isEqualTo(new OutputSpec(0.75f, OptionalInt.of(3), OutputRule.SHRINK));
  }

  @Test
  void shouldChangeOnlyTheRuleWithRule() {
    OutputSpec spec = new OutputSpec(0.5f, OptionalInt.of(3), OutputRule.KEEP);

    assertThat(spec.withRule(OutputRule.SHRINK))
        .isEqualTo(new OutputSpec(0.5f, OptionalInt.of(3), OutputRule.SHRINK));
  }
}
