package io.pinwheel.trainer.viz;

import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.trainer.viz.OrientationMap.Pinwheel;
import io.pinwheel.trainer.viz.OrientationMap.Tuning;
import java.util.List;
import java.util.Locale;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * The picture of an {@link OrientationMap}: the torus of cells coloured by orientation and
 * brightened by selectivity, its pinwheels marked, and a key with the pinwheel count and the mean
 * neighbour difference. The figures come from {@link OrientationMap}; this class only draws.
 */
public final class OrientationPicture {
  /** The smallest width of the {@link #png} picture, so the colour key's text fits. */
  public static final int MIN_PNG_WIDTH = 340;

  /** The height of the colour key under the map in the {@link #png} picture. */
  public static final int KEY_HEIGHT = 84;

  private static final double FONT_SCALE = 0.42;
  private static final Scalar TEXT = new Scalar(235, 235, 235);
  private static final Scalar BACKGROUND = new Scalar(48, 48, 48);
  private static final Scalar WHITE = new Scalar(255, 255, 255);
  private static final Scalar BLACK = new Scalar(0, 0, 0);

  private OrientationPicture() {}

  /**
   * The orientation map of a weight tensor on the rows × cols torus, from {@link
   * OrientationMap#tunings}.
   *
   * @param weights conv weights [K, C, kh, kw], all finite, with K = rows·cols
   * @param rows the torus height, positive
   * @param cols the torus width, positive
   * @param scale the side of one cell in pixels, positive
   * @return PNG bytes, as for {@link #png(double[], double[], int, int, int)}
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static byte[] png(FloatTensor weights, int rows, int cols, int scale) {
    List<Tuning> t = OrientationMap.tunings(weights);
    return png(OrientationMap.orientations(t), OrientationMap.selectivities(t), rows, cols, scale);
  }

  /**
   * The orientation map as a picture: the rows × cols torus, one scale × scale square per cell, hue
   * = orientation·2 (so the hue circle is one turn of orientation) and brightness = selectivity, so
   * unselective filters fade to black. Pinwheels are marked by a dot at their plaquette's centre,
   * white for positive winding and black for negative; one on the wrapping seam is drawn on both
   * edges. Below the map, a colour key, the pinwheel count and the mean neighbour difference.
   *
   * <p>The picture is a 3-channel PNG of width {@code max(cols·scale, MIN_PNG_WIDTH)} and height
   * {@code rows·scale + KEY_HEIGHT}.
   *
   * @param orientation rows·cols finite orientations in radians, row-major; read modulo π
   * @param selectivity rows·cols selectivities in [0, 1], or null to draw every cell at full
   *     brightness
   * @param rows the torus height, positive
   * @param cols the torus width, positive
   * @param scale the side of one cell in pixels, positive
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static byte[] png(
      double[] orientation, double[] selectivity, int rows, int cols, int scale) {
    OrientationMap.checkMap(orientation, rows, cols);
    if (selectivity != null) {
      if (selectivity.length != orientation.length) {
        throw new IllegalArgumentException(
            "selectivity must hold rows x cols = "
                + orientation.length
                + " values, got "
                + selectivity.length);
      }
      for (int i = 0; i < selectivity.length; i++) {
        if (!(selectivity[i] >= 0 && selectivity[i] <= 1)) {
          throw new IllegalArgumentException(
              "selectivity must be in [0, 1], value " + i + " is " + selectivity[i]);
        }
      }
    }
    PngEncoding.requireScale(scale);
    long mapW = (long) cols * scale;
    long mapH = (long) rows * scale;
    long width = Math.max(mapW, MIN_PNG_WIDTH);
    long height = mapH + KEY_HEIGHT;
    if (width * height * 3 > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "scale " + scale + " makes a " + width + " x " + height + " picture, too large");
    }
    List<Pinwheel> pinwheels = OrientationMap.findPinwheels(orientation, rows, cols);
    double difference = OrientationMap.meanNeighbourDifferenceDegrees(orientation, rows, cols);

    OpenCv.load();
    Mat canvas = new Mat((int) height, (int) width, CvType.CV_8UC3, BACKGROUND);
    try {
      int x0 = (int) ((width - mapW) / 2);
      drawCells(canvas, orientation, selectivity, rows, cols, scale, x0);
      int radius = Math.max(2, scale / 4);
      for (Pinwheel p : pinwheels) {
        int px = x0 + (p.col() + 1) * scale;
        int py = (p.row() + 1) * scale;
        drawMarker(canvas, px, py, radius, p.winding() > 0);
        if (p.col() + 1 == cols) {
          drawMarker(canvas, x0, py, radius, p.winding() > 0);
        }
        if (p.row() + 1 == rows) {
          drawMarker(canvas, px, 0, radius, p.winding() > 0);
        }
        if (p.col() + 1 == cols && p.row() + 1 == rows) {
          drawMarker(canvas, x0, 0, radius, p.winding() > 0);
        }
      }
      drawKey(canvas, (int) mapH, (int) width, pinwheels, difference);
      return PngEncoding.encode(canvas);
    } finally {
      canvas.release();
    }
  }

  private static void drawCells(
      Mat canvas,
      double[] orientation,
      double[] selectivity,
      int rows,
      int cols,
      int scale,
      int x0) {
    byte[] hsv = new byte[rows * cols * 3];
    for (int i = 0; i < orientation.length; i++) {
      hsv[i * 3] = (byte) hueOf(orientation[i]);
      hsv[i * 3 + 1] = (byte) 255;
      hsv[i * 3 + 2] = (byte) Math.round(255 * (selectivity == null ? 1 : selectivity[i]));
    }
    Mat small = new Mat(rows, cols, CvType.CV_8UC3);
    Mat bgr = new Mat();
    Mat target = canvas.submat(new Rect(x0, 0, cols * scale, rows * scale));
    try {
      small.put(0, 0, hsv);
      Imgproc.cvtColor(small, bgr, Imgproc.COLOR_HSV2BGR);
      Imgproc.resize(bgr, target, target.size(), 0, 0, Imgproc.INTER_NEAREST);
    } finally {
      target.release();
      bgr.release();
      small.release();
    }
  }

  /** OpenCV's 8-bit hue runs over [0, 180): one step per degree of orientation. */
  private static int hueOf(double orientation) {
    double o = orientation - Math.PI * Math.floor(orientation / Math.PI);
    return (int) Math.round(Math.toDegrees(o)) % 180;
  }

