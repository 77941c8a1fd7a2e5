package io.pinwheel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FeatureRecordTest {

  private static FeatureRecord code(int[] shape, int[] indices, float[] values) {
    return FeatureRecord.of("f", 1L, "m", 1, shape, indices, values, 2L);
  }

  @Test
  void shouldRefuseDescendingIndicesNamingIndices() {
    assertThatThrownBy(() -> code(new int[] {10}, new int[] {5, 3}, new float[] {1f, 2f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("indices")
        .hasMessageContaining("ascending");
  }

  @Test
  void shouldRefuseRepeatedIndex() {
    assertThatThrownBy(() -> code(new int[] {10}, new int[] {3, 3}, new float[] {1f, 2f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("indices");
  }

  @Test
  void shouldRefuseIndexOutsideTheShape() {
    assertThatThrownBy(() -> code(new int[] {2, 3}, new int[] {6}, new float[] {1f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("indices[0] = 6")
        .hasMessageContaining("[0, 6)");
  }

  @Test
  void shouldRefuseNegativeIndex() {
    assertThatThrownBy(() -> code(new int[] {4}, new int[] {-1}, new float[] {1f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("indices[0] = -1");
  }

  @Test
  void shouldRefuseValuesOfAnotherLengthThanIndices() {
    assertThatThrownBy(() -> code(new int[] {4}, new int[] {1, 2}, new float[] {1f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("indices and values differ in length");
  }

  @Test
  void shouldRefuseEmptyShape() {
    assertThatThrownBy(() -> code(new int[0], new int[0], new float[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shape is empty");
  }

  @Test
  void shouldRefuseShapeWithZeroDimension() {
    assertThatThrownBy(() -> code(new int[] {4, 0}, new int[0], new float[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shape");
  }

  @Test
  void shouldRefuseShapeTooLargeForIntIndices() {
    assertThatThrownBy(() -> code(new int[] {65536, 65536}, new int[0], new float[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shape");
  }

  @Test
  void shouldRefuseNonFiniteValue() {
    assertThatThrownBy(() -> code(new int[] {4}, new int[] {1}, new float[] {Float.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("values[0]");
  }

  @Test
  void shouldRefuseNonFiniteScore() {
    assertThatThrownBy(
            () ->
                new FeatureRecord(
                    "f",
                    0L,
                    "m",
                    1,
                    new int[] {4},
                    new int[0],
                    new float[0],
                    new float[] {Float.POSITIVE_INFINITY},
                    "x",
                    0L))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scores[0]");
  }

  @Test
  void shouldRefuseNullModelNameNamingIt() {
    assertThatThrownBy(
            () -> FeatureRecord.of("f", 0L, null, 1, new int[] {4}, new int[0], new float[0], 0L))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("modelName");
  }

  @Test
  void shouldTakeNullScoresAndLabelAsEmpty() {
    FeatureRecord r =
        new FeatureRecord("f", 0L, "m", 1, new int[] {4}, new int[0], new float[0], null, null, 0L);

    assertThat(r.scores()).isEmpty();
    assertThat(r.label()).isEmpty();
    assertThat(r.hasClassifierOutput()).isFalse();
  }

  @Test
  void shouldNotSeeChangesToTheArraysItWasBuiltFrom() {
    int[] shape = {4};
    int[] indices = {1};
    float[] values = {2f};
    FeatureRecord r = code(shape, indices, values);

    shape[0] = 9;
    indices[0] = 3;
    values[0] = 7f;

    assertThat(r.shape()).containsExactly(4);
    assertThat(r.indices()).containsExactly(1);
    assertThat(r.values()).containsExactly(2f);
  }

  @Test
  void shouldHandOutCopiesOfItsArrays() {
    FeatureRecord r = Records.withClassifierOutput();

    r.indices()[0] = 99;
    r.values()[0] = 99f;
    r.scores()[0] = 99f;
    r.shape()[0] = 99;

    assertThat(r).isEqualTo(Records.withClassifierOutput());
  }

  @Test
  void shouldBeEqualWithEqualHashCodeWhenArraysHaveEqualContent() {
    FeatureRecord a = Records.withClassifierOutput();
    FeatureRecord b = Records.withClassifierOutput();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
  }

  @Test
  void shouldDifferWhenOneValueDiffers() {
    FeatureRecord a = code(new int[] {4}, new int[] {1}, new float[] {2f});
    FeatureRecord b = code(new int[] {4}, new int[] {1}, new float[] {2.5f});

    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void shouldShowArrayContentsInToString() {
    assertThat(Records.withClassifierOutput().toString())
        .contains("shape=[16, 44, 44]")
        .contains("nnz=5")
        .contains("indices=[0, 5, 6, 1000, 30975]")
        .contains("label=trouser");
  }

  @Test
  void shouldElideLongArraysInToString() {
    int[] indices = new int[100];
    float[] values = new float[100];
    for (int i = 0; i < 100; i++) {
      indices[i] = i;
      values[i] = 1f;
    }

    assertThat(code(new int[] {100}, indices, values).toString())
        .contains("indices=[0, 1, 2, 3, 4, 5, 6, 7, ...]")
        .doesNotContain("99");
  }

  @Test
  void shouldCountNonZerosAndDensity() {
    FeatureRecord r = code(new int[] {2, 5}, new int[] {1, 4, 9}, new float[] {1f, 2f, 3f});

    assertThat(r.nnz()).isEqualTo(3);
    assertThat(r.denseSize()).isEqualTo(10);
    assertThat(r.density()).isEqualTo(0.3);
  }

  @Test
  void shouldExpandToDenseWithZerosElsewhere() {
    FeatureRecord r = code(new int[] {2, 3}, new int[] {1, 5}, new float[] {1.5f, -2f});

    assertThat(r.toDense()).containsExactly(0f, 1.5f, 0f, 0f, 0f, -2f);
  }
}
