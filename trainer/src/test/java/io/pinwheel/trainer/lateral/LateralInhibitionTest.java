package io.pinwheel.trainer.lateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class LateralInhibitionTest {

  private static final double H = 1e-6;
  private static final double LAMBDA = 0.1;

  @Test
  void shouldMatchFiniteDifferenceGradientOfS() {
    SplittableRandom rnd = new SplittableRandom(11);
    INDArray x = Matrices.gaussian(rnd, 3, 4);
    INDArray w = Matrices.unitColumns(rnd, 4, 5);
    INDArray s = Matrices.inhibition(rnd, InhibitionPattern.free(5), 0.5);
    INDArray z = Transforms.abs(Matrices.gaussian(rnd, 3, 5), false);

    double[][] analytic = LateralInhibition.gradientS(z).toDoubleMatrix();

    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 5; j++) {
        double numeric = centralDifference(x, w, s, z, s, i, j);
        assertThat(analytic[i][j]).as("dE/dS[%d][%d]", i, j).isCloseTo(numeric, within(1e-7));
      }
    }
  }

  @Test
  void shouldMatchFiniteDifferenceGradientOfW() {
    SplittableRandom rnd = new SplittableRandom(12);
    INDArray x = Matrices.gaussian(rnd, 3, 4);
    INDArray w = Matrices.unitColumns(rnd, 4, 5);
    INDArray s = Matrices.inhibition(rnd, InhibitionPattern.free(5), 0.5);
    INDArray z = Transforms.abs(Matrices.gaussian(rnd, 3, 5), false);

    double[][] analytic = LateralInhibition.gradientW(x, z, w).toDoubleMatrix();

    for (int d = 0; d < 4; d++) {
      for (int k = 0; k < 5; k++) {
        double numeric = centralDifference(x, w, s, z, w, d, k);
        assertThat(analytic[d][k]).as("dE/dW[%d][%d]", d, k).isCloseTo(numeric, within(1e-6));
      }
    }
  }

  @Test
  void shouldKeepSSymmetricZeroDiagonalBoundedAndInPatternAfterStep() {
    SplittableRandom rnd = new SplittableRandom(13);
    InhibitionPattern pattern = InhibitionPattern.tree(InhibitionPattern.completeTree(2, 3));
    int k = pattern.size();
    double sMax = 0.4;
    INDArray x = Matrices.gaussian(rnd, 6, 5);
    INDArray w = Matrices.unitColumns(rnd, 5, k);
    // Start from an S that breaks every constraint, so the projection has work to do.
    INDArray s = Matrices.gaussian(rnd, k, k).muli(0.5);
    Fista.Result inferred =
        Fista.infer(x, w, Nd4j.zeros(DataType.DOUBLE, k, k), new Fista.Options(30, LAMBDA));
    // A large ascent rate drives the co-active pairs into the upper clip.
    LateralInhibition learner =
        new LateralInhibition(pattern, new LateralInhibition.Options(0.05, 100, sMax));

    learner.step(x, inferred.codes(), w, s);

    double[][] m = s.toDoubleMatrix();
    boolean clipped = false;
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        assertThat(m[i][j]).as("S[%d][%d] symmetric", i, j).isEqualTo(m[j][i]);
        assertThat(m[i][j]).as("S[%d][%d] bounded", i, j).isBetween(0.0, sMax);
        if (!pattern.free(i, j)) {
          assertThat(m[i][j]).as("S[%d][%d] fixed", i, j).isZero();
        }
        clipped |= m[i][j] == sMax;
      }
    }
    assertThat(clipped).as("some entry reached sMax").isTrue();
  }

  @Test
  void shouldKeepWColumnsUnitNormAfterStep() {
    SplittableRandom rnd = new SplittableRandom(14);
    int k = 7;
    INDArray x = Matrices.gaussian(rnd, 6, 5);
    INDArray w = Matrices.unitColumns(rnd, 5, k);
    INDArray s = Matrices.inhibition(rnd, InhibitionPattern.free(k), 0.2);
    INDArray before = w.dup();
    Fista.Result inferred = Fista.infer(x, w, s, new Fista.Options(30, LAMBDA));
    LateralInhibition learner =
        new LateralInhibition(
            InhibitionPattern.free(k), new LateralInhibition.Options(0.5, 0.1, 1));

    learner.step(x, inferred.codes(), w, s);

    for (double norm : w.norm2(0).toDoubleVector()) {
      assertThat(norm).isCloseTo(1.0, within(1e-12));
    }
    assertThat(w.equalsWithEps(before, 1e-6)).as("W moved").isFalse();
  }

  @Test
  void shouldMoveOnlyTheDictionaryInADictionaryStep() {
    SplittableRandom rnd = new SplittableRandom(16);
    int k = 5;
    INDArray x = Matrices.gaussian(rnd, 6, 4);
    INDArray w = Matrices.unitColumns(rnd, 4, k);
    INDArray s = Matrices.inhibition(rnd, InhibitionPattern.free(k), 0.2);
    INDArray sBefore = s.dup();
    INDArray wBefore = w.dup();
    INDArray z = Fista.infer(x, w, s, new Fista.Options(30, LAMBDA)).codes();
    LateralInhibition learner =
        new LateralInhibition(InhibitionPattern.free(k), new LateralInhibition.Options(0.5, 1, 1));

    learner.stepDictionary(x, z, w);

    assertThat(s).isEqualTo(sBefore);
    assertThat(w.equalsWithEps(wBefore, 1e-6)).as("W moved").isFalse();
    for (double norm : w.norm2(0).toDoubleVector()) {
      assertThat(norm).isCloseTo(1.0, within(1e-12));
    }
  }

  @Test
  void shouldLowerReconstructionEnergyWithASmallWStep() {
    SplittableRandom rnd = new SplittableRandom(15);
    int k = 6;
    INDArray x = Matrices.gaussian(rnd, 8, 5);
    INDArray w = Matrices.unitColumns(rnd, 5, k);
    INDArray s = Nd4j.zeros(DataType.DOUBLE, k, k);
    INDArray z = Fista.infer(x, w, s, new Fista.Options(50, LAMBDA)).codes();
    double before = Fista.energy(x, w, s, z, LAMBDA);

    try (INDArray g = LateralInhibition.gradientW(x, z, w)) {
      w.subi(g.muli(1e-3));
    }

    assertThat(Fista.energy(x, w, s, z, LAMBDA)).isLessThan(before);
  }

  @Test
  void shouldRejectNonPositiveRates() {
    assertThatThrownBy(() -> new LateralInhibition.Options(0, 0.1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wRate");
    assertThatThrownBy(() -> new LateralInhibition.Options(0.1, -1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sRate");
  }

  @Test
  void shouldRejectNegativeOrInfiniteSMax() {
    assertThatThrownBy(() -> new LateralInhibition.Options(0.1, 0.1, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sMax");
    assertThatThrownBy(() -> new LateralInhibition.Options(0.1, 0.1, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sMax");
  }

  @Test
  void shouldRejectSThatDoesNotMatchThePattern() {
    LateralInhibition learner =
        new LateralInhibition(InhibitionPattern.free(3), new LateralInhibition.Options(1, 1, 1));
    INDArray x = Nd4j.zeros(DataType.DOUBLE, 2, 4);
    INDArray z = Nd4j.zeros(DataType.DOUBLE, 2, 3);
    INDArray w = Nd4j.zeros(DataType.DOUBLE, 4, 3);
    INDArray s = Nd4j.zeros(DataType.DOUBLE, 2, 2);

    assertThatThrownBy(() -> learner.step(x, z, w, s))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s must be");
  }

  @Test
  void shouldRejectAMissingPattern() {
    assertThatThrownBy(() -> new LateralInhibition(null, new LateralInhibition.Options(1, 1, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pattern");
  }

  /** ∂E/∂target[r][c] by central differences, E the batch-mean energy at fixed z. */
  private static double centralDifference(
      INDArray x, INDArray w, INDArray s, INDArray z, INDArray target, int r, int c) {
    double original = target.getDouble(r, c);
    target.putScalar(r, c, original + H);
    double up = Fista.energy(x, w, s, z, LAMBDA);
    target.putScalar(r, c, original - H);
    double down = Fista.energy(x, w, s, z, LAMBDA);
    target.putScalar(r, c, original);
    return (up - down) / (2 * H);
  }
}
