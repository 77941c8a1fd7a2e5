package io.pinwheel.client;

import java.util.Random;

/** Sample records for tests. */
final class Records {

  private Records() {}

  /** A code with a classifier head's scores and label. */
  static FeatureRecord withClassifierOutput() {
    return new FeatureRecord(
        "camera-7/frame-000123",
        1_764_000_000_000L,
        "fashion-64",
        3,
        new int[] {16, 44, 44},
        new int[] {0, 5, 6, 1000, 30975},
        new float[] {0.5f, 1.25f, -3.0e-7f, 123456.78f, 0.1f},
        new float[] {0.01f, 0.9f, 0.09f},
        "trouser",
        1_764_000_000_042L);
  }

  /** A code from a model without a classifier head. */
  static FeatureRecord withoutClassifierOutput() {
    return FeatureRecord.of(
        "frame-1",
        1_764_000_000_000L,
        "natural-9x9",
        1,
        new int[] {64, 22, 22},
        new int[] {3, 17, 4096},
        new float[] {2.0f, 0.75f, 9.5f},
        1_764_000_000_010L);
  }

  /** A code in which nothing passed the output rule. */
  static FeatureRecord emptyCode() {
    return FeatureRecord.of("", 0L, "m", 0, new int[] {8, 4, 4}, new int[0], new float[0], 0L);
  }

  /**
   * A code of {@code nnz} non-zeros spread at random over {@code shape}, with values of random bits
   * (so that nothing compresses better than real codes would).
   */
  static FeatureRecord randomCode(Random random, int[] shape, int nnz) {
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    int[] indices = random.ints(0, size).distinct().limit(nnz).sorted().toArray();
    float[] values = new float[nnz];
    for (int i = 0; i < nnz; i++) {
      values[i] = random.nextFloat() * 10f;
    }
    return FeatureRecord.of(
        "frame-" + random.nextInt(1_000_000),
        1_764_000_000_000L + random.nextInt(1000),
        "fashion-64",
        7,
        shape,
        indices,
        values,
        1_764_000_000_500L);
  }
}
