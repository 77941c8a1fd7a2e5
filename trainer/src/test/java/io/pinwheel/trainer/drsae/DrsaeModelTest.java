package io.pinwheel.trainer.drsae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DrsaeModelTest {
  private static final int K = 5;
  private static final int D = 6;
  private static final int CLASSES = 3;
  private static final double LAMBDA = 0.3;

  private static INDArray random(SplittableRandom rnd, double scale, long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    double[] v = new double[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = scale * (rnd.nextDouble() * 2 - 1);
    }
    return Nd4j.create(v, shape, DataType.DOUBLE);
  }

  /** Random parameters with a non-zero lateral matrix, so the recurrence matters. */
  private static DrsaeModel model(SplittableRandom rnd, int steps) {
    Map<String, INDArray> p = new LinkedHashMap<>();
    p.put(DrsaeModel.ENCODER, random(rnd, 0.6, K, D));
    p.put(DrsaeModel.LATERAL, random(rnd, 0.4, K, K));
    p.put(DrsaeModel.BIAS, random(rnd, 0.1, K));
    p.put(DrsaeModel.DECODER, random(rnd, 0.5, D, K));
    p.put(DrsaeModel.CLASSIFIER, random(rnd, 0.8, CLASSES, K));
    p.put(DrsaeModel.CLASS_BIAS, random(rnd, 0.2, CLASSES));
    return new DrsaeModel(new DrsaeConfig(K, D, CLASSES, steps, LAMBDA), p);
  }

  @Test
  void shouldMatchFiniteDifferencesOnEveryParameterThroughTheRecurrence() {
    SplittableRandom rnd = new SplittableRandom(17);
    DrsaeModel model = model(rnd, 3);
    INDArray x = random(rnd, 1, 4, D);
    int[] labels = {0, 2, 1, 2};
    double alpha = 0.7;
    Map<String, INDArray> grads = model.step(x, labels, alpha).gradients();
    double h = 1e-6;
    for (String name : DrsaeModel.PARAMETERS) {
      INDArray p = model.parameter(name);
      INDArray g = grads.get(name);
      assertThat(g.norm2Number().doubleValue()).as("%s gradient norm", name).isGreaterThan(0);
      for (int i = 0; i < p.length(); i += 1 + (int) (p.length() / 10)) {
        double v = p.getDouble(i);
        p.putScalar(i, v + h);
        double up = model.terms(x, labels).loss(LAMBDA, alpha);
        p.putScalar(i, v - h);
        double down = model.terms(x, labels).loss(LAMBDA, alpha);
        p.putScalar(i, v);
        double numeric = (up - down) / (2 * h);
        assertThat(g.getDouble(i))
            .as("%s[%d]", name, i)
            .isCloseTo(numeric, within(1e-6 * Math.max(1, Math.abs(numeric))));
      }
    }
  }

  @Test
  void shouldGiveTheClassifierNoGradientWhenAlphaIsZero() {
    SplittableRandom rnd = new SplittableRandom(4);
    DrsaeModel model = model(rnd, 3);
    Map<String, INDArray> grads =
        model.step(random(rnd, 1, 4, D), new int[] {0, 1, 2, 0}, 0).gradients();
    assertThat(grads.get(DrsaeModel.CLASSIFIER).norm2Number().doubleValue()).isZero();
    assertThat(grads.get(DrsaeModel.CLASS_BIAS).norm2Number().doubleValue()).isZero();
  }

  @Test
  void shouldComputeASingleStepCodeAsTheThresholdedEncoderResponse() {
    SplittableRandom rnd = new SplittableRandom(5);
    DrsaeModel model = model(rnd, 1);
    INDArray x = random(rnd, 1, 3, D);
    INDArray e = model.parameter(DrsaeModel.ENCODER);
    INDArray b = model.parameter(DrsaeModel.BIAS);
    INDArray z = model.codes(x);
    assertThat(z.shape()).containsExactly(3, K);
    for (int n = 0; n < 3; n++) {
      for (int k = 0; k < K; k++) {
        double s = -b.getDouble(k);
        for (int i = 0; i < D; i++) {
          s += x.getDouble(n, i) * e.getDouble(k, i);
        }
        assertThat(z.getDouble(n, k)).isCloseTo(Math.max(0, s), within(1e-12));
      }
    }
  }

  @Test
  void shouldUnrollTheRecurrenceLikeAPlainLoop() {
    SplittableRandom rnd = new SplittableRandom(6);
    int steps = 4;
    DrsaeModel model = model(rnd, steps);
    INDArray x = random(rnd, 1, 3, D);
    double[][] e = model.parameter(DrsaeModel.ENCODER).toDoubleMatrix();
    double[][] s = model.parameter(DrsaeModel.LATERAL).toDoubleMatrix();
    double[] b = model.parameter(DrsaeModel.BIAS).toDoubleVector();
    INDArray z = model.codes(x);
    int active = 0;
    for (int n = 0; n < 3; n++) {
      double[] drive = new double[K];
      for (int k = 0; k < K; k++) {
        drive[k] = -b[k];
        for (int i = 0; i < D; i++) {
          drive[k] += e[k][i] * x.getDouble(n, i);
        }
      }
      double[] code = new double[K];
      for (int k = 0; k < K; k++) {
        code[k] = Math.max(0, drive[k]);
      }
      for (int t = 1; t < steps; t++) {
        double[] next = new double[K];
        for (int k = 0; k < K; k++) {
          double v = drive[k];
          for (int j = 0; j < K; j++) {
            v += s[k][j] * code[j];
          }
          next[k] = Math.max(0, v);
        }
        code = next;
      }
      for (int k = 0; k < K; k++) {
        assertThat(z.getDouble(n, k)).as("z[%d,%d]", n, k).isCloseTo(code[k], within(1e-12));
        active += code[k] > 0 ? 1 : 0;
      }
    }
    assertThat(active).as("active units in the reference").isGreaterThan(0);
  }

  @Test
  void shouldLeaveUnitDecoderColumnsAndEncoderRowsOfNormAtMostOneAfterNormalizing() {
    SplittableRandom rnd = new SplittableRandom(8);
    DrsaeModel model = model(rnd, 2);
    INDArray e = model.parameter(DrsaeModel.ENCODER);
    e.getRow(0).muli(10);
    e.getRow(1).muli(0.01);
    double smallRow = e.getRow(1).norm2Number().doubleValue();
    model.normalize();
    INDArray dec = model.parameter(DrsaeModel.DECODER);
    for (int k = 0; k < K; k++) {
      assertThat(dec.getColumn(k).norm2Number().doubleValue()).isCloseTo(1.0, within(1e-12));
      assertThat(e.getRow(k).norm2Number().doubleValue()).isLessThanOrEqualTo(1 + 1e-12);
    }
    assertThat(e.getRow(0).norm2Number().doubleValue()).isCloseTo(1.0, within(1e-12));
    assertThat(e.getRow(1).norm2Number().doubleValue()).isCloseTo(smallRow, within(1e-15));
  }

  @Test
  void shouldStartFromUnitEncoderRowsTiedDecoderAndZeroLateralAndClassifier() {
    DrsaeConfig config = new DrsaeConfig(K, D, CLASSES, 3, LAMBDA);
    DrsaeModel model = DrsaeModel.initial(config, DataType.DOUBLE, 3);
    INDArray e = model.parameter(DrsaeModel.ENCODER);
    for (int k = 0; k < K; k++) {
      assertThat(e.getRow(k).norm2Number().doubleValue()).isCloseTo(1.0, within(1e-12));
    }
    assertThat(model.parameter(DrsaeModel.DECODER)).isEqualTo(e.transpose());
    assertThat(model.parameter(DrsaeModel.LATERAL).norm2Number().doubleValue()).isZero();
    assertThat(model.parameter(DrsaeModel.CLASSIFIER).norm2Number().doubleValue()).isZero();
    assertThat(DrsaeModel.initial(config, DataType.DOUBLE, 3).parameter(DrsaeModel.ENCODER))
        .isEqualTo(e);
  }

  @Test
  void shouldRejectAConfigWithoutSteps() {
    assertThatThrownBy(() -> new DrsaeConfig(K, D, CLASSES, 0, LAMBDA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("steps");
  }
}
