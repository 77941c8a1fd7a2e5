package io.pinwheel.extractor.model;

import java.util.Arrays;

/**
 * The encoder of a discriminative recurrent sparse auto-encoder (DrSAE, Rolfe &amp; LeCun 2013), on
 * the whole frame flattened to a vector x of D = C*H*W values in row-major [C, H, W] order:
 *
 * <pre>
 * z⁰   = ReLU(E x − b)
 * zᵗ⁺¹ = ReLU(E x + S zᵗ − b)      t = 0 … T−2
 * </pre>
 *
 * <p>The output is z^{T−1}, the last of the T codes, as a [K, 1, 1] map, so the output rule and
 * sparse-code shapes work as for a pooled map. With {@code steps} 1 there is no lateral update.
 * This is exactly the code the trainer's DrSAE graph computes.
 *
 * @param encoder E, [K, D]
 * @param lateral S, [K, K]: the lateral (recurrent) connections
 * @param bias b, [K]: subtracted before every ReLU
 * @param steps T, the number of codes computed, in [1, {@value #MAX_STEPS}]
 */
public record RecurrentLayer(FloatTensor encoder, FloatTensor lateral, FloatTensor bias, int steps)
    implements Layer {
  /**
   * The largest {@code steps} a model may ask for: trained models use a handful, and a bound keeps
   * a hostile file from making every frame cost a million products.
   */
  public static final int MAX_STEPS = 1000;

  /** Validates shapes, finiteness and steps; messages name the offending field. */
  public RecurrentLayer {
    LayerChecks.requireRank("recurrent.encoder", encoder, 2, "[K,D]");
    int k = encoder.dim(0);
    LayerChecks.requireShape("recurrent.lateral", lateral, k, k);
    LayerChecks.requireShape("recurrent.bias", bias, k);
    LayerChecks.requireFinite("recurrent.encoder", encoder);
    LayerChecks.requireFinite("recurrent.lateral", lateral);
    LayerChecks.requireFinite("recurrent.bias", bias);
    if (steps < 1 || steps > MAX_STEPS) {
      throw new IllegalArgumentException(
          "recurrent.steps must be in [1, " + MAX_STEPS + "], got " + steps);
    }
  }

  /** The number of units K. */
  public int units() {
    return encoder.dim(0);
  }

  /** The number of input values D = C*H*W. */
  public int inputSize() {
    return encoder.dim(1);
  }

  @Override
  public String type() {
    return "recurrent";
  }

  @Override
  public int[] outputShape(int[] in) {
    long d = LayerChecks.size(in);
    if (d != inputSize()) {
      throw new IllegalArgumentException(
          "recurrent.encoder reads D = "
              + inputSize()
              + " values but its input [C,H,W] = "
              + Arrays.toString(in)
              + " flattens to "
              + d);
    }
    return new int[] {units(), 1, 1};
  }
}
