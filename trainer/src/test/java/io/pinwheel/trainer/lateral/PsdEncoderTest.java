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

class PsdEncoderTest {

  private static final double H = 1e-6;

  @Test
  void shouldMatchFiniteDifferenceGradients() {
    SplittableRandom rnd = new SplittableRandom(21);
    INDArray x = Matrices.gaussian(rnd, 5, 4);
    INDArray target = Transforms.abs(Matrices.gaussian(rnd, 5, 3), false);
    // A small bias keeps most pre-activations away from the ReLU's kink, where the difference
    // quotient and the derivative part ways.
    try (PsdEncoder psd =
        PsdEncoder.of(
            Matrices.gaussian(rnd, 4, 3),
            Matrices.gaussian(rnd, 1, 3).muli(0.1),
            Transforms.abs(Matrices.gaussian(rnd, 1, 3), false))) {
      PsdEncoder.Gradients g = psd.gradients(x, target);

      for (String name : PsdEncoder.PARAMETERS) {
        INDArray p = psd.parameter(name);
        double[][] analytic = g.gradients().get(name).toDoubleMatrix();
        for (int r = 0; r < p.rows(); r++) {
          for (int c = 0; c < p.columns(); c++) {
            double original = p.getDouble(r, c);
            p.putScalar(r, c, original + H);
            double up = psd.gradients(x, target).loss();
            p.putScalar(r, c, original - H);
            double down = psd.gradients(x, target).loss();
            p.putScalar(r, c, original);
            assertThat(analytic[r][c])
                .as("d loss / d %s[%d][%d]", name, r, c)
                .isCloseTo((up - down) / (2 * H), within(1e-5));
          }
        }
      }
    }
  }

  @Test
  void shouldReturnTheMeanSquaredErrorAsLoss() {
    SplittableRandom rnd = new SplittableRandom(22);
    INDArray x = Matrices.gaussian(rnd, 4, 3);
    INDArray target = Transforms.abs(Matrices.gaussian(rnd, 4, 2), false);
    try (PsdEncoder psd = PsdEncoder.initial(Matrices.unitColumns(rnd, 3, 2), 0.2)) {
      double expected;
      try (INDArray z = psd.encode(x)) {
        double norm = z.sub(target).norm2Number().doubleValue();
        expected = norm * norm / 4;
      }

      assertThat(psd.gradients(x, target).loss()).isCloseTo(expected, within(1e-12));
    }
  }

  @Test
  void shouldStartExactForAnOrthonormalDictionaryWithoutInhibition() {
    SplittableRandom rnd = new SplittableRandom(23);
    int k = 5;
    double lambda = 0.4;
    INDArray w = Matrices.orthogonal(rnd, k);
    INDArray x = Matrices.gaussian(rnd, 6, k);
    INDArray s = Nd4j.zeros(DataType.DOUBLE, k, k);
    INDArray codes = Fista.infer(x, w, s, new Fista.Options(300, lambda)).codes();

    try (PsdEncoder psd = PsdEncoder.initial(w, lambda);
        INDArray predicted = psd.encode(x)) {
      assertThat(predicted.equalsWithEps(codes, 1e-6)).isTrue();
    }
  }

  @Test
  void shouldLowerTheLossWithAdamSteps() {
    SplittableRandom rnd = new SplittableRandom(24);
    INDArray x = Matrices.gaussian(rnd, 32, 6);
    INDArray target = Transforms.relu(x.mmul(Matrices.gaussian(rnd, 6, 4)).subi(0.3), false);
    try (PsdEncoder psd = PsdEncoder.initial(Matrices.unitColumns(rnd, 6, 4), 0.2)) {
      double first = psd.step(x, target, 0.01);
      double last = first;
      for (int i = 0; i < 200; i++) {
        last = psd.step(x, target, 0.01);
      }

      assertThat(last).isLessThan(0.2 * first);
    }
  }

  @Test
  void shouldKeepTheGainNonNegative() {
    SplittableRandom rnd = new SplittableRandom(25);
    INDArray x = Matrices.gaussian(rnd, 16, 3);
    // Zero targets pull the gain down as far as it will go.
    INDArray target = Nd4j.zeros(DataType.DOUBLE, 16, 2);
    try (PsdEncoder psd = PsdEncoder.initial(Matrices.unitColumns(rnd, 3, 2), 0)) {
      for (int i = 0; i < 500; i++) {
        psd.step(x, target, 0.05);
      }

      assertThat(psd.parameter(PsdEncoder.GAIN).minNumber().doubleValue())
          .isGreaterThanOrEqualTo(0.0);
    }
  }

  @Test
  void shouldRejectANegativeGain() {
    INDArray f = Nd4j.zeros(DataType.DOUBLE, 3, 2);
    INDArray b = Nd4j.zeros(DataType.DOUBLE, 1, 2);
    INDArray g = Matrices.of(new double[][] {{1, -1}});

    assertThatThrownBy(() -> PsdEncoder.of(f, b, g))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gain");
  }

  @Test
  void shouldRejectInputsOfTheWrongWidth() {
    try (PsdEncoder psd = PsdEncoder.initial(Nd4j.zeros(DataType.DOUBLE, 3, 2), 0)) {
      assertThatThrownBy(() -> psd.encode(Nd4j.zeros(DataType.DOUBLE, 1, 4)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("x must be [N, 3]");
    }
  }
}
