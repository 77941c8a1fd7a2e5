package io.pinwheel.trainer.viz;

import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.model.FloatTensor;
import java.util.Arrays;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/**
 * The learned filters as one picture: each filter a tile, the tiles on the rows × cols torus of the
 * topographic pooling groups (map {@code j} at row {@code j / cols}, column {@code j % cols}), so
 * neighbouring filters are neighbouring tiles.
 *
 * <p>Each tile is contrast-normalised on its own symmetric range: 0 is mid-gray and ±max|w| over
 * the tile is white/black. A shared range would leave the weak filters a flat gray next to the
 * strong ones, and an asymmetric (min..max) range would shift zero away from gray, hiding which
 * parts of a filter are excitatory and which inhibitory. A 1-channel filter is a gray tile; a
 * 3-channel one (BGR, the extractor's channel order) a colour tile normalised on one range over its
 * three channels, so its colours keep their balance; other channel counts are averaged to gray.
 *
 * <p>Tiles are upscaled by an integer factor with nearest-neighbour sampling, so each weight stays
 * a sharp square, and separated by 1-pixel lines in a colour no gray tile can contain. The picture
 * is a 3-channel PNG of width {@code cols·(kw·scale + 1) + 1} and height {@code rows·(kh·scale + 1)
 * + 1}.
 */
public final class FilterMosaic {
  /** The separator colour, BGR: a blue that stands out from the gray tiles. */
  private static final byte[] SEPARATOR = {(byte) 200, (byte) 120, (byte) 40};

  /** {@link #SEPARATOR} for OpenCV drawing, so tiles are framed alike in every picture. */
  static final Scalar SEPARATOR_COLOUR = new Scalar(200, 120, 40);

  private FilterMosaic() {}

  /**
   * The mosaic of {@code weights} on a rows × cols grid.
   *
   * @param weights conv weights [K, C, kh, kw], all finite
   * @param rows the grid height, positive
   * @param cols the grid width, positive, with {@code rows·cols = K}
   * @param scale the upscaling factor, positive
   * @return PNG bytes of a BGR picture of {@code cols·(kw·scale + 1) + 1} × {@code rows·(kh·scale +
   *     1) + 1} pixels
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static byte[] png(FloatTensor weights, int rows, int cols, int scale) {
    checkWeights(weights);
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be >= 1, got " + rows);
    }
    if (cols < 1) {
      throw new IllegalArgumentException("cols must be >= 1, got " + cols);
    }
    int k = weights.dim(0);
    if ((long) rows * cols != k) {
      throw new IllegalArgumentException(
          "rows x cols (" + rows + " x " + cols + ") must equal the filter count K = " + k);
    }
    PngEncoding.requireScale(scale);
    int c = weights.dim(1);
    int kh = weights.dim(2);
    int kw = weights.dim(3);
    long width = (long) cols * (kw * (long) scale + 1) + 1;
    long height = (long) rows * (kh * (long) scale + 1) + 1;
    if (width * height * 3 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "scale " + scale + " makes a " + width + " x " + height + " picture, too large");
    }
    byte[] pixels = new byte[(int) (width * height * 3)];
    for (int i = 0; i < pixels.length; i += 3) {
      System.arraycopy(SEPARATOR, 0, pixels, i, 3);
    }
    float[] w = weights.toArray();
    int rowBytes = kw * scale * 3;
    for (int j = 0; j < k; j++) {
      byte[] tile = upscaledTile(w, j, c, kh, kw, scale);
      int x0 = (j % cols) * (kw * scale + 1) + 1;
      int y0 = (j / cols) * (kh * scale + 1) + 1;
      for (int y = 0; y < kh * scale; y++) {
        int rowBase = (int) (((long) (y0 + y) * width + x0) * 3);
        System.arraycopy(tile, y * rowBytes, pixels, rowBase, rowBytes);
      }
    }
    OpenCv.load();
    Mat image = new Mat((int) height, (int) width, CvType.CV_8UC3);
    try {
      image.put(0, 0, pixels);
      return PngEncoding.encode(image);
    } finally {
      image.release();
    }
  }

  /**
   * The mosaic of {@code weights} on the most nearly square grid: rows is the largest divisor of K
   * not above √K and cols = K / rows (so a prime K gives one row).
   *
   * @param weights conv weights [K, C, kh, kw], all finite
   * @param scale the upscaling factor, positive
   * @return PNG bytes, as for {@link #png(FloatTensor, int, int, int)}
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static byte[] png(FloatTensor weights, int scale) {
    checkWeights(weights);
    int rows = nearSquareRows(weights.dim(0));
    return png(weights, rows, weights.dim(0) / rows, scale);
  }

  /** The largest divisor of {@code k} that is at most √k. */
  static int nearSquareRows(int k) {
    for (int r = (int) Math.sqrt(k); r > 1; r--) {
      if (k % r == 0) {
        return r;
      }
    }
    return 1;
  }

