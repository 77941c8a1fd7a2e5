package io.pinwheel.trainer.viz;

import io.pinwheel.extractor.OpenCv;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/**
 * Line charts of training curves, such as reconstruction, sparsity and total loss against step.
 *
 * <p>Each series gets its own colour and a legend entry. The y axis is logarithmic when every value
 * is positive and the values span more than a factor of 10, since losses typically fall by orders
 * of magnitude and a linear axis would flatten everything after the first steps into the floor; the
 * chart says which scale it uses above the y axis.
 */
public final class LossPlot {
  /** The smallest accepted picture width in pixels, so axes, labels and legend fit. */
  public static final int MIN_WIDTH = 240;

  /** The smallest accepted picture height in pixels. */
  public static final int MIN_HEIGHT = 160;

  private static final int LEFT = 64;
  private static final int RIGHT = 18;
  private static final int TOP = 44;
  private static final int BOTTOM = 46;
  private static final double FONT_SCALE = 0.42;
  private static final int FONT = Imgproc.FONT_HERSHEY_SIMPLEX;
  private static final Scalar WHITE = new Scalar(255, 255, 255);
  private static final Scalar INK = new Scalar(30, 30, 30);
  private static final Scalar GRID = new Scalar(225, 225, 225);

  /** Tableau 10, BGR: distinct for the usual colour-vision deficiencies and on white. */
  private static final Scalar[] PALETTE = {
    new Scalar(180, 119, 31),
    new Scalar(14, 127, 255),
    new Scalar(44, 160, 44),
    new Scalar(40, 39, 214),
    new Scalar(189, 103, 148),
    new Scalar(75, 86, 140),
    new Scalar(194, 119, 227),
    new Scalar(127, 127, 127),
    new Scalar(34, 189, 188),
    new Scalar(207, 190, 23),
  };

  private LossPlot() {}

  /**
   * One curve.
   *
   * @param name the legend label, not blank
   * @param x the abscissae, finite, at least one
   * @param y the ordinates, finite, as many as {@code x}
   */
  public record Series(String name, double[] x, double[] y) {
    /**
     * Validates the fields and copies the arrays, so later changes by the caller do not show.
     *
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public Series {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank");
      }
      if (x == null) {
        throw new IllegalArgumentException("x must not be null");
      }
      if (y == null) {
        throw new IllegalArgumentException("y must not be null");
      }
      if (x.length == 0) {
        throw new IllegalArgumentException("x must hold at least one value");
      }
      if (x.length != y.length) {
        throw new IllegalArgumentException(
            "x and y must have equal lengths, got " + x.length + " and " + y.length);
      }
      for (int i = 0; i < x.length; i++) {
        if (!Double.isFinite(x[i])) {
          throw new IllegalArgumentException("x must be finite, value " + i + " is " + x[i]);
        }
        if (!Double.isFinite(y[i])) {
          throw new IllegalArgumentException("y must be finite, value " + i + " is " + y[i]);
        }
      }
      x = x.clone();
      y = y.clone();
    }

    /** A copy of the abscissae. */
    @Override
    public double[] x() {
      return x.clone();
    }

    /** A copy of the ordinates. */
    @Override
    public double[] y() {
      return y.clone();
    }

    /** Equal when the names and the values are equal, not merely the same arrays. */
    @Override
    public boolean equals(Object o) {
      return o instanceof Series s
          && name.equals(s.name)
          && Arrays.equals(x, s.x)
          && Arrays.equals(y, s.y);
    }

    /** Consistent with {@link #equals}. */
    @Override
    public int hashCode() {
      return (name.hashCode() * 31 + Arrays.hashCode(x)) * 31 + Arrays.hashCode(y);
    }

    /** The name and the number of points. */
    @Override
    public String toString() {
      return "Series[" + name + ", " + x.length + " points]";
    }
  }

  /**
   * A chart titled "loss vs <i>xLabel</i>".
   *
   * @see #png(List, String, String, int, int)
   */
  public static byte[] png(List<Series> series, String xLabel, int width, int height) {
    return png(series, "loss vs " + xLabel, xLabel, width, height);
  }

