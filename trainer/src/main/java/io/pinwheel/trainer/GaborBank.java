package io.pinwheel.trainer;

import io.pinwheel.extractor.model.FloatTensor;
import java.util.Arrays;

/**
 * A bank of oriented Gabor filters, each zero-mean with unit L2 norm.
 *
 * <p>Filter {@code k} has orientation {@code o}, wavelength {@code w} and phase {@code p} with
 * {@code k = (o * wavelengths + w) * phases + p}. The filter is
 *
 * <pre>
 * g(y, x) = exp(-(x² + y²) / (2σ²)) · cos(2π (x cos θ + y sin θ) / λ + φ),   θ = o·π/O,  φ = p·2π/P
 * </pre>
 *
 * <p>with (y, x) measured from the kernel centre, followed by subtracting its mean and dividing by
 * its L2 norm. Zero mean makes the response blind to the local brightness that contrast
 * normalization leaves behind; unit norm makes every filter's response to white input of unit
 * variance have unit variance, so one bias and one threshold suit all of them.
 *
 * <p>This order puts the phases of one orientation and wavelength on consecutive maps: with the
 * {@linkplain #standard standard} four phases, a block of four maps is two quadrature pairs and its
 * L2 pool after ReLU is the classic phase-invariant energy of a complex cell. Laid row-major on a
 * grid with {@code phases * wavelengths} columns, each row is one orientation, and since
 * orientation wraps with period π, neighbouring rows on the torus are neighbouring orientations.
 */
public final class GaborBank {
  /** Phases in the standard bank: 0, π/2, π, 3π/2. */
  public static final int STANDARD_PHASES = 4;

  /** Wavelengths in the standard bank: 4k/9 and 8k/9 pixels (4 and 8 for a 9×9 kernel). */
  public static final int STANDARD_WAVELENGTHS = 2;

  /** Maps per orientation in the standard bank, and the column count of its grid layout. */
  public static final int STANDARD_MAPS_PER_ORIENTATION = STANDARD_PHASES * STANDARD_WAVELENGTHS;

  /** The smallest kernel side: below it the short wavelength would pass the Nyquist limit. */
  public static final int MIN_SIZE = 5;

  private final int orientations;
  private final int phases;
  private final double[] wavelengths;
  private final double sigma;
  private final int size;
  private final int channels;
  private final float[][] filters;

  private GaborBank(
      int orientations, int phases, double[] wavelengths, double sigma, int size, int channels) {
    this.orientations = orientations;
    this.phases = phases;
    this.wavelengths = wavelengths;
    this.sigma = sigma;
    this.size = size;
    this.channels = channels;
    this.filters = new float[orientations * wavelengths.length * phases][];
    for (int k = 0; k < filters.length; k++) {
      filters[k] = makeFilter(k);
    }
  }

