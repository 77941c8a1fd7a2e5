package io.pinwheel.trainer.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.trainer.GaborBank;
import io.pinwheel.trainer.viz.OrientationMap.Pinwheel;
import io.pinwheel.trainer.viz.OrientationMap.Tuning;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OrientationMapTest {
  private static final int SIDE = 32;

  /** Orientation difference modulo π, in degrees, in [0, 90]. */
  private static double degreesApart(double a, double b) {
    double d = Math.abs(Math.IEEEremainder(a - b, Math.PI));
    return Math.toDegrees(d);
  }

  /**
   * A +1 vortex of doubled orientation at the centre of plaquette (15, 12) and a −1 vortex at
   * plaquette (15, 19): the angle around the first minus the angle around the second, halved. Close
   * together on a large torus, their field is nearly flat at the wrapping seams.
   */
  private static double[] vortexPair() {
    double[] o = new double[SIDE * SIDE];
    for (int r = 0; r < SIDE; r++) {
      for (int c = 0; c < SIDE; c++) {
        double phi = Math.atan2(r - 15.5, c - 12.5) - Math.atan2(r - 15.5, c - 19.5);
        o[r * SIDE + c] = phi / 2;
      }
    }
    return o;
  }

  private static double[] isotropicBlob(int size, double sigma) {
    double[] b = new double[size * size];
    double centre = (size - 1) / 2.0;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double r2 = (x - centre) * (x - centre) + (y - centre) * (y - centre);
        b[y * size + x] = Math.exp(-r2 / (2 * sigma * sigma));
      }
    }
    return b;
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  @Test
  void shouldRecoverTheOrientationOfGaborFiltersWithinOneDegree() {
    GaborBank bank = GaborBank.of(16, 4, new double[] {4}, 2.5, 11, 1);

    for (int k = 0; k < bank.filterCount(); k++) {
      Tuning t = OrientationMap.tuning(bank.filter(k), 11, 11);
      double expected = bank.orientationOf(k) * Math.PI / bank.orientations();
      assertThat(degreesApart(t.orientation(), expected)).as("filter %d", k).isLessThan(1);
    }
  }

  @Test
  void shouldRecoverTheOrientationsOfTheStandardColourBankWithinThreeDegrees() {
    GaborBank bank = GaborBank.standard(64, 9, 3);

    List<Tuning> tunings = OrientationMap.tunings(bank.weights());

    for (int k = 0; k < bank.filterCount(); k++) {
      double expected = bank.orientationOf(k) * Math.PI / bank.orientations();
      assertThat(degreesApart(tunings.get(k).orientation(), expected))
          .as("filter %d", k)
          .isLessThan(3);
    }
  }

  @Test
  void shouldFindAGratingHighlySelective() {
    GaborBank bank = GaborBank.of(1, 1, new double[] {4}, 3, 15, 1);

    Tuning t = OrientationMap.tuning(bank.filter(0), 15, 15);

    assertThat(t.selectivity()).isGreaterThan(0.8);
  }

  @Test
  void shouldFindAnIsotropicBlobUnselective() {
    Tuning t = OrientationMap.tuning(toFloats(isotropicBlob(9, 1.5)), 9, 9);

    assertThat(t.selectivity()).isLessThan(0.02);
  }

  @Test
  void shouldGiveAConstantFilterZeroSelectivity() {
    float[] flat = new float[25];
    Arrays.fill(flat, 0.3f);

    assertThat(OrientationMap.tuning(flat, 5, 5).selectivity()).isZero();
  }

  @Test
  void shouldFindNoPinwheelsInAUniformMap() {
    double[] o = new double[SIDE * SIDE];
    Arrays.fill(o, 1.0);

    assertThat(OrientationMap.pinwheels(o, SIDE, SIDE)).isZero();
  }

  @Test
  void shouldFindNoPinwheelsInARampOverPartOfTheMap() {
    double[] o = new double[SIDE * SIDE];
    for (int r = 0; r < SIDE; r++) {
      for (int c = 8; c < 24; c++) {
        o[r * SIDE + c] = (c - 8) * 0.08;
      }
      for (int c = 24; c < SIDE; c++) {
        o[r * SIDE + c] = 16 * 0.08;
      }
    }

    assertThat(OrientationMap.pinwheels(o, SIDE, SIDE)).isZero();
  }

  @Test
  void shouldFindNoPinwheelsWhenOrientationTurnsOnceAroundTheTorus() {
    double[] o = new double[SIDE * SIDE];
    for (int i = 0; i < o.length; i++) {
      o[i] = Math.PI * (i % SIDE) / SIDE;
    }

    assertThat(OrientationMap.pinwheels(o, SIDE, SIDE)).isZero();
  }

  @Test
  void shouldFindOnePositiveAndOneNegativePinwheelAtAVortexPair() {
    List<Pinwheel> found = OrientationMap.findPinwheels(vortexPair(), SIDE, SIDE);

    assertThat(found).containsExactly(new Pinwheel(15, 12, 1), new Pinwheel(15, 19, -1));
  }

  @Test
  void shouldCountTheVortexPairAsTwoPinwheels() {
    assertThat(OrientationMap.pinwheels(vortexPair(), SIDE, SIDE)).isEqualTo(2);
  }

  @Test
  void shouldFindNoPinwheelsOnATorusOneCellHigh() {
    assertThat(OrientationMap.pinwheels(new double[] {0, 1, 2, 3}, 1, 4)).isZero();
  }

  @Test
  void shouldScoreASmoothMapLowerThanARandomOne() {
    Random random = new Random(7);
    double[] noise = new double[SIDE * SIDE];
    for (int i = 0; i < noise.length; i++) {
      noise[i] = random.nextDouble() * Math.PI;
    }

    double smooth = OrientationMap.meanNeighbourDifferenceDegrees(vortexPair(), SIDE, SIDE);
    double rough = OrientationMap.meanNeighbourDifferenceDegrees(noise, SIDE, SIDE);

    assertThat(smooth).isLessThan(10);
    assertThat(rough).isCloseTo(45, within(4.0));
  }

  @Test
  void shouldScoreAUniformMapZero() {
    double[] o = new double[12];
    Arrays.fill(o, 2.0);

    assertThat(OrientationMap.meanNeighbourDifferenceDegrees(o, 3, 4)).isZero();
  }

  @Test
  void shouldDecodeTheMapPictureToTheDocumentedSize() {
    double[] o = vortexPair();
    double[] s = new double[o.length];
    Arrays.fill(s, 0.8);

    Pngs.Picture picture = Pngs.decode(OrientationPicture.png(o, s, SIDE, SIDE, 12));

    assertThat(picture.width()).isEqualTo(SIDE * 12);
    assertThat(picture.height()).isEqualTo(SIDE * 12 + OrientationPicture.KEY_HEIGHT);
  }

  @Test
  void shouldWidenASmallMapPictureSoTheKeyFits() {
    FloatTensor weights = GaborBank.standard(16, 9, 1).weights();

    Pngs.Picture picture = Pngs.decode(OrientationPicture.png(weights, 2, 8, 4));

    assertThat(picture.width()).isEqualTo(OrientationPicture.MIN_PNG_WIDTH);
    assertThat(picture.height()).isEqualTo(2 * 4 + OrientationPicture.KEY_HEIGHT);
  }

  @Test
  void shouldColourACellByItsOrientationAndDarkenItByLowSelectivity() {
    double[] o = {0, 0, 0, 0};
    double[] s = {1, 0, 1, 1};

    Pngs.Picture picture = Pngs.decode(OrientationPicture.png(o, s, 2, 2, 10));

    int x0 = (OrientationPicture.MIN_PNG_WIDTH - 20) / 2;
    assertThat(picture.pixel(x0 + 2, 2)).containsExactly(0, 0, 255);
    assertThat(picture.pixel(x0 + 12, 2)).containsExactly(0, 0, 0);
  }

  @Test
  void shouldRejectOrientationsThatDoNotFillTheGrid() {
    assertThatThrownBy(() -> OrientationMap.pinwheels(new double[5], 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("orientation");
  }

  @Test
  void shouldRejectSelectivityOutsideTheUnitInterval() {
    assertThatThrownBy(
            () -> OrientationPicture.png(new double[4], new double[] {0, 0.5, 1.5, 1}, 2, 2, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("selectivity");
  }

  @Test
  void shouldRejectAPlaneOfTheWrongSize() {
    assertThatThrownBy(() -> OrientationMap.tuning(new float[8], 3, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plane");
  }

  @Test
  void shouldRejectATuningWithOrientationOutOfRange() {
    assertThatThrownBy(() -> new Tuning(Math.PI, 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("orientation");
  }

  /**
   * z = sin(2πf(c + ½)/side) + i·sin(2πf(r + ½)/side), θ = arg(z)/2: a square lattice of (2f)²
   * simple zeros of z, one inside every plaquette whose corners straddle x, y = side·m/(2f) − ½,
   * each a pinwheel of winding ±1; e^{2iθ} = z/|z| has its spectral peak at f cycles per side, so Λ
   * = side/f and the density is (2f)²·(side/f)²/side² = 4 pinwheels per Λ².
   */
  private static double[] sineLattice(int side, int f) {
    double[] o = new double[side * side];
    for (int r = 0; r < side; r++) {
      for (int c = 0; c < side; c++) {
        double x = Math.sin(2 * Math.PI * f * (c + 0.5) / side);
        double y = Math.sin(2 * Math.PI * f * (r + 0.5) / side);
        double theta = Math.atan2(y, x) / 2;
        o[r * side + c] = theta < 0 ? theta + Math.PI : theta;
      }
    }
    return o;
  }

  @Test
  void shouldMeasureTheWavelengthOfAMapWhoseOrientationTurnsAlongItsRows() {
    double[] o = new double[16 * 16];
    for (int i = 0; i < o.length; i++) {
      o[i] = (Math.PI * (i % 16) / 8) % Math.PI;
    }

    assertThat(OrientationMap.dominantWavelength(o, 16, 16).getAsDouble())
        .isCloseTo(8, within(1e-9));
  }

  @Test
  void shouldMeasureTheWavelengthAlongTheDiagonalOfADiagonalWave() {
    double[] o = new double[16 * 16];
    for (int r = 0; r < 16; r++) {
      for (int c = 0; c < 16; c++) {
        o[r * 16 + c] = (Math.PI * (r + c) / 8) % Math.PI;
      }
    }

    assertThat(OrientationMap.dominantWavelength(o, 16, 16).getAsDouble())
        .isCloseTo(8 / Math.sqrt(2), within(1e-9));
  }

  @Test
  void shouldMeasureTheWavelengthOfAPinwheelLattice() {
    assertThat(OrientationMap.dominantWavelength(sineLattice(32, 4), 32, 32).getAsDouble())
        .isCloseTo(8, within(1e-6));
  }

  @Test
  void shouldFindEveryPinwheelOfAPinwheelLattice() {
    assertThat(OrientationMap.pinwheels(sineLattice(32, 4), 32, 32)).isEqualTo(64);
  }

  @Test
  void shouldFindFourPinwheelsPerSquaredWavelengthOnAPinwheelLattice() {
    double[] o = sineLattice(32, 4);
    double wavelength = OrientationMap.dominantWavelength(o, 32, 32).getAsDouble();

    double density =
        OrientationMap.pinwheelDensity(OrientationMap.pinwheels(o, 32, 32), wavelength, 32, 32);

    assertThat(density).isCloseTo(4, within(1e-4));
  }

  /**
   * θ = arg(z)/2 for z a Gaussian random field on the side × side torus whose wave vectors all lie
   * in the ring 7.5 ≤ |k| ≤ 8.5 cycles per side (each with a complex Gaussian amplitude): Λ ≈
   * side/8, and such a field has π zeros per Λ² on average (Wolf and Geisel 1998), the density
   * Kaschube et al. (Science 2010) found in cortex.
   */
  private static double[] ringSpectrumMap(int side, Random random) {
    List<int[]> waves = new ArrayList<>();
    for (int u = -side / 2; u < side / 2; u++) {
      for (int v = -side / 2; v < side / 2; v++) {
        double k = Math.hypot(u, v);
        if (k >= 7.5 && k <= 8.5) {
          waves.add(new int[] {u, v});
        }
      }
    }
    double[] re = new double[side * side];
    double[] im = new double[side * side];
    for (int[] w : waves) {
      double a = random.nextGaussian();
      double b = random.nextGaussian();
      for (int r = 0; r < side; r++) {
        for (int c = 0; c < side; c++) {
          double phase = 2 * Math.PI * (w[0] * c + w[1] * r) / (double) side;
          re[r * side + c] += a * Math.cos(phase) - b * Math.sin(phase);
          im[r * side + c] += a * Math.sin(phase) + b * Math.cos(phase);
        }
      }
    }
    double[] o = new double[side * side];
    for (int i = 0; i < o.length; i++) {
      double theta = Math.atan2(im[i], re[i]) / 2;
      o[i] = theta < 0 ? theta + Math.PI : theta;
    }
    return o;
  }

  @Test
  void shouldFindAboutPiPinwheelsPerSquaredWavelengthInARandomMapWithARingSpectrum() {
    Random random = new Random(15);
    double sum = 0;
    int maps = 6;
    for (int i = 0; i < maps; i++) {
      double[] o = ringSpectrumMap(64, random);
      double wavelength = OrientationMap.dominantWavelength(o, 64, 64).getAsDouble();
      sum +=
          OrientationMap.pinwheelDensity(OrientationMap.pinwheels(o, 64, 64), wavelength, 64, 64);
    }

    assertThat(sum / maps).isCloseTo(Math.PI, within(0.2));
  }

  @Test
  void shouldMeasureTheWavelengthOfARandomMapWithARingSpectrum() {
    double[] o = ringSpectrumMap(64, new Random(16));

    assertThat(OrientationMap.dominantWavelength(o, 64, 64).getAsDouble())
        .isCloseTo(8, within(0.2));
  }

  @Test
  void shouldGiveAUniformMapNoWavelength() {
    double[] o = new double[16 * 16];
    Arrays.fill(o, 0.7);

    assertThat(OrientationMap.dominantWavelength(o, 16, 16)).isEmpty();
  }

  @Test
  void shouldRejectAPinwheelDensityForAWavelengthThatIsNotPositive() {
    assertThatThrownBy(() -> OrientationMap.pinwheelDensity(4, 0, 16, 16))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wavelength");
  }
}