  /**
   * A line chart of {@code series}: axes with a few tick labels, grid lines, a legend in the
   * top-right corner and a title; log-scale y when every value is positive and they span more than
   * 10×.
   *
   * @param series the curves, at least one, drawn in order with palette colours
   * @param title the title above the chart, not null
   * @param xLabel the x axis label, not null
   * @param width the picture width in pixels, at least {@link #MIN_WIDTH}
   * @param height the picture height in pixels, at least {@link #MIN_HEIGHT}
   * @return PNG bytes of a width × height BGR picture
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static byte[] png(
      List<Series> series, String title, String xLabel, int width, int height) {
    if (series == null || series.isEmpty()) {
      throw new IllegalArgumentException("series must hold at least one series");
    }
    for (int i = 0; i < series.size(); i++) {
      if (series.get(i) == null) {
        throw new IllegalArgumentException(
            "series must not contain null, element " + i + " is null");
      }
    }
    if (title == null) {
      throw new IllegalArgumentException("title must not be null");
    }
    if (xLabel == null) {
      throw new IllegalArgumentException("xLabel must not be null");
    }
    if (width < MIN_WIDTH || width > 10_000) {
      throw new IllegalArgumentException(
          "width must be in [" + MIN_WIDTH + ", 10000], got " + width);
    }
    if (height < MIN_HEIGHT || height > 10_000) {
      throw new IllegalArgumentException(
          "height must be in [" + MIN_HEIGHT + ", 10000], got " + height);
    }
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (double v : s.x) {
        xMin = Math.min(xMin, v);
        xMax = Math.max(xMax, v);
      }
    }
    double yMin = minY(series);
    double yMax = maxY(series);
    boolean log = logScale(series);
    Axis xAxis = Axis.linear(xMin, xMax, 0);
    Axis yAxis = log ? Axis.log(yMin, yMax) : Axis.linear(yMin, yMax, 0.05);

    OpenCv.load();
    Mat canvas = new Mat(height, width, CvType.CV_8UC3, WHITE);
    try {
      Frame f = new Frame(LEFT, TOP, width - RIGHT, height - BOTTOM, xAxis, yAxis);
      drawAxes(canvas, f, xLabel, log);
      for (int i = 0; i < series.size(); i++) {
        drawSeries(canvas, f, series.get(i), PALETTE[i % PALETTE.length]);
      }
      drawLegend(canvas, f, series);
      int titleW = textWidth(title, 0.55);
      putText(canvas, title, Math.max(4, (width - titleW) / 2), 20, 0.55, INK);
      return PngEncoding.encode(canvas);
    } finally {
      canvas.release();
    }
  }

  /** Whether {@link #png} draws {@code series} on a log-scale y axis. */
  static boolean logScale(List<Series> series) {
    double min = minY(series);
    return min > 0 && maxY(series) / min > 10;
  }

  private static double minY(List<Series> series) {
    return series.stream().flatMapToDouble(s -> Arrays.stream(s.y)).min().orElseThrow();
  }

  private static double maxY(List<Series> series) {
    return series.stream().flatMapToDouble(s -> Arrays.stream(s.y)).max().orElseThrow();
  }