  private static void drawMarker(Mat canvas, int x, int y, int radius, boolean positive) {
    Point centre = new Point(x, y);
    // A rim of the opposite colour keeps the dot visible on any hue or brightness.
    Imgproc.circle(canvas, centre, radius, positive ? WHITE : BLACK, -1, Imgproc.LINE_AA);
    Imgproc.circle(canvas, centre, radius, positive ? BLACK : WHITE, 1, Imgproc.LINE_AA);
  }

  private static void drawKey(
      Mat canvas, int top, int width, List<Pinwheel> pinwheels, double difference) {
    int left = 12;
    int barW = width - 2 * left;
    int barTop = top + 8;
    int barH = 12;
    byte[] hsv = new byte[barW * 3];
    for (int x = 0; x < barW; x++) {
      hsv[x * 3] = (byte) ((int) Math.round(180.0 * x / barW) % 180);
      hsv[x * 3 + 1] = (byte) 255;
      hsv[x * 3 + 2] = (byte) 255;
    }
    Mat bar = new Mat(1, barW, CvType.CV_8UC3);
    Mat bgr = new Mat();
    Mat target = canvas.submat(new Rect(left, barTop, barW, barH));
    try {
      bar.put(0, 0, hsv);
      Imgproc.cvtColor(bar, bgr, Imgproc.COLOR_HSV2BGR);
      Imgproc.resize(bgr, target, new Size(barW, barH), 0, 0, Imgproc.INTER_NEAREST);
    } finally {
      target.release();
      bgr.release();
      bar.release();
    }
    for (int deg = 0; deg <= 180; deg += 45) {
      int x = left + (int) Math.round((barW - 1) * deg / 180.0);
      Imgproc.line(canvas, new Point(x, barTop + barH), new Point(x, barTop + barH + 3), TEXT, 1);
      String label = Integer.toString(deg);
      int textW = textWidth(label);
      int tx = Math.max(left, Math.min(x - textW / 2, left + barW - textW));
      putText(canvas, label, tx, barTop + barH + 16);
    }
    putText(canvas, "hue: orientation (deg)  brightness: selectivity", left, top + 54);
    long positive = pinwheels.stream().filter(p -> p.winding() > 0).count();
    long negative = pinwheels.size() - positive;
    int y = top + 74;
    int x = left;
    putText(canvas, "pinwheels:", x, y);
    x += textWidth("pinwheels:") + 10;
    drawMarker(canvas, x, y - 4, 4, true);
    putText(canvas, "+" + positive, x + 8, y);
    x += 8 + textWidth("+" + positive) + 14;
    drawMarker(canvas, x, y - 4, 4, false);
    putText(canvas, "-" + negative, x + 8, y);
    x += 8 + textWidth("-" + negative) + 16;
    putText(canvas, String.format(Locale.ROOT, "neighbour diff %.1f deg", difference), x, y);
  }

  private static int textWidth(String text) {
    int[] baseline = new int[1];
    return (int)
        Imgproc.getTextSize(text, Imgproc.FONT_HERSHEY_SIMPLEX, FONT_SCALE, 1, baseline).width;
  }

  private static void putText(Mat canvas, String text, int x, int y) {
    Imgproc.putText(
        canvas,
        text,
        new Point(x, y),
        Imgproc.FONT_HERSHEY_SIMPLEX,
        FONT_SCALE,
        TEXT,
        1,
        Imgproc.LINE_AA);
  }
}
