package io.pinwheel.extractor;

import java.util.Arrays;

/**
 * The sparse code of one frame: the values of the last pooled map that passed the model's output
 * rule, at flat row-major indices into {@code shape}, ascending.
 *
 * @param shape the shape [G, H', W'] of the last pooled map
 * @param indices ascending flat indices, each in [0, G*H'*W')
 * @param values the value at each index, same length as {@code indices}
 */
public record SparseCode(int[] shape, int[] indices, float[] values) {

  /** Copies the arrays and checks that indices are ascending and in range. */
  public SparseCode {
    shape = shape.clone();
    indices = indices.clone();
    values = values.clone();
    if (indices.length != values.length) {
      throw new IllegalArgumentException(
          "indices and values differ in length: " + indices.length + " vs " + values.length);
    }
    long size = 1;
    for (int d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "shape has a non-positive dimension: " + Arrays.toString(shape));
      }
      size *= d;
    }
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] < 0 || indices[i] >= size || (i > 0 && indices[i] <= indices[i - 1])) {
        throw new IllegalArgumentException(
            "indices must be ascending and in [0, " + size + "), got " + indices[i] + " at " + i);
      }
    }
  }

  /** The number of stored values. */
  public int nnz() {
    return indices.length;
  }

  /** The number of positions in the dense map, G*H'*W'. */
  public int denseSize() {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** The fraction of positions stored, nnz / (G*H'*W'). */
  public double density() {
    return (double) nnz() / denseSize();
  }

  /** A copy of the shape. */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** A copy of the indices. */
  @Override
  public int[] indices() {
    return indices.clone();
  }

  /** A copy of the values. */
  @Override
  public float[] values() {
    return values.clone();
  }

  /** The dense map this code stands for, with zeros where nothing was stored. */
  public float[] toDense() {
    float[] dense = new float[denseSize()];
    for (int i = 0; i < indices.length; i++) {
      dense[indices[i]] = values[i];
    }
    return dense;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparseCode c
        && Arrays.equals(shape, c.shape)
        && Arrays.equals(indices, c.indices)
        && Arrays.equals(values, c.values);
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(shape) * 31 + Arrays.hashCode(indices)) * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "SparseCode[shape=" + Arrays.toString(shape) + ", nnz=" + nnz() + "]";
  }
}
