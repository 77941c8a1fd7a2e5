package io.pinwheel.trainer.viz;

import io.pinwheel.extractor.model.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Each filter's preferred orientation and how selective it is for it, the orientation map these
 * make on the topographic torus, its pinwheels and its smoothness.
 *
 * <p><b>Estimating orientation.</b> A filter's channels are averaged to one kh × kw plane, its mean
 * is removed (the DC term has no direction), and the plane is zero-padded to an N × N discrete
 * Fourier transform, N = max(32, 2·max(kh, kw)); padding samples the spectrum finely enough that a
 * small kernel's few frequencies do not bias the angle. Each frequency (fx, fy) ≠ 0 with power P
 * votes with weight P for its doubled angle 2θ, θ = atan2(fy, fx): doubling makes a frequency and
 * its conjugate mirror (θ + π) agree, since orientation has period π. Then
 *
 * <pre>
 * selectivity = |Σ P e^{2iθ}| / Σ P        orientation = arg(Σ P e^{2iθ}) / 2  in [0, π)
 * </pre>
 *
 * <p>A grating puts all its power at one angle (selectivity near 1); an isotropic blob spreads it
 * evenly so the votes cancel (near 0). The square frequency grid is symmetric under 90° rotation,
 * which flips the sign of e^{2iθ}, so the grid itself adds no bias; at the Nyquist row and column,
 * where +N/2 and −N/2 are one frequency, the two angles are averaged for the same reason.
 *
 * <p>Orientation is the direction of the dominant wave vector in image coordinates (x to the right,
 * y downward), the θ of {@link io.pinwheel.trainer.GaborBank}; the filter's stripes run
 * perpendicular to it, at orientation + π/2.
 *
 * <p><b>Pinwheels.</b> On the rows × cols torus (map {@code j} at row {@code j / cols}, column
 * {@code j % cols}) each 2 × 2 plaquette of neighbouring cells (r, c), (r, c+1), (r+1, c+1), (r+1,
 * c), indices wrapping, is walked in that order, summing the steps of the doubled orientation each
 * wrapped to (−π, π]. The sum is 2π·n for an integer winding n: nonzero n marks an orientation
 * singularity, a pinwheel around which orientation turns by n·π. On a torus the windings sum to
 * zero, so pinwheels come in pairs of opposite sign.
 *
 * <p><b>Wavelength and pinwheel density.</b> The map's dominant wavelength Λ comes from the power
 * spectrum of z = e^{2iθ} over the torus: the discrete Fourier transform of z on the rows × cols
 * grid, power |Z(u, v)|² at spatial frequency f = √((u/cols)² + (v/rows)²) cycles per cell (u, v
 * signed, the DC term left out). Frequencies are binned by f in steps of 1/max(rows, cols) (one
 * cycle per torus side); the bin with the most power is the peak, and f̄ is the power-weighted mean
 * frequency over the peak bin and its two neighbours, so harmonics far from the peak (which a unit
 * modulus field has around its pinwheels) do not pull it. Λ = 1/f̄ cells. The pinwheel density is
 * pinwheels per Λ², pinwheels·Λ²/(rows·cols): the number of pinwheels per hypercolumn, which
 * Kaschube et al. (Science 2010) found to be close to π in the visual cortex of tree shrews,
 * galagos, ferrets and cats.
 *
 * <p>{@link OrientationPicture} draws the map.
 */
public final class OrientationMap {
  private static final int MIN_DFT = 32;

  private OrientationMap() {}

  /**
   * One filter's orientation tuning.
   *
   * @param orientation the preferred orientation in radians, in [0, π)
   * @param selectivity how much of the filter's power lies at that orientation, in [0, 1]
   */
  public record Tuning(double orientation, double selectivity) {
    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public Tuning {
      if (!(orientation >= 0 && orientation < Math.PI)) {
        throw new IllegalArgumentException("orientation must be in [0, pi), got " + orientation);
      }
      if (!(selectivity >= 0 && selectivity <= 1)) {
        throw new IllegalArgumentException("selectivity must be in [0, 1], got " + selectivity);
      }
    }
  }

