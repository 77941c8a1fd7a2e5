package io.pinwheel.extractor.model;

import java.util.Arrays;

/** Checks of layer tensors shared by the layer records; messages name the manifest field. */
final class LayerChecks {
  private LayerChecks() {}

  /**
   * Requires {@code t} to have {@code rank} dimensions; {@code dims} spells the expected shape in
   * the message, e.g. "[K,C,kh,kw]".
   */
  static void requireRank(String field, FloatTensor t, int rank, String dims) {
    if (t.rank() != rank) {
      throw new IllegalArgumentException(field + " must have shape " + dims + ", got " + t);
    }
  }

  /** Requires {@code t} to have exactly the shape {@code shape}. */
  static void requireShape(String field, FloatTensor t, int... shape) {
    if (!Arrays.equals(t.shape(), shape)) {
      throw new IllegalArgumentException(
          field + " must have shape " + Arrays.toString(shape) + ", got " + t);
    }
  }

  /** Requires every element of {@code t} to be finite. */
  static void requireFinite(String field, FloatTensor t) {
    int bad = t.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalArgumentException(
          field + " has a non-finite value " + t.get(bad) + " at flat index " + bad);
    }
  }

  /** The number of values in an output of shape {@code shape}. */
  static long size(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }
}
