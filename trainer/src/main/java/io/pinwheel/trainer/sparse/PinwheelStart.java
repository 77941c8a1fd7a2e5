package io.pinwheel.trainer.sparse;

import io.pinwheel.trainer.GaborBank;
import java.util.SplittableRandom;

/**
 * A start for topographic training whose orientation map already has pinwheels: each filter is a
 * Gabor patch whose orientation is given by its place on the rows × cols torus, so that the map is
 * a square lattice of 4F² pinwheels of alternating sign (F periods along each side of the torus),
 * with wavelength Λ = side / F.
 *
 * <p>The map of cell (r, c) is θ = arg(sin(2πF(c + ½)/cols) + i·sin(2πF(r + ½)/rows)) / 2: the
 * complex field has a simple zero inside every plaquette where both sines change sign, each a
 * pinwheel around which orientation turns by ±180°, and is smooth elsewhere. The filter of cell (r,
 * c) is cos(2π u / w + φ)·exp(−ρ² / (2s²)), u the offset from the kernel's centre along the wave
 * vector (cos θ, sin θ) in image coordinates (x right, y down, as {@link
 * io.pinwheel.trainer.viz.OrientationMap} reads orientation), ρ the distance from the centre, w =
 * 4k/9 pixels (the shorter wavelength of {@link GaborBank#standard}), s = k/4 and φ a random phase
 * ({@link GaborBank#patch}): pools over neighbouring maps then hold one orientation at several
 * phases. Every channel gets the same plane; the filter is made zero-mean and unit-norm over its
 * channels, as the data patches of the usual start are.
 *
 * <p>Training then moves the filters as it likes: the lattice is where the map starts, not a
 * constraint.
 */
final class PinwheelStart {
  private PinwheelStart() {}

  /**
   * The lattice orientation of cell (r, c) of the rows × cols torus, in [0, π).
   *
   * @param periods F, positive
   */
  static double orientation(int r, int c, int rows, int cols, int periods) {
    double x = Math.sin(2 * Math.PI * periods * (c + 0.5) / cols);
    double y = Math.sin(2 * Math.PI * periods * (r + 0.5) / rows);
    double theta = Math.atan2(y, x) / 2;
    return theta < 0 ? theta + Math.PI : theta;
  }

  /**
   * Overwrites the rows·cols filters of {@code encoder} ([rows·cols, channels, kernel, kernel],
   * maps row-major on the torus) with the lattice's Gabor patches.
   *
   * @param periods F, positive, with 4F at most rows and cols (at least four cells a period)
   * @param seed draws the phases
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  static void fill(
      float[] encoder, int rows, int cols, int periods, int kernel, int channels, long seed) {
    if (periods < 1 || 4 * periods > Math.min(rows, cols)) {
      throw new IllegalArgumentException(
          "periods must be between 1 and a quarter of the torus side ("
              + Math.min(rows, cols)
              + "), got "
              + periods);
    }
    int plane = kernel * kernel;
    if (encoder.length != rows * cols * channels * plane) {
      throw new IllegalArgumentException(
          "encoder must hold rows x cols x channels x kernel x kernel = "
              + rows * cols * channels * plane
              + " values, got "
              + encoder.length);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    double wavelength = 4.0 * kernel / 9;
    double scale = 1 / Math.sqrt(channels);
    for (int m = 0; m < rows * cols; m++) {
      double theta = orientation(m / cols, m % cols, rows, cols, periods);
      double[] v =
          GaborBank.patch(kernel, theta, wavelength, kernel / 4.0, 2 * Math.PI * rnd.nextDouble());
      for (int ch = 0; ch < channels; ch++) {
        int base = (m * channels + ch) * plane;
        for (int i = 0; i < plane; i++) {
          encoder[base + i] = (float) (v[i] * scale);
        }
      }
    }
  }
}
