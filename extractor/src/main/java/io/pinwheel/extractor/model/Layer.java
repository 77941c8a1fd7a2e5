package io.pinwheel.extractor.model;

/**
 * One layer of an encoder. The layers of a model are {@link ConvLayer}, {@link L2PoolLayer} pairs
 * or a single {@link RecurrentLayer}, optionally followed by a {@link LinearLayer} head; {@link
 * EncoderModel} checks the order.
 */
public sealed interface Layer permits ConvLayer, L2PoolLayer, RecurrentLayer, LinearLayer {
  /** The manifest's {@code "type"} value. */
  String type();

  /**
   * The output shape [channels, height, width] for an input of shape {@code in}.
   *
   * @throws IllegalArgumentException if the layer cannot read an input of that shape
   */
  int[] outputShape(int[] in);
}
