package io.pinwheel.extractor;

import io.pinwheel.extractor.model.InputSpec;

/** Image bytes to normalized frames. SKELETON: being written. */
public final class FrameDecoder {
  private final InputSpec spec;

  /** A decoder with default options. */
  public FrameDecoder(InputSpec spec) {
    this.spec = spec;
  }

  /** The input specification frames are decoded for. */
  public InputSpec spec() {
    return spec;
  }

  /** Decodes {@code bytes} into a frame of the spec's size and channels, normalized. */
  public Frame decode(byte[] bytes) throws FrameDecodeException {
    throw new UnsupportedOperationException("skeleton");
  }
}
