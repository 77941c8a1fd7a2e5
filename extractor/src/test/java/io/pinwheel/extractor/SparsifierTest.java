package io.pinwheel.extractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.extractor.model.OutputRule;
import org.junit.jupiter.api.Test;

class SparsifierTest {
  private static final float[] DENSE = {0.1f, 0.5f, 0.25f, 1f, -2f, 0.3f};

  private static SparseCode apply(float[] dense, float threshold, int k, OutputRule rule) {
    return new Sparsifier(new int[] {1, 1, dense.length}, RandomModels.output(threshold, k, rule))
        .apply(dense, new float[0], "");
  }

  @Test
  void shouldEmitEachValueAboveTheThresholdLessTheThresholdUnderShrink() {
    SparseCode code = apply(DENSE, 0.25f, 0, OutputRule.SHRINK);

    assertThat(code.indices()).containsExactly(1, 3, 5);
    assertThat(code.values()).containsExactly(0.5f - 0.25f, 1f - 0.25f, 0.3f - 0.25f);
  }

  @Test
  void shouldEmitEachValueAboveTheThresholdAsItIsUnderKeep() {
    SparseCode code = apply(DENSE, 0.25f, 0, OutputRule.KEEP);

    assertThat(code.indices()).containsExactly(1, 3, 5);
    assertThat(code.values()).containsExactly(0.5f, 1f, 0.3f);
  }

  @Test
  void shouldKeepTheTopKShrunkValuesInIndexOrder() {
    SparseCode code = apply(DENSE, 0.25f, 2, OutputRule.SHRINK);

    assertThat(code.indices()).containsExactly(1, 3);
    assertThat(code.values()).containsExactly(0.25f, 0.75f);
  }

  @Test
  void shouldRankTopKByTheEmittedValueWithTiesToTheLowerIndex() {
    // Less a threshold of -2^24, 1.25 and 1.5 both round to the float 2^24 + 2: a tie, which the
    // lower index wins, although 1.5 is the larger value before the rule.
    float threshold = -16777216f;

    SparseCode shrunk = apply(new float[] {1.25f, 1.5f}, threshold, 1, OutputRule.SHRINK);
    SparseCode kept = apply(new float[] {1.25f, 1.5f}, threshold, 1, OutputRule.KEEP);

    assertThat(shrunk.indices()).containsExactly(0);
    assertThat(shrunk.values()).containsExactly(16777218f);
    assertThat(kept.indices()).containsExactly(1);
  }

  @Test
  void shouldRefuseAShrunkValueThatOverflowsTheFloatRange() {
    assertThatThrownBy(() -> apply(new float[] {3e38f}, -3e38f, 0, OutputRule.SHRINK))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("non-finite value Infinity at flat index 0");
  }
}