  /** An axis: a value range, possibly in log10 space, and its tick values. */
  private record Axis(boolean log, double lo, double hi, double[] ticks) {
    static Axis linear(double min, double max, double pad) {
      double lo = min;
      double hi = max;
      if (hi - lo <= Math.max(Math.abs(lo), Math.abs(hi)) * 1e-12) {
        // A flat curve still needs a range to be drawn in: centre it.
        double half = lo == 0 ? 1 : Math.abs(lo) * 0.1;
        lo -= half;
        hi += half;
      } else {
        double margin = (hi - lo) * pad;
        lo -= margin;
        hi += margin;
      }
      double step = niceStep((hi - lo) / 5);
      List<Double> t = new ArrayList<>();
      for (double v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
        t.add(Math.abs(v) < step * 1e-9 ? 0 : v);
      }
      return new Axis(false, lo, hi, t.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static Axis log(double min, double max) {
      double lo = Math.log10(min);
      double hi = Math.log10(max);
      double margin = (hi - lo) * 0.05;
      lo -= margin;
      hi += margin;
      int first = (int) Math.ceil(lo);
      int last = (int) Math.floor(hi);
      int every = Math.max(1, (last - first + 1 + 5) / 6);
      List<Double> t = new ArrayList<>();
      for (int e = first; e <= last; e += every) {
        t.add(Math.pow(10, e));
      }
      if (t.size() < 3) {
        // Barely more than a decade: 2× and 5× marks keep the axis readable.
        t.clear();
        for (int e = first - 1; e <= last; e++) {
          for (int m : new int[] {1, 2, 5}) {
            double v = m * Math.pow(10, e);
            if (Math.log10(v) >= lo && Math.log10(v) <= hi) {
              t.add(v);
            }
          }
        }
      }
      return new Axis(true, lo, hi, t.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The value's position along the axis, 0 at lo and 1 at hi. */
    double fraction(double v) {
      double p = log ? Math.log10(v) : v;
      return (p - lo) / (hi - lo);
    }
  }

  /** The plot area in pixels and its axes. */
  private record Frame(int left, int top, int right, int bottom, Axis x, Axis y) {
    double px(double v) {
      return left + x.fraction(v) * (right - left);
    }

    double py(double v) {
      return bottom - y.fraction(v) * (bottom - top);
    }
  }

  /** 1, 2 or 5 times a power of ten, the nearest above {@code raw}, so tick labels stay short. */
  private static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / magnitude;
    double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    return nice * magnitude;
  }

  static String format(double v) {
    double a = Math.abs(v);
    if (a == 0) {
      return "0";
    }
    if (a >= 1e5 || a < 1e-3) {
      String s = String.format(Locale.ROOT, "%.1e", v);
      int e = s.indexOf('e');
      String mantissa = s.substring(0, e).replace(".0", "");
      int exponent = Integer.parseInt(s.substring(e + 1));
      return mantissa + "e" + exponent;
    }
    return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }

  private static void drawAxes(Mat canvas, Frame f, String xLabel, boolean log) {
    for (double t : f.x().ticks()) {
      int x = (int) Math.round(f.px(t));
      Imgproc.line(canvas, new Point(x, f.top()), new Point(x, f.bottom()), GRID, 1);
      Imgproc.line(canvas, new Point(x, f.bottom()), new Point(x, f.bottom() + 4), INK, 1);
      String label = format(t);
      putText(canvas, label, x - textWidth(label, FONT_SCALE) / 2, f.bottom() + 18, INK);
    }
    for (double t : f.y().ticks()) {
      int y = (int) Math.round(f.py(t));
      Imgproc.line(canvas, new Point(f.left(), y), new Point(f.right(), y), GRID, 1);
      Imgproc.line(canvas, new Point(f.left() - 4, y), new Point(f.left(), y), INK, 1);
      String label = format(t);
      putText(canvas, label, f.left() - 7 - textWidth(label, FONT_SCALE), y + 5, INK);
    }
    Imgproc.rectangle(
        canvas, new Point(f.left(), f.top()), new Point(f.right(), f.bottom()), INK, 1);
    int labelW = textWidth(xLabel, FONT_SCALE);
    putText(canvas, xLabel, (f.left() + f.right() - labelW) / 2, f.bottom() + 38, INK);
    putText(canvas, log ? "y: log scale" : "y: linear scale", 6, f.top() - 8, INK);
  }

  private static void drawSeries(Mat canvas, Frame f, Series s, Scalar colour) {
    if (s.x.length == 1) {
      Imgproc.circle(canvas, new Point(f.px(s.x[0]), f.py(s.y[0])), 3, colour, -1, Imgproc.LINE_AA);
      return;
    }
    for (int i = 1; i < s.x.length; i++) {
      Imgproc.line(
          canvas,
          new Point(f.px(s.x[i - 1]), f.py(s.y[i - 1])),
          new Point(f.px(s.x[i]), f.py(s.y[i])),
          colour,
          2,
          Imgproc.LINE_AA);
    }
  }

  private static void drawLegend(Mat canvas, Frame f, List<Series> series) {
    int lineH = 18;
    int swatch = 22;
    int textW = 0;
    for (Series s : series) {
      textW = Math.max(textW, textWidth(s.name, FONT_SCALE));
    }
    int boxW = 8 + swatch + 6 + textW + 8;
    int boxH = 6 + lineH * series.size();
    int x0 = f.right() - 8 - boxW;
    int y0 = f.top() + 8;
    Imgproc.rectangle(canvas, new Point(x0, y0), new Point(x0 + boxW, y0 + boxH), WHITE, -1);
    Imgproc.rectangle(canvas, new Point(x0, y0), new Point(x0 + boxW, y0 + boxH), GRID, 1);
    for (int i = 0; i < series.size(); i++) {
      int y = y0 + 3 + lineH * i + lineH / 2;
      Scalar colour = PALETTE[i % PALETTE.length];
      Imgproc.line(
          canvas, new Point(x0 + 8, y), new Point(x0 + 8 + swatch, y), colour, 2, Imgproc.LINE_AA);
      putText(canvas, series.get(i).name, x0 + 8 + swatch + 6, y + 5, INK);
    }
  }

  /** The width in pixels of {@code text} in the charts' font; the other pictures share it. */
  static int textWidth(String text, double scale) {
    int[] baseline = new int[1];
    return (int) Imgproc.getTextSize(text, FONT, scale, 1, baseline).width;
  }

  private static void putText(Mat canvas, String text, int x, int y, Scalar colour) {
    putText(canvas, text, x, y, FONT_SCALE, colour);
  }

  /** Draws {@code text} with its baseline starting at (x, y), in the charts' font. */
  static void putText(Mat canvas, String text, int x, int y, double scale, Scalar colour) {
    Imgproc.putText(canvas, text, new Point(x, y), FONT, scale, colour, 1, Imgproc.LINE_AA);
  }
}