  /**
   * An orientation singularity: the plaquette whose top-left cell is (row, col) and whose other
   * cells are (row, col+1), (row+1, col+1), (row+1, col), wrapping.
   *
   * @param row the plaquette's top row, in [0, rows)
   * @param col the plaquette's left column, in [0, cols)
   * @param winding the doubled orientation's winding number walking the plaquette in that order:
   *     positive when orientation increases, nonzero
   */
  public record Pinwheel(int row, int col, int winding) {
    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the field that is out of range
     */
    public Pinwheel {
      if (row < 0) {
        throw new IllegalArgumentException("row must be >= 0, got " + row);
      }
      if (col < 0) {
        throw new IllegalArgumentException("col must be >= 0, got " + col);
      }
      if (winding == 0) {
        throw new IllegalArgumentException("winding must be nonzero");
      }
    }
  }

  /**
   * The orientation tuning of one filter plane, estimated from its power spectrum as described in
   * the class documentation.
   *
   * @param plane the filter's values, row-major, {@code height·width} of them, all finite
   * @param height the plane's height kh, positive
   * @param width the plane's width kw, positive
   * @return its tuning; a constant plane, which has no direction, gets orientation 0 and
   *     selectivity 0
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static Tuning tuning(float[] plane, int height, int width) {
    if (height < 1) {
      throw new IllegalArgumentException("height must be >= 1, got " + height);
    }
    if (width < 1) {
      throw new IllegalArgumentException("width must be >= 1, got " + width);
    }
    if (plane == null || plane.length != height * width) {
      throw new IllegalArgumentException(
          "plane must hold height x width = "
              + height * width
              + " values, got "
              + (plane == null ? "null" : plane.length));
    }
    double[] p = new double[plane.length];
    for (int i = 0; i < p.length; i++) {
      if (!Float.isFinite(plane[i])) {
        throw new IllegalArgumentException("plane must be finite, value " + i + " is " + plane[i]);
      }
      p[i] = plane[i];
    }
    return estimate(p, height, width);
  }

  /**
   * The orientation tuning of every filter in a conv weight tensor, channels averaged.
   *
   * @param weights conv weights [K, C, kh, kw], all finite
   * @return K tunings, filter order
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static List<Tuning> tunings(FloatTensor weights) {
    FilterMosaic.checkWeights(weights);
    int k = weights.dim(0);
    int c = weights.dim(1);
    int kh = weights.dim(2);
    int kw = weights.dim(3);
    int plane = kh * kw;
    float[] w = weights.toArray();
    List<Tuning> out = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      double[] p = new double[plane];
      for (int ch = 0; ch < c; ch++) {
        int base = (j * c + ch) * plane;
        for (int i = 0; i < plane; i++) {
          p[i] += w[base + i] / (double) c;
        }
      }
      out.add(estimate(p, kh, kw));
    }
    return List.copyOf(out);
  }

  /**
   * The orientations of {@code tunings}, in order, for {@link OrientationPicture} and {@link
   * #pinwheels}.
   */
  public static double[] orientations(List<Tuning> tunings) {
    return tunings.stream().mapToDouble(Tuning::orientation).toArray();
  }

  /** The selectivities of {@code tunings}, in order, for {@link OrientationPicture}. */
  public static double[] selectivities(List<Tuning> tunings) {
    return tunings.stream().mapToDouble(Tuning::selectivity).toArray();
  }

  private static Tuning estimate(double[] p, int h, int w) {
    double mean = 0;
    for (double v : p) {
      mean += v;
    }
    mean /= p.length;
    for (int i = 0; i < p.length; i++) {
      p[i] -= mean;
    }
    int n = Math.max(MIN_DFT, 2 * Math.max(h, w));
    double[] cos = new double[n];
    double[] sin = new double[n];
    for (int i = 0; i < n; i++) {
      cos[i] = Math.cos(2 * Math.PI * i / n);
      sin[i] = Math.sin(2 * Math.PI * i / n);
    }
    // Separable DFT: rows first (h × n), then columns, so the cost is n·h·(w + n), not n²·h·w.
    double[] rowRe = new double[h * n];
    double[] rowIm = new double[h * n];
    for (int y = 0; y < h; y++) {
      for (int u = 0; u < n; u++) {
        double re = 0;
        double im = 0;
        for (int x = 0; x < w; x++) {
          int t = (u * x) % n;
          re += p[y * w + x] * cos[t];
          im -= p[y * w + x] * sin[t];
        }
        rowRe[y * n + u] = re;
        rowIm[y * n + u] = im;
      }
    }
    double total = 0;
    double sumCos = 0;
    double sumSin = 0;
    for (int v = 0; v < n; v++) {
      int fy = v <= n / 2 ? v : v - n;
      for (int u = 0; u < n; u++) {
        int fx = u <= n / 2 ? u : u - n;
        if (fx == 0 && fy == 0) {
          continue;
        }
        double re = 0;
        double im = 0;
        for (int y = 0; y < h; y++) {
          int t = (v * y) % n;
          double a = rowRe[y * n + u];
          double b = rowIm[y * n + u];
          re += a * cos[t] + b * sin[t];
          im += b * cos[t] - a * sin[t];
        }
        double power = re * re + im * im;
        double r2 = (double) fx * fx + (double) fy * fy;
        double c2 = (fx * (double) fx - fy * (double) fy) / r2;
        double s2 = 2.0 * fx * fy / r2;
        if (2 * Math.abs(fx) == n || 2 * Math.abs(fy) == n) {
          // ±N/2 is one frequency; its two doubled angles differ only in the sign of the sine.
          s2 = 0;
        }
        total += power;
        sumCos += power * c2;
        sumSin += power * s2;
      }
    }
    if (!(total > 1e-30)) {
      return new Tuning(0, 0);
    }
    double selectivity = Math.min(1, Math.hypot(sumCos, sumSin) / total);
    double orientation = Math.atan2(sumSin, sumCos) / 2;
    if (orientation < 0) {
      orientation += Math.PI;
    }
    if (orientation >= Math.PI) {
      orientation = 0;
    }
    return new Tuning(orientation, selectivity);
  }

