package io.pinwheel.trainer.lateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class FistaTest {

  private static final double TOLERANCE = 1e-6;

  @Test
  void shouldSoftThresholdWithIdentityDictionaryAndNoInhibition() {
    SplittableRandom rnd = new SplittableRandom(1);
    int k = 5;
    double lambda = 0.3;
    INDArray x = Matrices.gaussian(rnd, 3, k);
    INDArray w = Nd4j.eye(k).castTo(DataType.DOUBLE);
    INDArray s = Nd4j.zeros(DataType.DOUBLE, k, k);

    Fista.Result result = Fista.infer(x, w, s, new Fista.Options(200, lambda));

    assertClosedForm(x, w, result.codes(), lambda);
  }

  @Test
  void shouldSoftThresholdWithOrthogonalDictionaryAndNoInhibition() {
    SplittableRandom rnd = new SplittableRandom(2);
    int k = 6;
    double lambda = 0.5;
    INDArray x = Matrices.gaussian(rnd, 4, k);
    INDArray w = Matrices.orthogonal(rnd, k);
    INDArray s = Nd4j.zeros(DataType.DOUBLE, k, k);

    Fista.Result result = Fista.infer(x, w, s, new Fista.Options(300, lambda));

    assertClosedForm(x, w, result.codes(), lambda);
  }

  @Test
  void shouldSolveTwoUnitProblemWithBothUnitsActive() {
    // Stationarity of (a−z1)² + (b−z2)² + λ(z1+z2) + 2s·z1·z2 with both z > 0:
    // z1 + s·z2 = a − λ/2 and s·z1 + z2 = b − λ/2.
    double a = 1.0;
    double b = 0.8;
    double lambda = 0.2;
    double inhibition = 0.3;
    double alpha = a - lambda / 2;
    double beta = b - lambda / 2;
    double det = 1 - inhibition * inhibition;
    double z1 = (alpha - inhibition * beta) / det;
    double z2 = (beta - inhibition * alpha) / det;
    assertThat(z1).isPositive();
    assertThat(z2).isPositive();

    INDArray z = twoUnit(a, b, lambda, inhibition);

    assertThat(z.getDouble(0, 0)).isCloseTo(z1, within(TOLERANCE));
    assertThat(z.getDouble(0, 1)).isCloseTo(z2, within(TOLERANCE));
  }

  @Test
  void shouldSilenceTheWeakerUnitWhenInhibitionIsStrong() {
    // With s = 0.9 the two-active solution has z2 < 0, so z2 = 0 and z1 = a − λ/2; KKT holds
    // because ∂E/∂z2 at z2 = 0 is −2b + λ + 2s·z1 = 0.22 ≥ 0.
    double a = 1.0;
    double b = 0.8;
    double lambda = 0.2;
    double inhibition = 0.9;

    INDArray z = twoUnit(a, b, lambda, inhibition);

    assertThat(z.getDouble(0, 0)).isCloseTo(a - lambda / 2, within(TOLERANCE));
    assertThat(z.getDouble(0, 1)).isCloseTo(0.0, within(TOLERANCE));
  }

  @Test
  void shouldDecreaseEnergyFromZeroOnRandomProblems() {
    SplittableRandom rnd = new SplittableRandom(3);
    int d = 8;
    int k = 12;
    double lambda = 0.2;
    for (int trial = 0; trial < 3; trial++) {
      INDArray x = Matrices.gaussian(rnd, 4, d);
      INDArray w = Matrices.unitColumns(rnd, d, k);
      INDArray s = Matrices.inhibition(rnd, InhibitionPattern.free(k), 0.3);
      double atZero = Fista.energy(x, w, s, Nd4j.zeros(DataType.DOUBLE, 4, k), lambda);
      double previous = atZero;
      double last = atZero;
      for (int iterations = 1; iterations <= 40; iterations++) {
        Fista.Result r = Fista.infer(x, w, s, new Fista.Options(iterations, lambda));
        r.codes().close();
        // FISTA is not monotone; its overshoots must stay small next to the total decrease.
        assertThat(r.energy()).isLessThanOrEqualTo(previous + 0.01 * atZero);
        assertThat(r.energy()).isLessThan(atZero);
        previous = r.energy();
        last = r.energy();
      }
      assertThat(last).isLessThan(0.9 * atZero);
    }
  }

  @Test
  void shouldReturnNonNegativeCodesAndTheirEnergy() {
    SplittableRandom rnd = new SplittableRandom(4);
    INDArray x = Matrices.gaussian(rnd, 5, 6);
    INDArray w = Matrices.unitColumns(rnd, 6, 9);
    INDArray s = Matrices.inhibition(rnd, InhibitionPattern.free(9), 0.2);

    Fista.Result r = Fista.infer(x, w, s, new Fista.Options(50, 0.1));

    assertThat(r.codes().minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
    assertThat(r.energy()).isCloseTo(Fista.energy(x, w, s, r.codes(), 0.1), within(1e-12));
  }

  @Test
  void shouldSplitTheEnergyIntoItsThreeTerms() {
    // One row: x = (1, 0), W = I, z = (0.5, 0.25), S_01 = S_10 = 0.4.
    INDArray x = Matrices.of(new double[][] {{1, 0}});
    INDArray w = Nd4j.eye(2).castTo(DataType.DOUBLE);
    INDArray s = Matrices.of(new double[][] {{0, 0.4}, {0.4, 0}});
    INDArray z = Matrices.of(new double[][] {{0.5, 0.25}});

    Fista.Terms t = Fista.terms(x, w, s, z);

    assertThat(t.reconstruction()).isCloseTo(0.25 + 0.0625, within(1e-12));
    assertThat(t.sparsity()).isCloseTo(0.75, within(1e-12));
    assertThat(t.inhibition()).isCloseTo(2 * 0.4 * 0.5 * 0.25, within(1e-12));
    assertThat(t.energy(2)).isCloseTo(Fista.energy(x, w, s, z, 2), within(1e-12));
  }

  @Test
  void shouldBoundLipschitzConstantFromAboveNearTheTrueValue() {
    SplittableRandom rnd = new SplittableRandom(5);
    INDArray w = Matrices.orthogonal(rnd, 5).muli(2);
    INDArray s = Nd4j.zeros(DataType.DOUBLE, 5, 5);

    // WᵀW = 4·I, so the exact constant is 2·4 = 8.
    assertThat(Fista.lipschitz(w, s)).isBetween(8.0, 8.0 * (1 + Fista.MARGIN) + 1e-9);
  }

  @Test
  void shouldRejectNonPositiveIterations() {
    assertThatThrownBy(() -> new Fista.Options(0, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("iterations");
  }

  @Test
  void shouldRejectNegativeOrNonFiniteLambda() {
    assertThatThrownBy(() -> new Fista.Options(10, -0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lambda");
    assertThatThrownBy(() -> new Fista.Options(10, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lambda");
  }

  @Test
  void shouldRejectInputsThatDoNotMatchTheDictionary() {
    INDArray x = Nd4j.zeros(DataType.DOUBLE, 2, 3);
    INDArray w = Nd4j.zeros(DataType.DOUBLE, 4, 5);
    INDArray s = Nd4j.zeros(DataType.DOUBLE, 5, 5);

    assertThatThrownBy(() -> Fista.infer(x, w, s, new Fista.Options(1, 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x must be");
  }

  @Test
  void shouldRejectInhibitionOfTheWrongSize() {
    INDArray x = Nd4j.zeros(DataType.DOUBLE, 2, 4);
    INDArray w = Nd4j.zeros(DataType.DOUBLE, 4, 5);
    INDArray s = Nd4j.zeros(DataType.DOUBLE, 4, 4);

    assertThatThrownBy(() -> Fista.infer(x, w, s, new Fista.Options(1, 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s must be");
  }

  private static INDArray twoUnit(double a, double b, double lambda, double inhibition) {
    INDArray x = Matrices.of(new double[][] {{a, b}});
    INDArray w = Nd4j.eye(2).castTo(DataType.DOUBLE);
    INDArray s = Matrices.of(new double[][] {{0, inhibition}, {inhibition, 0}});
    return Fista.infer(x, w, s, new Fista.Options(300, lambda)).codes();
  }

  private static void assertClosedForm(INDArray x, INDArray w, INDArray z, double lambda) {
    double[][] projected = x.mmul(w).toDoubleMatrix();
    double[][] codes = z.toDoubleMatrix();
    for (int n = 0; n < projected.length; n++) {
      for (int i = 0; i < projected[n].length; i++) {
        assertThat(codes[n][i])
            .as("z[%d][%d]", n, i)
            .isCloseTo(Math.max(0, projected[n][i] - lambda / 2), within(TOLERANCE));
      }
    }
  }
}
