package io.pinwheel.extractor;

import io.pinwheel.extractor.model.LinearLayer;

/**
 * A linear head's scores on the dense code, W z + bias, accumulated in double: N*K multiply-adds,
 * small next to the code itself.
 */
final class Head {
  private final LinearLayer layer;
  private final int classes;
  private final int inputs;
  private final float[] weights;
  private final float[] bias;

  Head(LinearLayer layer) {
    this.layer = layer;
    classes = layer.classes();
    inputs = layer.inputSize();
    weights = layer.weights().toArray();
    bias = layer.bias().toArray();
  }

  float[] scores(float[] dense) {
    float[] scores = new float[classes];
    for (int c = 0; c < classes; c++) {
      double s = bias[c];
      int o = c * inputs;
      for (int k = 0; k < inputs; k++) {
        s += (double) weights[o + k] * dense[k];
      }
      scores[c] = (float) s;
    }
    return scores;
  }

  /** The label of the highest score (see {@link LinearLayer#labelOf}). */
  String labelOf(float[] scores) {
    return layer.labelOf(scores);
  }
}