  /**
   * The standard bank: {@code filters / 8} orientations × 4 phases × 2 wavelengths (4k/9 and 8k/9
   * pixels), envelope σ = k/4 so the Gaussian has fallen to about e^-2 at the kernel's edge. The
   * default 64 filters of 9×9 give 8 orientations 22.5° apart, wavelengths 4 and 8, σ = 2.25.
   *
   * @param filters the number of filters K, a positive multiple of 8
   * @param size the kernel side k, at least {@link #MIN_SIZE}
   * @param channels the input channels C the weights are replicated over (1 or 3)
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static GaborBank standard(int filters, int size, int channels) {
    if (filters < STANDARD_MAPS_PER_ORIENTATION || filters % STANDARD_MAPS_PER_ORIENTATION != 0) {
      throw new IllegalArgumentException(
          "filters must be a positive multiple of "
              + STANDARD_MAPS_PER_ORIENTATION
              + " (orientations x "
              + STANDARD_PHASES
              + " phases x "
              + STANDARD_WAVELENGTHS
              + " wavelengths), got "
              + filters);
    }
    checkSize(size);
    return of(
        filters / STANDARD_MAPS_PER_ORIENTATION,
        STANDARD_PHASES,
        new double[] {size * 4.0 / 9, size * 8.0 / 9},
        size / 4.0,
        size,
        channels);
  }

  /**
   * A bank with explicit parameters.
   *
   * @param orientations the number of orientations O, evenly spaced over [0, π)
   * @param phases the number of phases P, evenly spaced over [0, 2π)
   * @param wavelengths the wavelengths λ in pixels, each at least 2 (the Nyquist limit)
   * @param sigma the Gaussian envelope's standard deviation in pixels, positive
   * @param size the kernel side k, at least {@link #MIN_SIZE}
   * @param channels the input channels C (1 or 3); each channel gets the filter divided by C, so a
   *     gray image replicated over C channels gives the same response as over one
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static GaborBank of(
      int orientations, int phases, double[] wavelengths, double sigma, int size, int channels) {
    if (orientations < 1) {
      throw new IllegalArgumentException("orientations must be >= 1, got " + orientations);
    }
    if (phases < 1) {
      throw new IllegalArgumentException("phases must be >= 1, got " + phases);
    }
    if (wavelengths.length == 0) {
      throw new IllegalArgumentException("wavelengths must not be empty");
    }
    for (double lambda : wavelengths) {
      if (!(lambda >= 2) || !Double.isFinite(lambda)) {
        throw new IllegalArgumentException(
            "wavelengths must be finite and >= 2 pixels, got " + Arrays.toString(wavelengths));
      }
    }
    if (!(sigma > 0) || !Double.isFinite(sigma)) {
      throw new IllegalArgumentException("sigma must be finite and > 0, got " + sigma);
    }
    checkSize(size);
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
    }
    return new GaborBank(orientations, phases, wavelengths.clone(), sigma, size, channels);
  }

  private static void checkSize(int size) {
    if (size < MIN_SIZE) {
      throw new IllegalArgumentException("size must be >= " + MIN_SIZE + ", got " + size);
    }
  }

  private float[] makeFilter(int k) {
    double[] g =
        patch(
            size,
            orientationOf(k) * Math.PI / orientations,
            wavelengths[wavelengthOf(k)],
            sigma,
            phaseOf(k) * 2 * Math.PI / phases);
    if (g == null) {
      // Happens only for wavelengths far longer than the kernel: the filter is almost constant.
      throw new IllegalArgumentException(
          "filter " + k + " vanishes after removing its mean; use a shorter wavelength or sigma");
    }
    float[] f = new float[g.length];
    for (int i = 0; i < g.length; i++) {
      f[i] = (float) g[i];
    }
    return f;
  }

  /**
   * One Gabor patch, size × size row-major: cos(2π u / λ + φ)·exp(−ρ² / (2σ²)), u the offset from
   * the centre along (cos θ, sin θ) in image coordinates (x right, y down), ρ the distance from the
   * centre; then made zero-mean and unit-norm.
   *
   * @param theta the wave vector's angle in radians
   * @param wavelength λ in pixels
   * @param sigma the envelope's standard deviation in pixels
   * @param phase φ in radians
   * @return the patch, or null when nothing is left of it after removing its mean (a wavelength far
   *     longer than the kernel)
   */
  public static double[] patch(
      int size, double theta, double wavelength, double sigma, double phase) {
    double centre = (size - 1) / 2.0;
    double[] g = new double[size * size];
    double sum = 0;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double dy = y - centre;
        double dx = x - centre;
        double u = dx * Math.cos(theta) + dy * Math.sin(theta);
        double v =
            Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))
                * Math.cos(2 * Math.PI * u / wavelength + phase);
        g[y * size + x] = v;
        sum += v;
      }
    }
    double mean = sum / g.length;
    double norm2 = 0;
    for (int i = 0; i < g.length; i++) {
      g[i] -= mean;
      norm2 += g[i] * g[i];
    }
    double norm = Math.sqrt(norm2);
    if (!(norm > 1e-9)) {
      return null;
    }
    for (int i = 0; i < g.length; i++) {
      g[i] /= norm;
    }
    return g;
  }

  /** The number of filters K = orientations × wavelengths × phases. */
  public int filterCount() {
    return filters.length;
  }

  /** The number of orientations O. */
  public int orientations() {
    return orientations;
  }

  /** The number of phases P. */
  public int phases() {
    return phases;
  }

  /** A copy of the wavelengths in pixels. */
  public double[] wavelengths() {
    return wavelengths.clone();
  }

  /** The envelope's standard deviation in pixels. */
  public double sigma() {
    return sigma;
  }

  /** The kernel side k. */
  public int size() {
    return size;
  }

  /** The input channels C. */
  public int channels() {
    return channels;
  }

  /** The orientation index of filter {@code k}, in [0, O). */
  public int orientationOf(int k) {
    return k / (phases * wavelengths.length);
  }

  /** The wavelength index of filter {@code k}, in [0, wavelengths). */
  public int wavelengthOf(int k) {
    return k / phases % wavelengths.length;
  }

  /** The phase index of filter {@code k}, in [0, P). */
  public int phaseOf(int k) {
    return k % phases;
  }

  /** A copy of filter {@code k}'s k×k values, row-major, before any division by channels. */
  public float[] filter(int k) {
    return filters[k].clone();
  }

  /**
   * The conv weights [K, C, k, k]: every channel holds the filter divided by C, so a filter's
   * response to a gray image replicated over the channels is its single-channel response.
   */
  public FloatTensor weights() {
    int plane = size * size;
    float[] w = new float[filters.length * channels * plane];
    for (int k = 0; k < filters.length; k++) {
      for (int c = 0; c < channels; c++) {
        int base = (k * channels + c) * plane;
        for (int i = 0; i < plane; i++) {
          w[base + i] = filters[k][i] / channels;
        }
      }
    }
    return FloatTensor.of(new int[] {filters.length, channels, size, size}, w);
  }
}
