package io.pinwheel.trainer.viz;

import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.model.FloatTensor;
import java.util.Locale;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * A lateral-inhibition matrix S as a picture, with the atoms it relates beside it: cell (i, j) is
 * S_ij on the viridis scale from 0 (dark blue) to sMax (yellow), and atom i is drawn at the left of
 * row i and above column j = i, so one can read off which features inhibit which. Entries the
 * pattern fixes at zero (the diagonal, a unit's own branch of a tree) are light gray, so they are
 * not mistaken for free entries that learned nothing.
 */
public final class InhibitionMatrix {
  private static final double FONT_SCALE = 0.42;
  private static final Scalar WHITE = new Scalar(255, 255, 255);
  private static final Scalar FIXED = new Scalar(225, 225, 225);
  private static final Scalar INK = new Scalar(30, 30, 30);
  private static final int KEY_HEIGHT = 44;

  private InhibitionMatrix() {}

  /**
   * The picture.
   *
   * @param s the matrix, [K, K], all finite
   * @param free free[i][j] is true where S_ij may be non-zero
   * @param sMax the top of the colour scale, &gt; 0 (values above it are drawn as sMax)
   * @param atoms the atoms [K, C, kh, kw], all finite
   * @param scale the upscaling factor of the atoms, positive; a cell is as large as an atom
   * @return PNG bytes of a BGR picture
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static byte[] png(
      FloatTensor s, boolean[][] free, double sMax, FloatTensor atoms, int scale) {
    FilterMosaic.checkWeights(atoms);
    PngEncoding.requireScale(scale);
    int k = atoms.dim(0);
    if (s == null || s.rank() != 2 || s.dim(0) != k || s.dim(1) != k) {
      throw new IllegalArgumentException("s must be [" + k + ", " + k + "] to match the atoms");
    }
    if (s.firstNonFinite() >= 0) {
      throw new IllegalArgumentException("s must be finite");
    }
    if (free == null || free.length != k) {
      throw new IllegalArgumentException("free must be a " + k + " x " + k + " mask");
    }
    for (boolean[] row : free) {
      if (row == null || row.length != k) {
        throw new IllegalArgumentException("free must be a " + k + " x " + k + " mask");
      }
    }
    if (!(sMax > 0) || !Double.isFinite(sMax)) {
      throw new IllegalArgumentException("sMax must be finite and > 0, got " + sMax);
    }
    int cell = atoms.dim(2) * scale;
    if (atoms.dim(3) != atoms.dim(2)) {
      throw new IllegalArgumentException("atoms must be square to line up with the cells");
    }
    int step = cell + 1;
    int origin = cell + 4;
    long side = origin + (long) k * step + 1;
    long width = Math.max(side, 360);
    long height = side + KEY_HEIGHT;
    if (width * height * 3 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "scale " + scale + " makes a " + width + " x " + height + " picture, too large");
    }
    OpenCv.load();
    Mat canvas = new Mat((int) height, (int) width, CvType.CV_8UC3, WHITE);
    Mat levels = new Mat(k, k, CvType.CV_8UC1);
    Mat colours = new Mat();
    try {
      byte[] level = new byte[k * k];
      for (int i = 0; i < k * k; i++) {
        level[i] = (byte) Math.round(255 * Math.min(1, Math.max(0, s.get(i) / sMax)));
      }
      levels.put(0, 0, level);
      Imgproc.applyColorMap(levels, colours, Imgproc.COLORMAP_VIRIDIS);
      byte[] bgr = new byte[k * k * 3];
      colours.get(0, 0, bgr);
      float[] flat = atoms.toArray();
      for (int i = 0; i < k; i++) {
        int at = origin + i * step;
        FilterMosaic.drawTile(canvas, atoms, flat, i, 1, at, scale);
        FilterMosaic.drawTile(canvas, atoms, flat, i, at, 1, scale);
        for (int j = 0; j < k; j++) {
          int o = (i * k + j) * 3;
          Scalar c =
              free[i][j] ? new Scalar(bgr[o] & 0xff, bgr[o + 1] & 0xff, bgr[o + 2] & 0xff) : FIXED;
          Imgproc.rectangle(canvas, new Rect(origin + j * step, at, cell, cell), c, -1);
        }
      }
      drawKey(canvas, (int) side, sMax);
      return PngEncoding.encode(canvas);
    } finally {
      colours.release();
      levels.release();
      canvas.release();
    }
  }

  private static void drawKey(Mat canvas, int top, double sMax) {
    int left = 8;
    int barW = 160;
    int barH = 10;
    Mat ramp = new Mat(1, 256, CvType.CV_8UC1);
    Mat rampColours = new Mat();
    Mat target = canvas.submat(new Rect(left, top + 8, barW, barH));
    try {
      byte[] r = new byte[256];
      for (int i = 0; i < 256; i++) {
        r[i] = (byte) i;
      }
      ramp.put(0, 0, r);
      Imgproc.applyColorMap(ramp, rampColours, Imgproc.COLORMAP_VIRIDIS);
      Imgproc.resize(rampColours, target, new Size(barW, barH), 0, 0, Imgproc.INTER_NEAREST);
    } finally {
      target.release();
      rampColours.release();
      ramp.release();
    }
    LossPlot.putText(canvas, "0", left, top + 34, FONT_SCALE, INK);
    String max = String.format(Locale.ROOT, "sMax %.3g", sMax);
    LossPlot.putText(
        canvas, max, left + barW - LossPlot.textWidth(max, FONT_SCALE), top + 34, FONT_SCALE, INK);
    Imgproc.rectangle(
        canvas,
        new Point(left + barW + 16, top + 8),
        new Point(left + barW + 26, top + 18),
        FIXED,
        -1);
    LossPlot.putText(canvas, "fixed at 0", left + barW + 32, top + 18, FONT_SCALE, INK);
  }
}