  /** Conv weights both pictures can draw: rank 4 [K, C, kh, kw], all finite. */
  static void checkWeights(FloatTensor weights) {
    if (weights == null) {
      throw new IllegalArgumentException("weights must not be null");
    }
    if (weights.rank() != 4) {
      throw new IllegalArgumentException(
          "weights must have rank 4 [K, C, kh, kw], got shape " + Arrays.toString(weights.shape()));
    }
    int bad = weights.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalArgumentException(
          "weights must be finite, element " + bad + " is " + weights.get(bad));
    }
  }

  /**
   * Draws filter {@code j} of {@code weights} as the mosaic draws its tiles, with its top-left
   * corner at ({@code x0}, {@code y0}) of a BGR canvas that must have room for it: the other
   * pictures of filters use this so that a filter looks the same in all of them.
   *
   * @param canvas an 8-bit, 3-channel picture
   * @param weights conv weights [K, C, kh, kw], checked by {@link #checkWeights}
   * @param flat {@code weights.toArray()}, passed in so that drawing K tiles copies it once
   * @param j the filter, 0..K−1
   * @param x0 the tile's left column
   * @param y0 the tile's top row
   * @param scale the upscaling factor
   */
  static void drawTile(
      Mat canvas, FloatTensor weights, float[] flat, int j, int x0, int y0, int scale) {
    int c = weights.dim(1);
    int kh = weights.dim(2);
    int kw = weights.dim(3);
    Mat target = canvas.submat(y0, y0 + kh * scale, x0, x0 + kw * scale);
    try {
      target.put(0, 0, upscaledTile(flat, j, c, kh, kw, scale));
    } finally {
      target.release();
    }
  }

  /** Filter {@code j} as kh·scale rows of kw·scale BGR pixels, each weight a scale² square. */
  private static byte[] upscaledTile(float[] w, int j, int c, int kh, int kw, int scale) {
    int plane = kh * kw;
    byte[] tile = new byte[plane * 3];
    renderTile(w, j * c * plane, c, plane, tile);
    byte[] out = new byte[plane * scale * scale * 3];
    int o = 0;
    for (int y = 0; y < kh * scale; y++) {
      int src = (y / scale) * kw;
      for (int x = 0; x < kw * scale; x++) {
        System.arraycopy(tile, (src + x / scale) * 3, out, o, 3);
        o += 3;
      }
    }
    return out;
  }

  /** Writes filter {@code offset}'s BGR tile, normalised on its own symmetric range. */
  private static void renderTile(float[] w, int offset, int channels, int plane, byte[] tile) {
    double[] bgr = new double[plane * 3];
    double max = 0;
    for (int p = 0; p < plane; p++) {
      for (int b = 0; b < 3; b++) {
        double v;
        if (channels == 3) {
          v = w[offset + b * plane + p];
        } else {
          double sum = 0;
          for (int ch = 0; ch < channels; ch++) {
            sum += w[offset + ch * plane + p];
          }
          v = sum / channels;
        }
        bgr[p * 3 + b] = v;
        max = Math.max(max, Math.abs(v));
      }
    }
    // An all-zero filter (a dead unit) is drawn flat mid-gray instead of dividing by zero.
    double gain = max > 0 ? 127.5 / max : 0;
    for (int i = 0; i < bgr.length; i++) {
      long level = Math.round(127.5 + gain * bgr[i]);
      tile[i] = (byte) Math.max(0, Math.min(255, level));
    }
  }
}
