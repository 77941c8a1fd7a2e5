package io.pinwheel.extractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SparsifierTest {
  private static final float[] DENSE = {0.1f, 0.5f, 0.25f, 1f, -2f, 0.3f};

  private static SparseCode apply(float[] dense, float threshold, int k, OutputRule rule) {
    return new Sparsifier(new int[] {1, 1, dense.length}, RandomModels.output(threshold, k, rule))
        .apply(dense, new float[0], "");
  }

  private static SparseCode withFloor(
      float[] dense, float threshold, int minActive, OutputRule rule) {
    OutputSpec spec =
        new OutputSpec(threshold, OptionalInt.empty(), rule, OptionalInt.of(minActive));
    return new Sparsifier(new int[] {1, 1, dense.length}, spec).apply(dense, new float[0], "");
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

  @Test
  void shouldEmitTheKLargestWhenFewerPassTheThreshold() {
    SparseCode code = withFloor(DENSE, 0.75f, 3, OutputRule.KEEP);

    assertThat(code.indices()).containsExactly(1, 3, 5);
    assertThat(code.values()).containsExactly(0.5f, 1f, 0.3f);
  }

  @Test
  void shouldShrinkByTheLoweredThresholdWhenFewerPassTheThreshold() {
    // The 4th largest value, 0.25, is the frame's threshold.
    SparseCode code = withFloor(DENSE, 0.75f, 3, OutputRule.SHRINK);

    assertThat(code.indices()).containsExactly(1, 3, 5);
    assertThat(code.values()).containsExactly(0.5f - 0.25f, 1f - 0.25f, 0.3f - 0.25f);
  }

  @Test
  void shouldLeaveAFrameWithMoreThanKPassingAsWithoutAFloor() {
    SparseCode floored = withFloor(DENSE, 0.25f, 2, OutputRule.SHRINK);
    SparseCode plain = apply(DENSE, 0.25f, 0, OutputRule.SHRINK);

    assertThat(floored).isEqualTo(plain);
  }

  @Test
  void shouldShrinkByTheNextValueWhenExactlyKPassSoTheCodeMovesContinuously() {
    // 0.5, 1 and 0.3 pass 0.28; the 4th largest value, 0.25, is below it and becomes the cut.
    SparseCode code = withFloor(DENSE, 0.28f, 3, OutputRule.SHRINK);

    assertThat(code.indices()).containsExactly(1, 3, 5);
    assertThat(code.values()).containsExactly(0.5f - 0.25f, 1f - 0.25f, 0.3f - 0.25f);
  }

  @Test
  void shouldPassTheSameValuesWhenExactlyKPassUnderKeep() {
    SparseCode floored = withFloor(DENSE, 0.28f, 3, OutputRule.KEEP);
    SparseCode plain = apply(DENSE, 0.28f, 0, OutputRule.KEEP);

    assertThat(floored).isEqualTo(plain);
  }

  @Test
  void shouldEmitNothingForABlankFrameEvenWithMinActive() {
    SparseCode code = withFloor(new float[6], 0.75f, 3, OutputRule.SHRINK);

    assertThat(code.nnz()).isZero();
  }

  @Test
  void shouldEmitOnlyThePositiveValuesWhenFewerThanKArePositive() {
    SparseCode code = withFloor(new float[] {0, 0.5f, 0, 0.2f, 0}, 0.75f, 3, OutputRule.SHRINK);

    assertThat(code.indices()).containsExactly(1, 3);
    assertThat(code.values()).containsExactly(0.5f, 0.2f);
  }

  @Test
  void shouldEmitFewerThanKWhenTheKthAndNextLargestValuesTie() {
    SparseCode code = withFloor(new float[] {0.6f, 0.4f, 0.4f, 0.1f}, 0.75f, 2, OutputRule.KEEP);

    assertThat(code.indices()).containsExactly(0);
    assertThat(code.values()).containsExactly(0.6f);
  }

  @Test
  void shouldRefuseNaNWithAFloorToo() {
    assertThatThrownBy(() -> withFloor(new float[] {0.1f, Float.NaN}, 0.75f, 1, OutputRule.KEEP))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("non-finite value NaN at flat index 1");
  }
}
