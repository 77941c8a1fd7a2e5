package io.pinwheel.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.GaborModelOptions;
import io.pinwheel.trainer.InitialModels;
import io.pinwheel.trainer.data.GrayImages;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class InvarianceTest {
  private static final EncoderModel MODEL =
      InitialModels.gabor(GaborModelOptions.defaults().withSize(28).withKernel(7).withThreshold(0));

  @Test
  void shouldScoreAVectorAgainstItselfAsOne() {
    assertThat(Invariance.cosine(new float[] {1, 2, 3}, new float[] {1, 2, 3}))
        .isCloseTo(1, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void shouldScoreTwoZeroVectorsAsOneAndOneZeroVectorAsZero() {
    assertThat(Invariance.cosine(new float[2], new float[2])).isEqualTo(1);
    assertThat(Invariance.cosine(new float[2], new float[] {0, 1})).isEqualTo(0);
  }

  @Test
  void shouldShiftImagesByWholePixelsWithZerosComingIn() {
    byte[] px = new byte[16];
    px[5] = 100; // (1, 1)
    px[3] = 50; // (0, 3): leaves the image
    GrayImages moved =
        Invariance.transform(
            new GrayImages(1, 4, 4, px, new int[0]), Invariance.Transform.shift(1, 1));
    byte[] expected = new byte[16];
    expected[10] = 100; // (2, 2)
    assertThat(moved.pixels()).containsExactly(expected);
  }

  @Test
  void shouldLeaveImagesAloneUnderTheIdentity() {
    GrayImages images = Synthetic.squares(3, 28, 1);
    assertThat(Invariance.transform(images, new Invariance.Transform(0, 0, 0))).isEqualTo(images);
  }

  @Test
  void shouldRotateAboutTheCentre() {
    // A centred 2x2 block in a 6x6 image is its own image under a 90-degree turn.
    byte[] px = new byte[36];
    for (int y = 2; y < 4; y++) {
      for (int x = 2; x < 4; x++) {
        px[y * 6 + x] = (byte) 200;
      }
    }
    GrayImages images = new GrayImages(1, 6, 6, px, new int[0]);
    assertThat(Invariance.transform(images, Invariance.Transform.rotate(90)).pixels())
        .containsExactly(px);
  }

  @Test
  void shouldListShiftsOneToThreeAndRotationsByFiveAndTenDegreesBothWays() {
    assertThat(Invariance.standardCases().stream().map(Invariance.Case::name))
        .containsExactly(
            "shift 1", "shift 2", "shift 3", "rotate +5", "rotate -5", "rotate +10", "rotate -10");
    assertThat(Invariance.Case.shift(2).transforms()).hasSize(4);
  }

  @Test
  void shouldScorePooledCodesAbovePrePoolingCodesForShiftedSquares() {
    GrayImages squares = Synthetic.squares(20, 28, 2);
    List<Invariance.Row> rows =
        Invariance.measure(MODEL, squares, List.of(Invariance.Case.shift(1)), 2);
    Invariance.Row shift = rows.get(0);
    assertThat(shift.pooled()).isGreaterThan(shift.prePooling());
    assertThat(shift.pooled()).isBetween(0.0, 1.0);
  }

  /** 3x3 blobs at distinct places, at least 6 pixels apart, on a black 28x28 frame. */
  private static GrayImages blobs(int background) {
    int n = 16;
    byte[] px = new byte[n * 28 * 28];
    java.util.Arrays.fill(px, (byte) background);
    for (int i = 0; i < n; i++) {
      int cy = 4 + 6 * (i / 4);
      int cx = 4 + 6 * (i % 4);
      for (int y = cy - 1; y <= cy + 1; y++) {
        for (int x = cx - 1; x <= cx + 1; x++) {
          px[(i * 28 + y) * 28 + x] = (byte) 255;
        }
      }
    }
    return new GrayImages(n, 28, 28, px, new int[0]);
  }

  private static Invariance.Centred pixelsCentred(GrayImages images, Invariance.Transform t) {
    try (INDArray a = CodeFeatures.pixels(images);
        INDArray b = CodeFeatures.pixels(Invariance.transform(images, t))) {
      return Invariance.centred(a, b);
    }
  }

  @Test
  void shouldFindEveryOriginalWhenBlobsMoveLessThanTheirWidth() {
    Invariance.Centred c = pixelsCentred(blobs(0), Invariance.Transform.shift(1, 0));
    assertThat(c.retrievalAt1()).isEqualTo(1.0);
    assertThat(c.sameCosine()).isGreaterThan(c.differentCosine() + 0.5);
  }

  @Test
  void shouldFindAlmostNoOriginalWhenBlobsMovePastTheirWidth() {
    Invariance.Centred c = pixelsCentred(blobs(0), Invariance.Transform.shift(4, 0));
    assertThat(c.retrievalAt1()).isLessThan(0.2);
  }

  @Test
  void shouldScoreDifferentImagesNearZeroOnceTheSharedBackgroundIsTakenOut() {
    GrayImages bright = blobs(200);
    try (INDArray a = CodeFeatures.pixels(bright);
        INDArray b =
            CodeFeatures.pixels(Invariance.transform(bright, Invariance.Transform.shift(0, 0)))) {
      assertThat(Invariance.meanCosine(a, b)).isGreaterThan(0.9);
      // Uncentred, two different blobs on one background would score about 0.97.
      assertThat(Invariance.centred(a, b).differentCosine()).isBetween(-0.2, 0.2);
    }
  }

  @Test
  void shouldReproduceThePublishedPixelRetrievalUnderHorizontalShiftsOnFashionMnist()
      throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of("/usr/share/datasets/fashion-mnist");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isRegularFile(dir.resolve("t10k-images-idx3-ubyte.gz")),
        "Fashion-MNIST is not installed");
    GrayImages test =
        io.pinwheel.trainer.data.FashionMnist.read(
                dir, io.pinwheel.trainer.data.FashionMnist.Split.TEST)
            .head(1000);
    double[] expected = {0.57, 0.22, 0.12};
    for (int s = 1; s <= 3; s++) {
      double right = pixelsCentred(test, Invariance.Transform.shift(s, 0)).retrievalAt1();
      double left = pixelsCentred(test, Invariance.Transform.shift(-s, 0)).retrievalAt1();
      assertThat((right + left) / 2).as("shift %d", s).isCloseTo(expected[s - 1], offset(0.04));
    }
  }
}
