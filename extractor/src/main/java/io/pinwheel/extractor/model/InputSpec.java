package io.pinwheel.extractor.model;

import java.util.Objects;

/**
 * The frame a model reads: every decoded image is converted to this size and channel count, then
 * normalized.
 *
 * @param height rows, in [1, 8192]
 * @param width columns, in [1, 8192]
 * @param channels 1 (gray) or 3 (BGR, OpenCV's order)
 * @param normalize the normalization applied after scaling pixels to [0, 1]
 */
public record InputSpec(int height, int width, int channels, Normalization normalize) {
  /** The largest height or width a model may ask for. */
  public static final int MAX_SIDE = 8192;

  /** Validates every field. */
  public InputSpec {
    if (height < 1 || height > MAX_SIDE) {
      throw new IllegalArgumentException(
          "input.height must be in [1, " + MAX_SIDE + "], got " + height);
    }
    if (width < 1 || width > MAX_SIDE) {
      throw new IllegalArgumentException(
          "input.width must be in [1, " + MAX_SIDE + "], got " + width);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("input.channels must be 1 or 3, got " + channels);
    }
    Objects.requireNonNull(normalize, "input.normalize");
  }
}
