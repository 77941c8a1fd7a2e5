package io.pinwheel.extractor.model;

import java.util.Arrays;

/**
 * An immutable int32 tensor in C (row-major) order.
 *
 * <p>Used for index tensors such as pooling groups.
 */
public final class IntTensor {
  private final int[] shape;
  private final int[] data;

  private IntTensor(int[] shape, int[] data) {
    this.shape = shape;
    this.data = data;
  }

  /**
   * Creates a tensor from a copy of {@code data}.
   *
   * @throws IllegalArgumentException if a dimension is not positive, the element count overflows or
   *     does not match {@code data.length}
   */
  public static IntTensor of(int[] shape, int[] data) {
    int[] s = shape.clone();
    long n = Shapes.elementCount(s);
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(s) + " needs " + n + " values but got " + data.length);
    }
    return new IntTensor(s, data.clone());
  }

  /** A tensor of the given shape with every element equal to {@code value}. */
  public static IntTensor filled(int[] shape, int value) {
    int[] s = shape.clone();
    int[] d = new int[Math.toIntExact(Shapes.elementCount(s))];
    Arrays.fill(d, value);
    return new IntTensor(s, d);
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
  public int get(int i) {
    return data[i];
  }

  /** A copy of the elements in row-major order. */
  public int[] toArray() {
    return data.clone();
  }

  /** Copies the elements into {@code dst} starting at {@code offset}. */
  public void copyTo(int[] dst, int offset) {
    System.arraycopy(data, 0, dst, offset, data.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IntTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "IntTensor" + Arrays.toString(shape);
  }
}
