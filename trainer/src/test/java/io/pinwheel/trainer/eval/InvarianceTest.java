package io.pinwheel.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.GaborModelOptions;
import io.pinwheel.trainer.InitialModels;
import io.pinwheel.trainer.data.GrayImages;
import java.util.List;
import org.junit.jupiter.api.Test;

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
  void shouldListShiftsOneToThreeAndBothRotations() {
    assertThat(Invariance.standardCases().stream().map(Invariance.Case::name))
        .containsExactly("shift 1", "shift 2", "shift 3", "rotate +10", "rotate -10");
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
}
