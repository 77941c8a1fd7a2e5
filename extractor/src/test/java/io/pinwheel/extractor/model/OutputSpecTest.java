package io.pinwheel.extractor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.OptionalInt;
import java.util.Random;
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

  @Test
  void shouldChangeOnlyTheFloorWithMinActive() {
    OutputSpec spec = new OutputSpec(0.5f, OptionalInt.of(3), OutputRule.SHRINK);

    assertThat(spec.withMinActive(OptionalInt.of(2)))
        .isEqualTo(new OutputSpec(0.5f, OptionalInt.of(3), OutputRule.SHRINK, OptionalInt.of(2)));
  }

  @Test
  void shouldKeepTheFloorWhenTheThresholdOrRuleChanges() {
    OutputSpec spec = floor(0.5f, 2);

    assertThat(spec.withThreshold(0.75f).minActive()).hasValue(2);
    assertThat(spec.withRule(OutputRule.KEEP).minActive()).hasValue(2);
  }

  @Test
  void shouldHaveNoFloorUnlessOneIsGiven() {
    assertThat(new OutputSpec(0.5f, OptionalInt.of(3), OutputRule.SHRINK).minActive()).isEmpty();
    assertThat(OutputSpec.threshold(0.5f).scratchLength()).isZero();
  }

  @Test
  void shouldRefuseAMinActiveBelowOne() {
    assertThatThrownBy(() -> floor(0f, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("output.minActive must be >= 1, got 0");
  }

  @Test
  void shouldRefuseMinActiveAboveTopK() {
    assertThatThrownBy(
            () -> new OutputSpec(0f, OptionalInt.of(3), OutputRule.SHRINK, OptionalInt.of(4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("output.minActive must be <= output.topK (3), got 4");
  }

  @Test
  void shouldAcceptMinActiveEqualToTopK() {
    assertThat(new OutputSpec(0f, OptionalInt.of(3), OutputRule.KEEP, OptionalInt.of(3)).topK())
        .hasValue(3);
  }

  @Test
  void shouldRefuseAMissingMinActiveNamingIt() {
    assertThatThrownBy(() -> new OutputSpec(0f, OptionalInt.empty(), OutputRule.KEEP, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("output.minActive");
  }

  @Test
  void shouldKeepTheThresholdWithoutAFloor() {
    float[] code = {0.1f, 0.2f, 0.3f};

    assertThat(OutputSpec.threshold(5f).effectiveThreshold(code, 0, code.length, new float[0]))
        .isEqualTo(5f);
  }

  @Test
  void shouldKeepTheThresholdWhenMoreThanKValuesPassIt() {
    float[] code = {0.1f, 0.9f, 0.3f, 0.8f, 0.6f};

    assertThat(effective(floor(0.5f, 2), code)).isEqualTo(0.5f);
  }

  @Test
  void shouldLowerTheThresholdToTheNextValueWhenExactlyKValuesPassIt() {
    float[] code = {0.1f, 0.9f, 0.3f, 0.8f, 0.2f};

    assertThat(effective(floor(0.5f, 2), code)).isEqualTo(0.3f);
  }

  @Test
  void shouldLowerTheThresholdToTheKPlusFirstLargestWhenFewerPassIt() {
    float[] code = {0.1f, 0.9f, 0.3f, 0.4f, 0.2f};

    assertThat(effective(floor(0.5f, 3), code)).isEqualTo(0.2f);
  }

  @Test
  void shouldLookOnlyAtTheFramesPartOfTheArray() {
    float[] rows = {9f, 9f, 0.1f, 0.9f, 0.3f, 9f};

    assertThat(floor(0.5f, 2).effectiveThreshold(rows, 2, 5, new float[3])).isEqualTo(0.1f);
  }

  @Test
  void shouldNotLowerTheThresholdBelowZero() {
    float[] code = {-1f, -2f, 0.7f, -3f};

    assertThat(effective(floor(0.5f, 2), code)).isZero();
  }

  @Test
  void shouldLowerTheThresholdToZeroWhenTheCodeHasAtMostKValues() {
    float[] code = {0.2f, 0.1f};

    assertThat(effective(floor(0.5f, 2), code)).isZero();
  }

  @Test
  void shouldNeverRaiseANegativeThreshold() {
    float[] code = {-3f, -2f, -1f};

    assertThat(effective(floor(-0.5f, 3), code)).isEqualTo(-0.5f);
  }

  @Test
  void shouldNotRankNaN() {
    float[] code = {Float.NaN, 0.3f, Float.NaN, 0.2f, 0.1f};

    assertThat(effective(floor(0.5f, 1), code)).isEqualTo(0.2f);
  }

  @Test
  void shouldCountEqualValuesOneByOneSoATieAtTheLoweredThresholdPassesNone() {
    float[] code = {0.1f, 0.3f, 0.3f, 0.3f};
    OutputSpec spec = floor(0.5f, 2);

    float lowered = effective(spec, code);
    spec.rule().applyInPlace(code, 0, code.length, lowered);

    assertThat(lowered).isEqualTo(0.3f);
    assertThat(code).containsOnly(0f);
  }

  @Test
  void shouldApplyTheRuleWithTheLoweredThresholdInPlace() {
    float[] code = {0.1f, 0.9f, 0.3f, 0.4f, 0.2f};

    new OutputSpec(0.5f, OptionalInt.empty(), OutputRule.SHRINK, OptionalInt.of(2))
        .applyInPlace(code, 0, code.length, new float[3]);

    assertThat(code).containsExactly(0f, 0.9f - 0.3f, 0f, 0.4f - 0.3f, 0f);
  }

  @Test
  void shouldLowerToWhatSortingTheCodeGives() {
    Random rnd = new Random(5);
    for (int trial = 0; trial < 500; trial++) {
      float[] code = new float[1 + rnd.nextInt(40)];
      for (int i = 0; i < code.length; i++) {
        // Few distinct values, so that ties are common.
        code[i] = rnd.nextInt(8) / 4f;
      }
      int k = 1 + rnd.nextInt(12);
      float[] sorted = code.clone();
      Arrays.sort(sorted);
      float expected = sorted.length <= k ? 0f : sorted[sorted.length - 1 - k];

      assertThat(floor(100f, k).loweredThreshold(code, 0, code.length, new float[k + 1]))
          .as("k %d of %s", k, Arrays.toString(code))
          .isEqualTo(expected);
    }
  }

  private static OutputSpec floor(float threshold, int k) {
    return new OutputSpec(threshold, OptionalInt.empty(), OutputRule.SHRINK, OptionalInt.of(k));
  }

  private static float effective(OutputSpec spec, float[] code) {
    return spec.effectiveThreshold(code, 0, code.length, new float[spec.scratchLength()]);
  }
}
