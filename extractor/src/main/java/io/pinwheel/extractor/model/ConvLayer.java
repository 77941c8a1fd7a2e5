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
    LayerChecks.requireRank("conv.weights", weights, 4, "[K,C,kh,kw]");
    int k = weights.dim(0);
    LayerChecks.requireShape("conv.bias", bias, k);
    LayerChecks.requireShape("conv.gain", gain, k);
    LayerChecks.requireFinite("conv.weights", weights);
    LayerChecks.requireFinite("conv.bias", bias);
    LayerChecks.requireFinite("conv.gain", gain);
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
