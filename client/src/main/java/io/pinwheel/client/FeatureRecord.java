package io.pinwheel.client;

import java.util.Arrays;
import java.util.Objects;

/**
 * The sparse code of one image frame as pinwheel writes it to its features topic, with where it
 * came from and which model produced it.
 *
 * <p>The code stands for a dense row-major tensor of {@code shape} in which only the positions
 * listed in {@code indices} are non-zero: position {@code indices[i]} holds {@code values[i]}.
 * Instances are immutable: arrays are copied on the way in and on the way out. The schema is in
 * {@code docs/feature-record.md} and {@code pinwheel/feature_record.proto}.
 *
 * <p>The extractor's {@code SparseCode} is the same code in memory, where it is made; the two are
 * kept apart because this module must not depend on ND4J or OpenCV and the extractor must not
 * depend on Kafka (see {@code SparseCode}).
 *
 * @param frameId the producer's identifier of the frame (normally the input record's key); never
 *     null, may be empty
 * @param sourceTimestampMs when the frame was captured or submitted, ms since the epoch; 0 if
 *     unknown
 * @param modelName the name of the encoder model that produced the code; never null
 * @param modelVersion the version of that model
 * @param shape the dense shape, outermost first: at least one dimension, each at least 1, with a
 *     product that fits in an {@code int}
 * @param indices the flat row-major indices of the stored positions, strictly ascending, each in
 *     {@code [0, product of shape)}
 * @param values the finite value at each index, same length as {@code indices}
 * @param scores finite class scores of the model's classifier head; empty (null is taken as empty)
 *     when the model has none
 * @param label the best class of the classifier head; empty (null is taken as empty) when the model
 *     has none
 * @param producedTimestampMs when pinwheel wrote the record, ms since the epoch
 */
