package io.pinwheel.extractor;

import java.util.Arrays;
import java.util.Objects;

/**
 * The sparse code of one frame: the values of the model's code (the last pooled map, or a recurrent
 * layer's output) that passed the model's output rule, at flat row-major indices into {@code
 * shape}, ascending; and, when the model has a linear classifier head, its class scores and the
 * best class's label.
 *
 * <p>The scores are computed from the dense code, before the output rule, so they do not depend on
 * the threshold or top-k. A model without a head gives empty {@code scores} and an empty {@code
 * label}.
 *
 * <p>The client's {@code io.pinwheel.client.FeatureRecord} carries the same code on the features
 * topic, with the frame's id and timestamps and the model's name and version, and answers the same
 * questions ({@code nnz}, {@code density}, {@code toDense}, {@code hasClassifierOutput}). They are
 * two types because neither module may see the other's: the client must not bring ND4J and OpenCV
 * to a consumer, the extractor must not bring Kafka to a program that embeds it (the build's
 * enforcer rules check both), and a third module for a few lines of arithmetic would cost every
 * consumer and embedder one more artifact. The service turns one into the other ({@code
 * ExtractProcessor}), and a test there checks that both give the same answers.
 *
 * @param shape the shape of the code, e.g. [G, H', W'] of the last pooled map
 * @param indices ascending flat indices, each in [0, G*H'*W')
 * @param values the value at each index, same length as {@code indices}
 * @param scores the head's raw class scores (logits), in the order of its labels; empty without a
 *     head
 * @param label the label of the highest score (the lower index wins ties); empty without a head
 */
public record SparseCode(int[] shape, int[] indices, float[] values, float[] scores, String label) {

  private static final float[] NO_SCORES = {};

  /** A code without classifier output: no scores and an empty label. */
  public SparseCode(int[] shape, int[] indices, float[] values) {
    this(shape, indices, values, NO_SCORES, "");
  }

  /**
   * Copies the arrays and checks that indices are ascending and in range, and that there is a label
   * exactly when there are scores.
   */
  public SparseCode {
    shape = shape.clone();
    indices = indices.clone();
    values = values.clone();
    scores = Objects.requireNonNull(scores, "scores").clone();
    Objects.requireNonNull(label, "label");
    if (scores.length == 0 && !label.isEmpty()) {
      throw new IllegalArgumentException("label must be empty when there are no scores");
    }
    if (scores.length > 0 && label.isEmpty()) {
      throw new IllegalArgumentException("label must name the best class when there are scores");
    }
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

  /** Whether this code carries a classifier head's output: its scores and label. */
  public boolean hasClassifierOutput() {
    return scores.length > 0;
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

  /** A copy of the head's scores; empty when the model has no head. */
  @Override
  public float[] scores() {
    return scores.clone();
  }

  /**
   * Reads the code's arrays without the accessors' copies. The arrays are this code's own: {@code
   * reader} must not modify them or keep them. It exists for the per-frame path, where a natural
   * model's code holds a few thousand indices and values and every copy of them adds to the garbage
   * collector's work.
   *
   * @param reader reads the shape, indices, values, scores and label
   * @param <R> what the reader makes of them
   * @return what {@code reader} returns
   */
  public <R> R read(Reader<R> reader) {
    return reader.read(shape, indices, values, scores, label);
  }

  /**
   * Reads a code's arrays in place; see {@link #read}.
   *
   * @param <R> what the reader makes of them
   */
  @FunctionalInterface
  public interface Reader<R> {
    /**
     * Reads one code; the arrays must not be modified or kept.
     *
     * @param shape the code's shape
     * @param indices ascending flat indices
     * @param values the value at each index
     * @param scores the head's scores; empty without a head
     * @param label the best class's label; empty without a head
     * @return the reader's result
     */
    R read(int[] shape, int[] indices, float[] values, float[] scores, String label);
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
        && Arrays.equals(values, c.values)
        && Arrays.equals(scores, c.scores)
        && label.equals(c.label);
  }

  @Override
  public int hashCode() {
    int h = (Arrays.hashCode(shape) * 31 + Arrays.hashCode(indices)) * 31 + Arrays.hashCode(values);
    return (h * 31 + Arrays.hashCode(scores)) * 31 + label.hashCode();
  }

  @Override
  public String toString() {
    return "SparseCode[shape="
        + Arrays.toString(shape)
        + ", nnz="
        + nnz()
        + (hasClassifierOutput() ? ", label=" + label : "")
        + "]";
  }
}
