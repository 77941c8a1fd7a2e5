package io.pinwheel.trainer.drsae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DrsaeModelTest {
  private static final int K = 5;
  private static final int D = 6;

  private static double rowNorm(float[] a, int row, int width) {
    double s = 0;
    for (int i = row * width; i < (row + 1) * width; i++) {
      s += a[i] * a[i];
    }
    return Math.sqrt(s);
  }

  private static double columnNorm(float[] a, int column, int rows, int width) {
    double s = 0;
    for (int r = 0; r < rows; r++) {
      s += a[r * width + column] * a[r * width + column];
    }
    return Math.sqrt(s);
  }

  @Test
  void shouldLeaveUnitDecoderColumnsAndEncoderRowsOfNormAtMostOneAfterNormalizing() {
    DrsaeModel model = DrsaeGradientsTest.model(new SplittableRandom(8), 2);
    float[] e = model.parameter(DrsaeGradients.ENCODER);
    for (int i = 0; i < D; i++) {
      e[i] *= 10;
      e[D + i] *= 0.01f;
    }
    double smallRow = rowNorm(e, 1, D);
    model.normalize();
    float[] dec = model.parameter(DrsaeGradients.DECODER);
    for (int k = 0; k < K; k++) {
      assertThat(columnNorm(dec, k, D, K)).isCloseTo(1.0, within(1e-6));
      assertThat(rowNorm(e, k, D)).isLessThanOrEqualTo(1 + 1e-6);
    }
    assertThat(rowNorm(e, 0, D)).isCloseTo(1.0, within(1e-6));
    assertThat(rowNorm(e, 1, D)).isCloseTo(smallRow, within(1e-9));
  }

  @Test
  void shouldNormalizeUnitRangesToTheSameBytesAsAllUnitsAtOnce() {
    DrsaeModel whole = DrsaeGradientsTest.model(new SplittableRandom(9), 2);
    DrsaeModel parts = new DrsaeModel(whole.config(), whole.parameters().copy());
    whole.normalize();
    parts.normalize(0, 2);
    parts.normalize(2, whole.config().units());
    assertThat(parts.parameters().bitEquals(whole.parameters())).isTrue();
  }

  @Test
  void shouldStartFromUnitEncoderRowsTiedDecoderAndZeroLateralAndClassifier() {
    DrsaeConfig config = new DrsaeConfig(K, D, 3, 3, 0.3);
    DrsaeModel model = DrsaeModel.initial(config, 3);
    float[] e = model.parameter(DrsaeGradients.ENCODER);
    float[] dec = model.parameter(DrsaeGradients.DECODER);
    for (int k = 0; k < K; k++) {
      assertThat(rowNorm(e, k, D)).isCloseTo(1.0, within(1e-6));
      for (int i = 0; i < D; i++) {
        assertThat(dec[i * K + k]).isEqualTo(e[k * D + i]);
      }
    }
    for (float v : model.parameter(DrsaeGradients.LATERAL)) {
      assertThat(v).isZero();
    }
    for (float v : model.parameter(DrsaeGradients.CLASSIFIER)) {
      assertThat(v).isZero();
    }
    assertThat(DrsaeModel.initial(config, 3).parameters().bitEquals(model.parameters())).isTrue();
  }

  @Test
  void shouldRejectParametersOfAnotherShape() {
    DrsaeConfig config = new DrsaeConfig(K, D, 3, 3, 0.3);
    assertThatThrownBy(
            () -> new DrsaeModel(config, DrsaeModel.layout(new DrsaeConfig(K + 1, D, 3, 3, 0.3))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not fit");
  }

  @Test
  void shouldRejectAConfigWithoutSteps() {
    assertThatThrownBy(() -> new DrsaeConfig(K, D, 3, 0, 0.3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("steps");
  }
}
