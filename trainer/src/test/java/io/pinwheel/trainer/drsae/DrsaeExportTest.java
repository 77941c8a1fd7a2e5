package io.pinwheel.trainer.drsae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputSpec;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DrsaeExportTest {
  private static final int SIDE = 6;
  private static final int D = SIDE * SIDE;
  private static final int K = 12;
  private static final int T = 4;

  /** A model with a non-zero lateral matrix, so the recurrence matters, and a trained-like head. */
  private static DrsaeModel model() {
    DrsaeModel m = DrsaeModel.initial(new DrsaeConfig(K, D, 10, T, 0.1), 3);
    SplittableRandom rnd = new SplittableRandom(5);
    float[] s = m.parameter(DrsaeGradients.LATERAL);
    float[] c = m.parameter(DrsaeGradients.CLASSIFIER);
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) (0.3 * rnd.nextGaussian());
    }
    for (int i = 0; i < c.length; i++) {
      c[i] = (float) rnd.nextGaussian();
    }
    java.util.Arrays.fill(m.parameter(DrsaeGradients.BIAS), -0.05f);
    return m;
  }

  @Test
  void shouldServeTheCodesAndScoresTheTrainerComputes() throws Exception {
    DrsaeModel trained = model();
    EncoderModel served =
        EncoderFile.read(
            EncoderFile.toBytes(
                new EncoderModel(
                    "d",
                    1,
                    Instant.EPOCH,
                    new InputSpec(SIDE, SIDE, 1, new Normalization.None()),
                    DrsaeJob.layers(trained.parameters(), trained.config()),
                    OutputSpec.threshold(0f),
                    "{}",
                    Map.of())),
            "drsae test model");
    SplittableRandom rnd = new SplittableRandom(7);
    int n = 5;
    float[] x = new float[n * D];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    float[] codes;
    float[] scores;
    try (DrsaeGradients trainer = new DrsaeGradients(trained.config(), n, 1)) {
      codes = trainer.codes(trained.parameters(), x, n);
      scores = trainer.scores(trained.parameters(), x, n);
    }
    try (Encoder encoder = new Encoder(served)) {
      for (int r = 0; r < n; r++) {
        float[] frame = new float[D];
        System.arraycopy(x, r * D, frame, 0, D);
        SparseCode code = encoder.encode(Frame.of(1, SIDE, SIDE, frame));
        float[] dense = code.toDense();
        for (int k = 0; k < K; k++) {
          assertThat(dense[k])
              .as("unit %d of row %d", k, r)
              .isCloseTo(codes[r * K + k], within(1e-4f));
        }
        for (int c = 0; c < 10; c++) {
          assertThat(code.scores()[c]).isCloseTo(scores[r * 10 + c], within(1e-3f));
        }
        assertThat(code.label()).isEqualTo(served.head().orElseThrow().labelOf(code.scores()));
      }
    }
  }
}
