package io.pinwheel.extractor.model;

/** One layer of an encoder. Layers come in {@link ConvLayer}, {@link L2PoolLayer} pairs. */
public sealed interface Layer permits ConvLayer, L2PoolLayer {
  /** The manifest's {@code "type"} value. */
  String type();

  /**
   * The output shape [channels, height, width] for an input of shape {@code in}.
   *
   * @throws IllegalArgumentException if the layer cannot read an input of that shape
   */
  int[] outputShape(int[] in);
}
