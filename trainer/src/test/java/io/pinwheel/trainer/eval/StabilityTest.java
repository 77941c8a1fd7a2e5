package io.pinwheel.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.pinwheel.extractor.OpenCv;
import io.pinwheel.trainer.data.DataException;
import io.pinwheel.trainer.data.GrayImages;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

class StabilityTest {
  @TempDir Path dir;

  private Path noisePhoto(int side) {
    OpenCv.load();
    SplittableRandom random = new SplittableRandom(5);
    byte[] px = new byte[side * side];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) random.nextInt(256);
    }
    Path file = dir.resolve("noise.png");
    Mat m = new Mat(side, side, CvType.CV_8UC1);
    try {
      m.put(0, 0, px);
      Imgcodecs.imwrite(file.toString(), m);
    } finally {
      m.release();
    }
    return file;
  }

  @Test
  void shouldCutPanFramesThatAreTheFirstFrameMovedByTheStep() throws DataException {
    // 64 px scene for 16 px frames (scale 4): no resampling, so the pan is exact.
    List<GrayImages> seq =
        Stability.sequences(noisePhoto(64), 16, 16, new Stability.Camera(21, 2, 0.01, 4));
    GrayImages pan = seq.get(0);
    assertThat(pan.count()).isEqualTo(21);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x + 2 < 16; x++) {
        assertThat(pan.pixels()[(16 + y) * 16 + x]).isEqualTo(pan.pixels()[y * 16 + x + 2]);
      }
    }
  }

  @Test
  void shouldScoreIdenticalNeighboursOneAndUnrelatedFramesNearZero() {
    // Two sequences of 21 rows: in each, frame pairs (2i, 2i+1) are equal, frames otherwise random.
    SplittableRandom random = new SplittableRandom(7);
    float[] v = new float[42 * 200];
    for (int f = 0; f < 42; f++) {
      int source = f % 2 == 1 && f % 21 != 0 ? f - 1 : f;
      for (int j = 0; j < 200; j++) {
        v[f * 200 + j] = source == f ? (float) random.nextGaussian() : v[source * 200 + j];
      }
    }
    try (INDArray x = org.nd4j.linalg.factory.Nd4j.create(v, new long[] {42, 200})) {
      Stability.Row row = Stability.row("noise", x, 1, 21);
      // Lag 1 pairs alternate equal / unrelated: about half of them are 1.
      assertThat(row.all().get(0)).isCloseTo(0.5, offset(0.1));
      assertThat(row.all().get(1)).isCloseTo(0.0, offset(0.1));
    }
  }

  @Test
  void shouldRefuseFewerFramesThanTheLargestLag() {
    assertThatThrownBy(() -> new Stability.Camera(20, 2, 0.01, 4))
        .hasMessageContaining("frames must be > 20");
  }

  /** Two sequences of 21 rows of 100 non-negative values drifting slowly from frame to frame. */
  private static INDArray driftingCodes() {
    SplittableRandom random = new SplittableRandom(3);
    float[] v = new float[42 * 100];
    for (int f = 0; f < 42; f++) {
      for (int j = 0; j < 100; j++) {
        v[f * 100 + j] =
            f % 21 == 0
                ? (float) random.nextDouble()
                : (float) Math.max(0, v[(f - 1) * 100 + j] + 0.05 * random.nextGaussian());
      }
    }
    return org.nd4j.linalg.factory.Nd4j.create(v, new long[] {42, 100});
  }

  @Test
  void shouldPlaceEachSweepThresholdSoItsShareOfValuesPasses() {
    try (INDArray codes = driftingCodes()) {
      List<Stability.RulePoint> sweep = Stability.ruleSweep(codes, 1, 21, OptionalInt.empty());

      assertThat(sweep).hasSize(Stability.SWEEP_DENSITIES.size());
      for (Stability.RulePoint p : sweep) {
        assertThat(p.density())
            .as("target %s", p.targetDensity())
            .isCloseTo(p.targetDensity(), offset(0.002));
      }
    }
  }

  @Test
  void shouldScoreTheSoftThresholdAboveTheHardOneOnSlowlyDriftingCodes() {
    try (INDArray codes = driftingCodes()) {
      Stability.RulePoint tenPercent =
          Stability.ruleSweep(codes, 1, 21, OptionalInt.empty()).get(2);

      assertThat(tenPercent.shrunk().get(0)).isGreaterThan(tenPercent.kept().get(0));
    }
  }

  @Test
  void shouldApplyTheModelsFloorToEachFrameInTheSweep() {
    try (INDArray codes = driftingCodes()) {
      Stability.RulePoint sparsest = Stability.ruleSweep(codes, 1, 21, OptionalInt.of(50)).get(0);

      assertThat(sparsest.targetDensity()).isEqualTo(0.02);
      assertThat(sparsest.density()).isCloseTo(0.5, offset(0.01));
    }
  }
}
