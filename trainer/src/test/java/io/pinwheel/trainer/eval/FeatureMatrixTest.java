package io.pinwheel.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FeatureMatrixTest {
  /** rows x columns values, each non-zero with probability {@code density}. */
  private static float[] values(int rows, int columns, double density, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[rows * columns];
    for (int i = 0; i < v.length; i++) {
      if (random.nextDouble() < density) {
        v[i] = (float) random.nextDouble(0.1, 3);
      }
    }
    return v;
  }

  private static float[] row(float[] values, int i, int columns) {
    float[] r = new float[columns];
    System.arraycopy(values, i * columns, r, 0, columns);
    return r;
  }

  @Test
  void shouldReadBackEveryRowOfAMatrixLargerThanOneBlock() {
    // A 40-value block limit stands in for the 2 GiB a single buffer holds.
    float[] v = values(23, 7, 0.3, 1);
    try (FeatureMatrix m = FeatureMatrix.copyOf(v, 23, 7, 40)) {
      assertThat(m.blockCount()).isEqualTo(5);
      for (int i = 0; i < 23; i++) {
        assertThat(m.row(i)).containsExactly(row(v, i, 7));
      }
    }
  }

  @Test
  void shouldStoreABlockSparseWhenFewerThanHalfItsValuesAreNonZero() {
    try (FeatureMatrix m = FeatureMatrix.copyOf(values(20, 10, 0.15, 2), 20, 10, 50)) {
      assertThat(m.sparseBlockCount()).isEqualTo(m.blockCount());
    }
  }

  @Test
  void shouldStoreABlockDenseWhenMostOfItsValuesAreNonZero() {
    try (FeatureMatrix m = FeatureMatrix.copyOf(values(20, 10, 0.95, 3), 20, 10, 50)) {
      assertThat(m.sparseBlockCount()).isZero();
    }
  }

  @Test
  void shouldReadBackAllZeroRows() {
    float[] v = new float[12];
    v[11] = 2;
    try (FeatureMatrix m = FeatureMatrix.copyOf(v, 4, 3, 6)) {
      assertThat(m.row(0)).containsExactly(0f, 0f, 0f);
      assertThat(m.row(3)).containsExactly(0f, 0f, 2f);
    }
  }

  @Test
  void shouldCountTheNonZeroValues() {
    float[] v = values(30, 9, 0.4, 4);
    long expected = 0;
    for (float x : v) {
      expected += x != 0 ? 1 : 0;
    }
    try (FeatureMatrix m = FeatureMatrix.copyOf(v, 30, 9, 45)) {
      assertThat(m.nonZeros()).isEqualTo(expected);
    }
  }

  @Test
  void shouldGatherRowsInTheOrderGiven() {
    float[] v = values(9, 5, 0.3, 5);
    int[] order = {8, 0, 4, 4, 7};
    FloatBuffer dst = FloatBuffer.allocate(3 * 5);
    try (FeatureMatrix m = FeatureMatrix.copyOf(v, 9, 5, 10)) {
      m.gather(order, 1, 3, dst);
    }
    float[] got = new float[15];
    dst.get(0, got);
    float[] expected = new float[15];
    for (int r = 0; r < 3; r++) {
      System.arraycopy(v, order[1 + r] * 5, expected, r * 5, 5);
    }
    assertThat(got).containsExactly(expected);
  }

  @Test
  void shouldComputeTheSameStandardizationWhateverTheStorage() {
    float[] v = values(50, 6, 0.2, 6);
    int[] rows = {3, 9, 0, 41, 17, 17, 22};
    double[] denseMean = new double[6];
    double[] denseScale = new double[6];
    double[] sparseMean = new double[6];
    double[] sparseScale = new double[6];
    try (INDArray a = Nd4j.create(v, new long[] {50, 6}, DataType.FLOAT);
        FeatureMatrix blocked = FeatureMatrix.copyOf(v, 50, 6, 12)) {
      FeatureMatrix.of(a).standardization(rows, denseMean, denseScale, 0.1);
      blocked.standardization(rows, sparseMean, sparseScale, 0.1);
      assertThat(blocked.sparseBlockCount()).isPositive();
    }
    assertThat(sparseMean).containsExactly(denseMean);
    assertThat(sparseScale).containsExactly(denseScale);
  }

  @Test
  void shouldReadADenseArrayWithoutCopyingIt() {
    try (INDArray a =
        Nd4j.create(new float[] {1, 0, 2, 3, 4, 0}, new long[] {2, 3}, DataType.FLOAT)) {
      FeatureMatrix m = FeatureMatrix.of(a);
      a.putScalar(1, 0, 9f);
      assertThat(m.row(1)).containsExactly(9f, 4f, 0f);
      assertThat(m.nonZeros()).isEqualTo(4);
    }
  }

  @Test
  void shouldRefuseAColumnMajorArray() {
    try (INDArray a = Nd4j.create(DataType.FLOAT, new long[] {3, 2}, 'f')) {
      assertThatThrownBy(() -> FeatureMatrix.of(a)).hasMessageContaining("row-major");
    }
  }

  @Test
  void shouldRefuseValuesThatDoNotMakeTheShape() {
    assertThatThrownBy(() -> FeatureMatrix.copyOf(new float[5], 2, 3, 10))
        .hasMessageContaining("2x3");
  }
}
