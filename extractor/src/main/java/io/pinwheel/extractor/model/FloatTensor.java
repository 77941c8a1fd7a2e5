package io.pinwheel.extractor.model;

import java.util.Arrays;

/**
 * An immutable float32 tensor in C (row-major) order.
 *
 * <p>Model parameters are small (kilobytes to megabytes), so they live on the heap; encoders copy
 * them once into whatever layout their fast path needs.
 */
public final class FloatTensor {
  private final int[] shape;
  private final float[] data;

  private FloatTensor(int[] shape, float[] data) {
    this.shape = shape;
    this.data = data;
  }

  /**
   * Creates a tensor from a copy of {@code data}.
   *
   * @throws IllegalArgumentException if a dimension is not positive, the element count overflows or
   *     does not match {@code data.length}
   */
  public static FloatTensor of(int[] shape, float[] data) {
    int[] s = shape.clone();
    long n = Shapes.elementCount(s);
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(s) + " needs " + n + " values but got " + data.length);
    }
    return new FloatTensor(s, data.clone());
  }

  /** A tensor of the given shape with every element equal to {@code value}. */
  public static FloatTensor filled(int[] shape, float value) {
    int[] s = shape.clone();
    float[] d = new float[Math.toIntExact(Shapes.elementCount(s))];
    Arrays.fill(d, value);
    return new FloatTensor(s, d);
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** The size of dimension {@code i}. */
  public int dim(int i) {
    return shape[i];
  }

  /** The number of elements. */
  public int size() {
    return data.length;
  }

  /** The element at flat row-major index {@code i}. */
  public float get(int i) {
    return data[i];
  }

  /** A copy of the elements in row-major order. */
  public float[] toArray() {
    return data.clone();
  }

  /** Copies the elements into {@code dst} starting at {@code offset}. */
  public void copyTo(float[] dst, int offset) {
    System.arraycopy(data, 0, dst, offset, data.length);
  }

  /**
   * The index of the first element that is NaN or infinite, or -1 when all are finite.
   *
   * <p>Model loading refuses non-finite parameters: one NaN weight silently turns every code into
   * NaN.
   */
  public int firstNonFinite() {
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
