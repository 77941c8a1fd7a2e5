package io.pinwheel.trainer.data;

import io.pinwheel.extractor.Frame;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Normalized frames of one shape, held in a single array: what training reads, in the form the
 * extractor's {@link io.pinwheel.extractor.FrameDecoder} produces one frame at a time.
 *
 * @param count the number of frames, at least 1
 * @param channels the channels per frame, at least 1 (1 gray, 3 BGR as the extractor decodes)
 * @param height the rows per frame, at least 1
 * @param width the columns per frame, at least 1
 * @param data {@code count * channels * height * width} values, planar [count, C, H, W]; the record
 *     shares the array rather than copying it, so callers hand it over and do not write to it
 */
public record FrameSet(int count, int channels, int height, int width, float[] data) {
  /** Validates sizes, naming the field that does not fit. */
  public FrameSet {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be >= 1, got " + channels);
    }
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "height and width must be >= 1, got " + height + "x" + width);
    }
    long expected = (long) count * channels * height * width;
    if (data == null || data.length != expected) {
      throw new IllegalArgumentException(
          "data must hold count*channels*height*width = "
              + expected
              + " values, got "
              + (data == null ? "null" : data.length));
    }
  }

  /**
   * Frames copied from {@code frames}, in order.
   *
   * @throws IllegalArgumentException if the list is empty or a frame's shape differs from the
   *     first's (the message names its index and both shapes)
   */
  public static FrameSet of(List<Frame> frames) {
    Objects.requireNonNull(frames, "frames");
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("frames must not be empty");
    }
    Frame first = frames.get(0);
    int c = first.channels();
    int h = first.height();
    int w = first.width();
    int size = c * h * w;
    float[] data = new float[Math.multiplyExact(frames.size(), size)];
    for (int i = 0; i < frames.size(); i++) {
      Frame f = frames.get(i);
      if (f == null) {
        throw new IllegalArgumentException("frames[" + i + "] is null");
      }
      if (f.channels() != c || f.height() != h || f.width() != w) {
        throw new IllegalArgumentException(
            "frames["
                + i
                + "] is "
                + f.channels()
                + "x"
                + f.height()
                + "x"
                + f.width()
                + " but frames[0] is "
                + c
                + "x"
                + h
                + "x"
                + w
                + " (channels x height x width); all frames must have one shape");
      }
      System.arraycopy(f.toArray(), 0, data, i * size, size);
    }
    return new FrameSet(frames.size(), c, h, w, data);
  }

  /** The number of values in one frame: channels * height * width. */
  public int frameSize() {
    return channels * height * width;
  }

  /**
   * Frame {@code i} as the extractor's {@link Frame} (a copy).
   *
   * @throws IndexOutOfBoundsException if {@code i} is not in [0, count)
   */
  public Frame frame(int i) {
    Objects.checkIndex(i, count);
    int size = frameSize();
    return Frame.of(channels, height, width, Arrays.copyOfRange(data, i * size, (i + 1) * size));
  }

  /**
   * Frames {@code from} (inclusive) to {@code to} (exclusive), copied.
   *
   * @throws IndexOutOfBoundsException unless 0 <= from < to <= count
   */
  public FrameSet slice(int from, int to) {
    if (from < 0 || to > count || from >= to) {
      throw new IndexOutOfBoundsException(
          "slice [" + from + ", " + to + ") must be non-empty and within [0, " + count + ")");
    }
    int size = frameSize();
    return new FrameSet(
        to - from, channels, height, width, Arrays.copyOfRange(data, from * size, to * size));
  }

  // Arrays in records compare by identity; value semantics are what callers expect of a data set.
  @Override
  public boolean equals(Object o) {
    return o instanceof FrameSet f
        && f.count == count
        && f.channels == channels
        && f.height == height
        && f.width == width
        && Arrays.equals(f.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(data) + Objects.hash(count, channels, height, width);
  }

  @Override
  public String toString() {
    return "FrameSet[" + count + " x " + channels + "x" + height + "x" + width + "]";
  }
}
