package io.pinwheel.extractor;

import java.util.Arrays;

/**
 * A decoded, normalized image: float32 values in planar [channels, height, width] order.
 *
 * <p>Immutable. {@link FrameDecoder} makes frames from image bytes; {@link #of} makes them from
 * values a caller already has (tests, synthetic data, other decoders).
 */
public final class Frame {
  private final int channels;
  private final int height;
  private final int width;
  private final float[] data;

  private Frame(int channels, int height, int width, float[] data) {
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.data = data;
  }

  /**
   * A frame holding a copy of {@code data} (planar, row-major).
   *
   * @throws IllegalArgumentException if a dimension is not positive or {@code data} has the wrong
   *     length
   */
  public static Frame of(int channels, int height, int width, float[] data) {
    return new Frame(channels, height, width, checked(channels, height, width, data).clone());
  }

  /** Wraps {@code data} without copying; the caller hands it over and must not touch it again. */
  static Frame wrap(int channels, int height, int width, float[] data) {
    return new Frame(channels, height, width, checked(channels, height, width, data));
  }

  private static float[] checked(int channels, int height, int width, float[] data) {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "frame dimensions must be positive, got " + channels + "x" + height + "x" + width);
    }
    if ((long) channels * height * width != data.length) {
      throw new IllegalArgumentException(
          "frame "
              + channels
              + "x"
              + height
              + "x"
              + width
              + " needs "
              + (long) channels * height * width
              + " values but got "
              + data.length);
    }
    return data;
  }

  /** The number of channels: 1 for gray, 3 for BGR. */
  public int channels() {
    return channels;
  }

  /** The number of rows. */
  public int height() {
    return height;
  }

  /** The number of columns. */
  public int width() {
    return width;
  }

  /** The value of channel {@code c} at row {@code y}, column {@code x}. */
  public float get(int c, int y, int x) {
    return data[(c * height + y) * width + x];
  }

  /** A copy of the values, planar and row-major. */
  public float[] toArray() {
    return data.clone();
  }

  /** The backing array, for readers in this package that promise not to write to it. */
  float[] array() {
    return data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Frame f
        && f.channels == channels
        && f.height == height
        && f.width == width
        && Arrays.equals(f.data, data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data) * 31 + (channels * 31 + height) * 31 + width;
  }

  @Override
  public String toString() {
    return "Frame[" + channels + "x" + height + "x" + width + "]";
  }
}
