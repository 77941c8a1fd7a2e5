package io.pinwheel.extractor.model;

/**
 * Convolution, ReLU and per-map scaling: h_k = gain_k * max(0, bias_k + (W_k * x)), with * a valid,
 * stride-1 cross-correlation (no kernel flip).
 *
 * @param weights [K, C, kh, kw]
 * @param bias [K]
 * @param gain [K], the "scaling layer"
 */
public record ConvLayer(FloatTensor weights, FloatTensor bias, FloatTensor gain) implements Layer {

  /** Validates shapes and finiteness; messages name the offending field. */
  public ConvLayer {
    if (weights.rank() != 4) {
      throw new IllegalArgumentException(
          "conv.weights must have shape [K,C,kh,kw], got " + weights);
    }
    int k = weights.dim(0);
    requireVector("conv.bias", bias, k);
    requireVector("conv.gain", gain, k);
    requireFinite("conv.weights", weights);
    requireFinite("conv.bias", bias);
    requireFinite("conv.gain", gain);
  }

  private static void requireVector(String field, FloatTensor t, int k) {
    if (t.rank() != 1 || t.dim(0) != k) {
      throw new IllegalArgumentException(field + " must have shape [" + k + "], got " + t);
    }
  }

  static void requireFinite(String field, FloatTensor t) {
    int bad = t.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalArgumentException(
          field + " has a non-finite value " + t.get(bad) + " at flat index " + bad);
    }
  }

  /** The number of output maps K. */
  public int outputMaps() {
    return weights.dim(0);
  }

  /** The number of input channels C. */
  public int inputChannels() {
    return weights.dim(1);
  }

  /** The kernel height kh. */
  public int kernelHeight() {
    return weights.dim(2);
  }

  /** The kernel width kw. */
  public int kernelWidth() {
    return weights.dim(3);
  }

  @Override
  public String type() {
    return "conv";
  }

  @Override
  public int[] outputShape(int[] in) {
    if (in[0] != inputChannels()) {
      throw new IllegalArgumentException(
          "conv layer reads " + inputChannels() + " channels but its input has " + in[0]);
    }
    if (in[1] < kernelHeight() || in[2] < kernelWidth()) {
      throw new IllegalArgumentException(
          "conv kernel "
              + kernelHeight()
              + "x"
              + kernelWidth()
              + " is larger than its input "
              + in[1]
              + "x"
              + in[2]);
    }
    return new int[] {outputMaps(), in[1] - kernelHeight() + 1, in[2] - kernelWidth() + 1};
  }
}
