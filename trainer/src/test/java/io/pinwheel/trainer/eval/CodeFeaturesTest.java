package io.pinwheel.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.GaborModelOptions;
import io.pinwheel.trainer.InitialModels;
import io.pinwheel.trainer.data.GrayImages;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class CodeFeaturesTest {
  private static final EncoderModel MODEL =
      InitialModels.gabor(
          GaborModelOptions.defaults().withSize(28).withKernel(7).withThreshold(0.5));

  private static float[] row(INDArray m, int i) {
    float[] r = new float[m.columns()];
    FloatBuffer b = m.data().asNioFloat();
    b.get(i * r.length, r, 0, r.length);
    return r;
  }

  @Test
  void shouldMatchTheEncodersSparseCodeMadeDense() throws Exception {
    GrayImages images = Synthetic.gratings(5, 28, 1);
    try (INDArray codes = CodeFeatures.pooled(MODEL, images, 2);
        Encoder encoder = new Encoder(MODEL)) {
      assertThat(codes.shape()).containsExactly(5, 16 * 11 * 11);
      for (int i = 0; i < 5; i++) {
        float[] expected = encoder.encode(CodeFeatures.frame(MODEL, images, i)).toDense();
        assertThat(row(codes, i)).containsExactly(expected);
      }
    }
  }

  @Test
  void shouldGiveTheSameRowsWhateverTheThreadCount() {
    GrayImages images = Synthetic.gratings(7, 28, 2);
    try (INDArray one = CodeFeatures.pooled(MODEL, images, 1);
        INDArray three = CodeFeatures.pooled(MODEL, images, 3)) {
      assertThat(one.equals(three)).isTrue();
    }
  }

  @Test
  void shouldStoreThePooledCodesInAFeatureMatrixRowForRow() {
    GrayImages images = Synthetic.gratings(9, 28, 5);
    int d = 16 * 11 * 11;
    // Blocks of two rows, so the nine images span five blocks over two workers.
    try (INDArray codes = CodeFeatures.pooled(MODEL, images, 1);
        FeatureMatrix blocked = CodeFeatures.pooledMatrix(MODEL, images, 2, 2 * d)) {
      assertThat(blocked.blockCount()).isEqualTo(5);
      assertThat(blocked.columns()).isEqualTo(d);
      for (int i = 0; i < 9; i++) {
        assertThat(blocked.row(i)).containsExactly(row(codes, i));
      }
    }
  }

  @Test
  void shouldMakePrePoolingCodesOfEveryMapAtEveryConvPosition() {
    EncoderModel pre = CodeFeatures.prePoolingModel(MODEL).orElseThrow();
    assertThat(pre.outputShape()).containsExactly(64, 22, 22);
    assertThat(pre.output().threshold()).isZero();
    assertThat(pre.output().topK()).isEmpty();
  }

  @Test
  void shouldPoolThePrePoolingCodesBackIntoThePooledMap() throws Exception {
    // The pooled value of group j at (u, v) is the root of the sum of squares of its maps' h over
    // the 2x2 window: checks that the pre-pooling codes are the h the encoder pools.
    GrayImages images = Synthetic.gratings(1, 28, 3);
    try (INDArray h = CodeFeatures.prePooling(MODEL, images, 1);
        Encoder encoder = new Encoder(MODEL)) {
      float[] pooled = encoder.encodeDense(CodeFeatures.frame(MODEL, images, 0));
      float[] hr = row(h, 0);
      for (int j = 0; j < 16; j++) {
        for (int u = 0; u < 11; u++) {
          for (int v = 0; v < 11; v++) {
            double sum = 0;
            for (int k = 4 * j; k < 4 * j + 4; k++) {
              for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                  double x = hr[(k * 22 + 2 * u + a) * 22 + 2 * v + b];
                  sum += x * x;
                }
              }
            }
            assertThat(pooled[(j * 11 + u) * 11 + v])
                .isCloseTo((float) Math.sqrt(sum), org.assertj.core.data.Offset.offset(1e-3f));
          }
        }
      }
    }
  }

  @Test
  void shouldScalePixelsToTheUnitInterval() {
    GrayImages images = new GrayImages(1, 1, 2, new byte[] {0, (byte) 255}, new int[] {0});
    try (INDArray px = CodeFeatures.pixels(images)) {
      assertThat(row(px, 0)).containsExactly(0f, 1f);
    }
  }

  @Test
  void shouldRefuseImagesOfAnotherSize() {
    GrayImages images = Synthetic.gratings(1, 30, 4);
    assertThatThrownBy(() -> CodeFeatures.pooled(MODEL, images, 1))
        .hasMessageContaining("30x30")
        .hasMessageContaining("28x28");
  }

  @Test
  void shouldFitAsManyImagesAsOneTwoGibibyteMatrixHolds() {
    // 60,000 codes of 64x9x9x2 floats would overflow one NIO float buffer; 51,781 fit.
    assertThat(CodeFeatures.maxRows(10368)).isEqualTo(51781);
    assertThat(CodeFeatures.maxRows(784)).isGreaterThan(60000);
  }
}
