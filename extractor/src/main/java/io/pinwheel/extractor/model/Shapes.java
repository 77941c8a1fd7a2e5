package io.pinwheel.extractor.model;

import java.util.Arrays;

/** Shape arithmetic shared by the tensor types. */
final class Shapes {
  /** No tensor in a model may hold more elements than this (64 MB of float32). */
  static final long MAX_ELEMENTS = 16L * 1024 * 1024;

  private Shapes() {}

  static long elementCount(int[] shape) {
    if (shape.length == 0) {
      throw new IllegalArgumentException("shape must have at least one dimension");
    }
    long n = 1;
    for (int d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + " has a non-positive dimension");
      }
      n *= d;
      if (n > MAX_ELEMENTS) {
        throw new IllegalArgumentException(
            "shape "
                + Arrays.toString(shape)
                + " has more than "
                + MAX_ELEMENTS
                + " elements (the per-tensor limit)");
      }
    }
    return n;
  }
}
