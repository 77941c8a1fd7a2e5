package io.pinwheel.extractor;

import io.pinwheel.extractor.model.EncoderModel;

/**
 * Frames to pooled maps and sparse codes: the fast production path. SKELETON: being written.
 *
 * <p>Not thread-safe: it owns native scratch buffers. Create one per thread; close it to free them.
 */
public final class Encoder implements AutoCloseable {
  private final EncoderModel model;

  /** An encoder for {@code model}. */
  public Encoder(EncoderModel model) {
    this.model = model;
  }

  /** The model this encoder runs. */
  public EncoderModel model() {
    return model;
  }

  /**
   * The last pooled map of {@code frame}, flat row-major over {@link EncoderModel#outputShape()}.
   */
  public float[] encodeDense(Frame frame) throws FrameDecodeException {
    throw new UnsupportedOperationException("skeleton");
  }

  /** The sparse code of {@code frame} under the model's output rule. */
  public SparseCode encode(Frame frame) throws FrameDecodeException {
    throw new UnsupportedOperationException("skeleton");
  }

  @Override
  public void close() {}
}