  /**
   * The orientation singularities of a map on the rows × cols torus, one per plaquette with nonzero
   * winding, in row-major plaquette order. A torus less than 2 cells high or wide has no
   * plaquettes, hence none.
   *
   * @param orientation rows·cols finite orientations in radians, row-major; read modulo π
   * @param rows the torus height, positive
   * @param cols the torus width, positive
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static List<Pinwheel> findPinwheels(double[] orientation, int rows, int cols) {
    checkMap(orientation, rows, cols);
    List<Pinwheel> out = new ArrayList<>();
    if (rows < 2 || cols < 2) {
      return out;
    }
    for (int r = 0; r < rows; r++) {
      int r1 = (r + 1) % rows;
      for (int c = 0; c < cols; c++) {
        int c1 = (c + 1) % cols;
        double a = orientation[r * cols + c];
        double b = orientation[r * cols + c1];
        double d = orientation[r1 * cols + c1];
        double e = orientation[r1 * cols + c];
        double sum = doubledStep(a, b) + doubledStep(b, d) + doubledStep(d, e) + doubledStep(e, a);
        int winding = (int) Math.round(sum / (2 * Math.PI));
        if (winding != 0) {
          out.add(new Pinwheel(r, c, winding));
        }
      }
    }
    return out;
  }

  /**
   * The number of orientation singularities on the rows × cols torus: plaquettes with nonzero
   * winding, of either sign. See {@link #findPinwheels} for the signs and places.
   *
   * @param orientation rows·cols finite orientations in radians, row-major; read modulo π
   * @param rows the torus height, positive
   * @param cols the torus width, positive
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static int pinwheels(double[] orientation, int rows, int cols) {
    return findPinwheels(orientation, rows, cols).size();
  }

  /**
   * The mean absolute orientation difference between neighbouring cells of the torus (right and
   * down neighbours, wrapping; differences taken modulo π, so at most 90°), in degrees. Uniformly
   * random orientations give about 45°; a smooth map much less. A dimension of size 1 contributes
   * no pairs; a 1 × 1 map has none and scores 0.
   *
   * @param orientation rows·cols finite orientations in radians, row-major; read modulo π
   * @param rows the torus height, positive
   * @param cols the torus width, positive
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static double meanNeighbourDifferenceDegrees(double[] orientation, int rows, int cols) {
    checkMap(orientation, rows, cols);
    double sum = 0;
    long pairs = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double a = orientation[r * cols + c];
        if (cols > 1) {
          sum += Math.abs(doubledStep(a, orientation[r * cols + (c + 1) % cols])) / 2;
          pairs++;
        }
        if (rows > 1) {
          sum += Math.abs(doubledStep(a, orientation[((r + 1) % rows) * cols + c])) / 2;
          pairs++;
        }
      }
    }
    return pairs == 0 ? 0 : Math.toDegrees(sum / pairs);
  }

  /**
   * The map's dominant wavelength Λ in cells, from the power spectrum of e^{2iθ} over the torus as
   * described in the class documentation.
   *
   * @param orientation rows·cols finite orientations in radians, row-major; read modulo π
   * @param rows the torus height, positive
   * @param cols the torus width, positive
   * @return Λ in cells; empty when the map has no power away from the DC term (a uniform map)
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static OptionalDouble dominantWavelength(double[] orientation, int rows, int cols) {
    checkMap(orientation, rows, cols);
    int side = Math.max(rows, cols);
    double[] power = new double[rows * cols];
    double[] frequency = new double[rows * cols];
    double[] binPower = new double[side + 1];
    for (int v = 0; v < rows; v++) {
      int fv = v <= rows / 2 ? v : v - rows;
      for (int u = 0; u < cols; u++) {
        int fu = u <= cols / 2 ? u : u - cols;
        if (fu == 0 && fv == 0) {
          continue;
        }
        double re = 0;
        double im = 0;
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            double phase =
                2 * orientation[r * cols + c]
                    - 2 * Math.PI * ((double) u * c / cols + (double) v * r / rows);
            re += Math.cos(phase);
            im += Math.sin(phase);
          }
        }
        int i = v * cols + u;
        power[i] = re * re + im * im;
        frequency[i] = Math.hypot((double) fu / cols, (double) fv / rows);
        binPower[bin(frequency[i], side)] += power[i];
      }
    }
    int peak = 1;
    for (int b = 1; b < binPower.length; b++) {
      if (binPower[b] > binPower[peak]) {
        peak = b;
      }
    }
    // Relative to the total: rounding leaves about 1e-13 of a uniform map's power off DC.
    double total = 0;
    for (double p : power) {
      total += p;
    }
    double offDcShare = total / ((double) rows * cols * rows * cols);
    if (!(offDcShare > 1e-9)) {
      return OptionalDouble.empty();
    }
    double weight = 0;
    double sum = 0;
    for (int i = 0; i < power.length; i++) {
      if (power[i] > 0 && Math.abs(bin(frequency[i], side) - peak) <= 1) {
        weight += power[i];
        sum += power[i] * frequency[i];
      }
    }
    return OptionalDouble.of(weight / sum);
  }

  /**
   * Pinwheels per hypercolumn: pinwheels·Λ²/(rows·cols), the count per area Λ² of the torus.
   *
   * @param pinwheels the number of pinwheels on the torus, at least 0
   * @param wavelength the map's dominant wavelength Λ in cells, positive and finite
   * @param rows the torus height, positive
   * @param cols the torus width, positive
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static double pinwheelDensity(int pinwheels, double wavelength, int rows, int cols) {
    if (pinwheels < 0) {
      throw new IllegalArgumentException("pinwheels must be >= 0, got " + pinwheels);
    }
    if (!(wavelength > 0) || !Double.isFinite(wavelength)) {
      throw new IllegalArgumentException(
          "wavelength must be positive and finite, got " + wavelength);
    }
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException("rows and cols must be >= 1, got " + rows + " x " + cols);
    }
    return pinwheels * wavelength * wavelength / ((double) rows * cols);
  }

  private static int bin(double frequency, int side) {
    return Math.min(side, (int) Math.round(frequency * side));
  }

  /** The step from orientation a to b, doubled and wrapped to (−π, π]. */
  private static double doubledStep(double a, double b) {
    double d = Math.IEEEremainder(2 * (b - a), 2 * Math.PI);
    return d <= -Math.PI ? d + 2 * Math.PI : d;
  }

  static void checkMap(double[] orientation, int rows, int cols) {
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be >= 1, got " + rows);
    }
    if (cols < 1) {
      throw new IllegalArgumentException("cols must be >= 1, got " + cols);
    }
    if (orientation == null || orientation.length != (long) rows * cols) {
      throw new IllegalArgumentException(
          "orientation must hold rows x cols = "
              + (long) rows * cols
              + " values, got "
              + (orientation == null ? "null" : orientation.length));
    }
    for (int i = 0; i < orientation.length; i++) {
      if (!Double.isFinite(orientation[i])) {
        throw new IllegalArgumentException(
            "orientation must be finite, value " + i + " is " + orientation[i]);
      }
    }
  }

  /**
   * Draws the map: {@link OrientationPicture#png(double[], double[], int, int, int)}, for the
   * training job, which calls it here.
   */
  public static byte[] png(
      double[] orientation, double[] selectivity, int rows, int cols, int scale) {
    return OrientationPicture.png(orientation, selectivity, rows, cols, scale);
  }
}
