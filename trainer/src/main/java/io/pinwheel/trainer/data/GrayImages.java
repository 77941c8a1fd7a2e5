package io.pinwheel.trainer.data;

import io.pinwheel.extractor.model.Normalization;
import java.util.Arrays;

/**
 * A set of same-sized 8-bit gray images, optionally labelled: the raw form of data sets such as
 * Fashion-MNIST, before the extractor's normalization turns each image into a frame.
 *
 * @param count the number of images, at least 1
 * @param height the image height in pixels, at least 1
 * @param width the image width in pixels, at least 1
 * @param pixels {@code count * height * width} bytes, image after image, rows top to bottom; read
 *     unsigned (0 = black, 255 = white)
 * @param labels one class index (at least 0) per image, or an empty array when unlabelled
 */
public record GrayImages(int count, int height, int width, byte[] pixels, int[] labels) {
  /** Validates sizes, naming the field that does not fit. */
  public GrayImages {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "height and width must be >= 1, got " + height + "x" + width);
    }
    if (pixels == null || (long) pixels.length != (long) count * height * width) {
      throw new IllegalArgumentException(
          "pixels must hold count*height*width = "
              + (long) count * height * width
              + " bytes, got "
              + (pixels == null ? "null" : pixels.length));
    }
    if (labels == null || (labels.length != 0 && labels.length != count)) {
      throw new IllegalArgumentException(
          "labels must be empty or hold one label per image ("
              + count
              + "), got "
              + (labels == null ? "null" : labels.length));
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0) {
        throw new IllegalArgumentException("labels[" + i + "] must be >= 0, got " + labels[i]);
      }
    }
  }

  /** Whether every image has a label. */
  public boolean labelled() {
    return labels.length == count;
  }

  /** The number of classes: the largest label + 1, or 0 when unlabelled. */
  public int classCount() {
    return labels.length == 0 ? 0 : Arrays.stream(labels).max().orElse(-1) + 1;
  }

  /** Pixel {@code (y, x)} of image {@code i} as a value in [0, 1], the extractor's scaling. */
  public float pixel(int i, int y, int x) {
    return (pixels[(i * height + y) * width + x] & 0xff) / 255f;
  }

  /** Image {@code i} scaled to [0, 1], as a [height * width] planar array for one channel. */
  public float[] image(int i) {
    float[] out = new float[height * width];
    int base = i * height * width;
    for (int p = 0; p < out.length; p++) {
      out[p] = (pixels[base + p] & 0xff) / 255f;
    }
    return out;
  }

  /**
   * Standardization by these images' own pixel mean and standard deviation (on the [0, 1] scale),
   * so frames have zero mean and unit variance; a model writes it into its input spec, so serving
   * applies the same numbers.
   */
  public Normalization.Standardize standardization() {
    double sum = 0;
    double sq = 0;
    for (byte b : pixels) {
      double v = (b & 0xff) / 255.0;
      sum += v;
      sq += v * v;
    }
    double mean = sum / pixels.length;
    double std = Math.sqrt(Math.max(sq / pixels.length - mean * mean, 1e-12));
    return new Normalization.Standardize((float) mean, (float) std);
  }

  /** The first {@code n} images (and labels), or all of them when there are fewer. */
  public GrayImages head(int n) {
    int k = Math.min(n, count);
    return new GrayImages(
        k,
        height,
        width,
        Arrays.copyOf(pixels, k * height * width),
        labels.length == 0 ? labels : Arrays.copyOf(labels, k));
  }

  /**
   * The images at {@code indices}, in that order (with their labels).
   *
   * @throws IllegalArgumentException if {@code indices} is empty or holds an index outside [0,
   *     count)
   */
  public GrayImages select(int[] indices) {
    if (indices.length == 0) {
      throw new IllegalArgumentException("indices must hold at least one index");
    }
    int size = height * width;
    byte[] out = new byte[indices.length * size];
    int[] outLabels = labels.length == 0 ? labels : new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      if (i < 0 || i >= count) {
        throw new IllegalArgumentException(
            "indices[" + k + "] must be in [0, " + count + "), got " + i);
      }
      System.arraycopy(pixels, i * size, out, k * size, size);
      if (labels.length != 0) {
        outLabels[k] = labels[i];
      }
    }
    return new GrayImages(indices.length, height, width, out, outLabels);
  }

  // Arrays in records compare by identity; value semantics are what callers expect of a data set.
  @Override
  public boolean equals(Object o) {
    return o instanceof GrayImages g
        && g.count == count
        && g.height == height
        && g.width == width
        && Arrays.equals(g.pixels, pixels)
        && Arrays.equals(g.labels, labels);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(pixels) + Arrays.hashCode(labels);
  }

  @Override
  public String toString() {
    return "GrayImages["
        + count
        + " x "
        + height
        + "x"
        + width
        + (labelled() ? ", labelled" : "")
        + "]";
  }
}