public record FeatureRecord(
    String frameId,
    long sourceTimestampMs,
    String modelName,
    int modelVersion,
    int[] shape,
    int[] indices,
    float[] values,
    float[] scores,
    String label,
    long producedTimestampMs) {

  private static final float[] NO_SCORES = new float[0];

  /** How many indices, values and scores {@link #toString()} lists before eliding the rest. */
  private static final int SHOWN = 8;

  /**
   * Copies the arrays and validates them.
   *
   * @throws NullPointerException if {@code frameId}, {@code modelName}, {@code shape}, {@code
   *     indices} or {@code values} is null; the message names the field
   * @throws IllegalArgumentException if the shape, indices, values or scores break the rules above;
   *     the message names the field
   */
  public FeatureRecord {
    Objects.requireNonNull(frameId, "frameId is null");
    Objects.requireNonNull(modelName, "modelName is null");
    shape = Objects.requireNonNull(shape, "shape is null").clone();
    indices = Objects.requireNonNull(indices, "indices is null").clone();
    values = Objects.requireNonNull(values, "values is null").clone();
    scores = scores == null ? NO_SCORES : scores.clone();
    label = label == null ? "" : label;

    long size = denseSize(shape);
    if (indices.length != values.length) {
      throw new IllegalArgumentException(
          "indices and values differ in length: " + indices.length + " vs " + values.length);
    }
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] < 0 || indices[i] >= size) {
        throw new IllegalArgumentException(
            "indices[" + i + "] = " + indices[i] + " is outside [0, " + size + ")");
      }
      if (i > 0 && indices[i] <= indices[i - 1]) {
        throw new IllegalArgumentException(
            "indices must be strictly ascending: indices["
                + i
                + "] = "
                + indices[i]
                + " follows "
                + indices[i - 1]);
      }
    }
    requireFinite("values", values);
    requireFinite("scores", scores);
  }

  /**
   * A record without a classifier head: no scores and no label.
   *
   * @param frameId the producer's identifier of the frame
   * @param sourceTimestampMs when the frame was captured or submitted, ms since the epoch
   * @param modelName the encoder model's name
   * @param modelVersion the encoder model's version
   * @param shape the dense shape
   * @param indices strictly ascending flat indices
   * @param values the value at each index
   * @param producedTimestampMs when pinwheel wrote the record, ms since the epoch
   * @return the validated record
   */
  public static FeatureRecord of(
      String frameId,
      long sourceTimestampMs,
      String modelName,
      int modelVersion,
      int[] shape,
      int[] indices,
      float[] values,
      long producedTimestampMs) {
    return new FeatureRecord(
        frameId,
        sourceTimestampMs,
        modelName,
        modelVersion,
        shape,
        indices,
        values,
        NO_SCORES,
        "",
        producedTimestampMs);
  }

  private static long denseSize(int[] shape) {
    if (shape.length == 0) {
      throw new IllegalArgumentException("shape is empty: a code has at least one dimension");
    }
    long size = 1;
    for (int d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "shape has a dimension below 1: " + Arrays.toString(shape));
      }
      size *= d;
      // Checked at every step so that the product itself cannot overflow a long.
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(shape) + " has more positions than an int can index");
      }
    }
    return size;
  }

  private static void requireFinite(String field, float[] array) {
    for (int i = 0; i < array.length; i++) {
      if (!Float.isFinite(array[i])) {
        throw new IllegalArgumentException(
            field + "[" + i + "] = " + array[i] + " is not a finite number");
      }
    }
  }

  /**
   * Returns a copy of the dense shape.
   *
   * @return the shape, outermost dimension first
   */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /**
   * Returns a copy of the stored indices.
   *
   * @return strictly ascending flat row-major indices
   */
  @Override
  public int[] indices() {
    return indices.clone();
  }

  /**
   * Returns a copy of the stored values.
   *
   * @return the value at each index
   */
  @Override
  public float[] values() {
    return values.clone();
  }

  /**
   * Returns a copy of the classifier scores.
   *
   * @return the scores, empty when the model has no classifier head
   */
  @Override
  public float[] scores() {
    return scores.clone();
  }

  // The codecs in this package read the arrays without the accessors' defensive copies: a natural
  // model's record holds a few thousand indices and values, and copying them again for every
  // record serialized was a fifth of the allocation of a stream thread. They never write to them.

  int[] sharedShape() {
    return shape;
  }

  int[] sharedIndices() {
    return indices;
  }

  float[] sharedValues() {
    return values;
  }

  float[] sharedScores() {
    return scores;
  }

  /**
   * Tells whether the record carries a classifier head's output.
   *
   * @return true if there are scores or a label
   */
  public boolean hasClassifierOutput() {
    return scores.length > 0 || !label.isEmpty();
  }

  /**
   * Returns the number of stored (non-zero) positions.
   *
   * @return the length of {@link #indices()}
   */
  public int nnz() {
    return indices.length;
  }

  /**
   * Returns the number of positions of the dense tensor.
   *
   * @return the product of the shape's dimensions
   */
  public int denseSize() {
    return (int) denseSize(shape);
  }

  /**
   * Returns the fraction of positions stored.
   *
   * @return {@code nnz() / denseSize()}, in [0, 1]
   */
  public double density() {
    return (double) nnz() / denseSize();
  }

  /**
   * Expands the code into its dense row-major form.
   *
   * @return a new array of {@link #denseSize()} floats, zero where nothing is stored
   */
  public float[] toDense() {
    float[] dense = new float[denseSize()];
    for (int i = 0; i < indices.length; i++) {
      dense[indices[i]] = values[i];
    }
    return dense;
  }

  /**
   * Compares every component, arrays by content (floats bit for bit, as {@link
   * Arrays#equals(float[], float[])} does).
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureRecord r
        && sourceTimestampMs == r.sourceTimestampMs
        && modelVersion == r.modelVersion
        && producedTimestampMs == r.producedTimestampMs
        && frameId.equals(r.frameId)
        && modelName.equals(r.modelName)
        && label.equals(r.label)
        && Arrays.equals(shape, r.shape)
        && Arrays.equals(indices, r.indices)
        && Arrays.equals(values, r.values)
        && Arrays.equals(scores, r.scores);
  }

  /** Hashes every component, arrays by content, consistently with {@link #equals(Object)}. */
  @Override
  public int hashCode() {
    int h =
        Objects.hash(
            frameId, sourceTimestampMs, modelName, modelVersion, label, producedTimestampMs);
    h = 31 * h + Arrays.hashCode(shape);
    h = 31 * h + Arrays.hashCode(indices);
    h = 31 * h + Arrays.hashCode(values);
    return 31 * h + Arrays.hashCode(scores);
  }

  /**
   * Describes the record; a code can hold thousands of values, so only the first few indices,
   * values and scores are listed.
   */
  @Override
  public String toString() {
    return "FeatureRecord[frameId="
        + frameId
        + ", sourceTimestampMs="
        + sourceTimestampMs
        + ", modelName="
        + modelName
        + ", modelVersion="
        + modelVersion
        + ", shape="
        + Arrays.toString(shape)
        + ", nnz="
        + nnz()
        + ", indices="
        + head(indices)
        + ", values="
        + head(values)
        + ", scores="
        + head(scores)
        + ", label="
        + label
        + ", producedTimestampMs="
        + producedTimestampMs
        + "]";
  }

  private static String head(int[] a) {
    String s = Arrays.toString(Arrays.copyOf(a, Math.min(a.length, SHOWN)));
    return a.length <= SHOWN ? s : s.substring(0, s.length() - 1) + ", ...]";
  }

  private static String head(float[] a) {
    String s = Arrays.toString(Arrays.copyOf(a, Math.min(a.length, SHOWN)));
    return a.length <= SHOWN ? s : s.substring(0, s.length() - 1) + ", ...]";
  }
}
