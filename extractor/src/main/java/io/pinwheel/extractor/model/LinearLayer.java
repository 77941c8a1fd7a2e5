package io.pinwheel.extractor.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A linear classifier head: N class scores s = W z + bias (raw logits, no softmax) from the dense
 * output z of the layer before it, flattened row-major. z is the whole map the output rule reads,
 * before threshold and top-k, so the scores do not depend on how sparse the code is made.
 *
 * <p>A head is always the last layer and does not change the code: {@link
 * EncoderModel#outputShape()} stays the shape of the layer before it.
 *
 * @param weights W, [N, K] with K the size of the previous layer's output
 * @param bias [N]
 * @param labels the name of each of the N classes, in score order: non-empty and distinct
 */
public record LinearLayer(FloatTensor weights, FloatTensor bias, List<String> labels)
    implements Layer {

  /** Validates shapes, finiteness and labels; messages name the offending field. */
  public LinearLayer {
    LayerChecks.requireRank("linear.weights", weights, 2, "[N,K]");
    int n = weights.dim(0);
    LayerChecks.requireShape("linear.bias", bias, n);
    LayerChecks.requireFinite("linear.weights", weights);
    LayerChecks.requireFinite("linear.bias", bias);
    Objects.requireNonNull(labels, "linear.labels");
    if (labels.size() != n) {
      throw new IllegalArgumentException(
          "linear.labels has "
              + labels.size()
              + " labels but linear.weights has N = "
              + n
              + " rows, one per class");
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String label = labels.get(i);
      if (label == null || label.isEmpty()) {
        throw new IllegalArgumentException("linear.labels[" + i + "] is empty");
      }
      Integer first = seen.putIfAbsent(label, i);
      if (first != null) {
        throw new IllegalArgumentException(
            "linear.labels[" + i + "] \"" + label + "\" repeats linear.labels[" + first + "]");
      }
    }
    labels = List.copyOf(labels);
  }

  /** The number of classes N. */
  public int classes() {
    return weights.dim(0);
  }

  /** The number of input values K. */
  public int inputSize() {
    return weights.dim(1);
  }

  /**
   * The label of the best score: the argmax, the lower index winning ties.
   *
   * @param scores N scores, as the encoder computes them
   * @throws IllegalArgumentException if there are not N scores
   */
  public String labelOf(float[] scores) {
    if (scores.length != classes()) {
      throw new IllegalArgumentException(
          "expected " + classes() + " scores, one per label, got " + scores.length);
    }
    int best = 0;
    for (int i = 1; i < scores.length; i++) {
      // Strictly greater, so ties stay with the lower index.
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    return labels.get(best);
  }

  @Override
  public String type() {
    return "linear";
  }

  @Override
  public int[] outputShape(int[] in) {
    long k = LayerChecks.size(in);
    if (k != inputSize()) {
      throw new IllegalArgumentException(
          "linear.weights reads K = "
              + inputSize()
              + " values but the previous layer's output "
              + Arrays.toString(in)
              + " has "
              + k);
    }
    return new int[] {classes(), 1, 1};
  }
}
