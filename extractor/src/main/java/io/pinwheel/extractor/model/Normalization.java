package io.pinwheel.extractor.model;

/**
 * How a decoded frame (pixel values scaled to [0, 1]) is normalized before the first layer.
 *
 * <p>See docs/encoder-format.md for the exact arithmetic of each variant.
 */
public sealed interface Normalization {

  /** The manifest's {@code "type"} value. */
  String type();

  /** Leave x = pixel/255 as it is. */
  record None() implements Normalization {
    @Override
    public String type() {
      return "none";
    }
  }

  /**
   * y = (x - mean) / std.
   *
   * @param mean subtracted from every value
   * @param std divides every value; finite and positive
   */
  record Standardize(float mean, float std) implements Normalization {
    /** Validates both fields. */
    public Standardize {
      if (!Float.isFinite(mean)) {
        throw new IllegalArgumentException("normalize.mean must be finite, got " + mean);
      }
      if (!(std > 0) || !Float.isFinite(std)) {
        throw new IllegalArgumentException("normalize.std must be finite and > 0, got " + std);
      }
    }

    @Override
    public String type() {
      return "standardize";
    }
  }

  /**
   * Local contrast normalization (Jarrett et al. 2009) with a Gaussian window of standard deviation
   * {@code sigma} pixels.
   *
   * @param sigma in (0, 64]
   */
  record Lcn(double sigma) implements Normalization {
    /** The largest sigma accepted; its kernel is 385 pixels wide. */
    public static final double MAX_SIGMA = 64;

    /** Validates sigma. */
    public Lcn {
      if (!(sigma > 0) || !(sigma <= MAX_SIGMA)) {
        throw new IllegalArgumentException(
            "normalize.sigma must be in (0, " + MAX_SIGMA + "], got " + sigma);
      }
    }

    /** The Gaussian kernel size, 2 * ceil(3 * sigma) + 1. */
    public int kernelSize() {
      return 2 * (int) Math.ceil(3 * sigma) + 1;
    }

    @Override
    public String type() {
      return "lcn";
    }
  }
}
