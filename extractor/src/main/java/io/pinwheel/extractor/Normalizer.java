package io.pinwheel.extractor;

import io.pinwheel.extractor.model.Normalization;
import java.util.Objects;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Applies a {@link Normalization} to planar frame values in place.
 *
 * <p>The arithmetic, for values x in planar [C, H, W] order:
 *
 * <ul>
 *   <li>{@code none}: nothing.
 *   <li>{@code standardize}: y = (x - mean) / std, in float.
 *   <li>{@code lcn} (local contrast normalization, Jarrett et al. 2009), per image: let blur be a
 *       Gaussian blur with standard deviation sigma in both directions, kernel size k = 2 ceil(3
 *       sigma) + 1 ({@link Normalization.Lcn#kernelSize()}), weights exp(-i^2 / 2 sigma^2)
 *       normalized to sum 1, separable, with the reflect-101 border (index -1 reads 1, index n
 *       reads n - 2; OpenCV's default). Then G(x) = mean over channels of blur(x_c), v_c = x_c -
 *       G(x), d = sqrt(mean over channels of blur(v_c^2)), c = mean of d over all pixels, and y_c =
 *       v_c / max(d, c, 1e-4) element-wise.
 * </ul>
 *
 * <p>Tiny images: reflect-101 is only defined while the kernel radius is below the side it runs
 * along, so along an axis of n pixels the kernel is cut to at most 2n - 1 taps (radius n - 1) and
 * its weights renormalized to sum 1. A 1-pixel axis is therefore not blurred at all. This only
 * matters when a frame side is at most 3 sigma; the test reference does the same.
 *
 * <p>Stateless and thread-safe. The blurs run in OpenCV on CV_32F matrices; everything else is
 * plain Java over the array.
 */
public final class Normalizer {
  /** The floor of the LCN divisor: flat regions are not blown up into noise. */
  static final float LCN_FLOOR = 1e-4f;

  private Normalizer() {}

  /**
   * Normalizes {@code planar}, which holds {@code channels} planes of {@code height} rows of {@code
   * width} values, in place.
   *
   * @throws IllegalArgumentException if a dimension is not positive or {@code planar} does not hold
   *     exactly channels x height x width values
   * @throws IllegalStateException if LCN is asked for and OpenCV cannot be loaded
   */
  public static void apply(Normalization n, float[] planar, int channels, int height, int width) {
    Objects.requireNonNull(n, "normalization");
    Objects.requireNonNull(planar, "planar");
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "dimensions must be positive, got " + channels + "x" + height + "x" + width);
    }
    if ((long) channels * height * width != planar.length) {
      throw new IllegalArgumentException(
          channels
              + "x"
              + height
              + "x"
              + width
              + " needs "
              + (long) channels * height * width
              + " values but the array has "
              + planar.length);
    }
    if (n instanceof Normalization.Standardize s) {
      standardize(planar, s.mean(), s.std());
    } else if (n instanceof Normalization.Lcn lcn) {
      lcn(planar, channels, height, width, lcn.sigma(), lcn.kernelSize());
    }
  }

  private static void standardize(float[] x, float mean, float std) {
    for (int i = 0; i < x.length; i++) {
      x[i] = (x[i] - mean) / std;
    }
  }

  /** The kernel size used along an axis of {@code n} pixels: see the class comment. */
  static int kernelSizeFor(int kernelSize, int n) {
    return Math.min(kernelSize, 2 * n - 1);
  }

  private static void lcn(float[] x, int channels, int height, int width, double sigma, int k) {
    OpenCv.load();
    int plane = height * width;
    Size ksize = new Size(kernelSizeFor(k, width), kernelSizeFor(k, height));
    float[] blurred = new float[x.length];
    float[] local = new float[plane];
    Mat src = new Mat(channels * height, width, CvType.CV_32F);
    Mat dst = new Mat(channels * height, width, CvType.CV_32F);
    try {
      src.put(0, 0, x);
      blurPlanes(src, dst, channels, height, ksize, sigma);
      dst.get(0, 0, blurred);
      meanOverChannels(blurred, channels, plane, local);
      for (int c = 0; c < channels; c++) {
        int off = c * plane;
        for (int i = 0; i < plane; i++) {
          float v = x[off + i] - local[i];
          x[off + i] = v;
          blurred[off + i] = v * v;
        }
      }
      src.put(0, 0, blurred);
      blurPlanes(src, dst, channels, height, ksize, sigma);
      dst.get(0, 0, blurred);
    } finally {
      src.release();
      dst.release();
    }
    meanOverChannels(blurred, channels, plane, local);
    double sum = 0;
    for (int i = 0; i < plane; i++) {
      // Rounding in the blur can leave a variance a hair below zero where the image is flat.
      float d = (float) Math.sqrt(Math.max(local[i], 0f));
      local[i] = d;
      sum += d;
    }
    float floor = Math.max((float) (sum / plane), LCN_FLOOR);
    for (int i = 0; i < plane; i++) {
      local[i] = Math.max(local[i], floor);
    }
    for (int c = 0; c < channels; c++) {
      int off = c * plane;
      for (int i = 0; i < plane; i++) {
        x[off + i] /= local[i];
      }
    }
  }

  /**
   * Blurs each channel's rows of {@code src} into the same rows of {@code dst}. BORDER_ISOLATED
   * keeps each plane's border from reading its neighbour plane, which OpenCV would otherwise do for
   * a sub-matrix.
   */
  private static void blurPlanes(
      Mat src, Mat dst, int channels, int height, Size ksize, double sigma) {
    for (int c = 0; c < channels; c++) {
      Mat in = src.rowRange(c * height, (c + 1) * height);
      Mat out = dst.rowRange(c * height, (c + 1) * height);
      try {
        Imgproc.GaussianBlur(
            in, out, ksize, sigma, sigma, Core.BORDER_REFLECT_101 | Core.BORDER_ISOLATED);
      } finally {
        in.release();
        out.release();
      }
    }
  }

  private static void meanOverChannels(float[] planes, int channels, int plane, float[] out) {
    if (channels == 1) {
      System.arraycopy(planes, 0, out, 0, plane);
      return;
    }
    for (int i = 0; i < plane; i++) {
      float s = 0;
      for (int c = 0; c < channels; c++) {
        s += planes[c * plane + i];
      }
      out[i] = s / channels;
    }
  }
}
