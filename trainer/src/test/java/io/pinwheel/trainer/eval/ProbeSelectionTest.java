package io.pinwheel.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.trainer.data.GrayImages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ProbeSelectionTest {
  /** Dark (label 0) and bright (label 1) noisy 8x8 images. */
  private static GrayImages darkAndBright(int count, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    byte[] px = new byte[count * 64];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = i % 2;
      for (int j = 0; j < 64; j++) {
        px[i * 64 + j] = (byte) ((labels[i] == 0 ? 60 : 190) + random.nextInt(-50, 51));
      }
    }
    return new GrayImages(count, 8, 8, px, labels);
  }

  @Test
  void shouldKeepTheFirstSettingWithTheBestValidationAccuracy() {
    GrayImages fit = darkAndBright(80, 1);
    GrayImages val = darkAndBright(40, 2);
    GrayImages test = darkAndBright(40, 3);
    List<String> told = new ArrayList<>();
    ProbeSelection.Result r;
    try (INDArray f = CodeFeatures.pixels(fit);
        INDArray v = CodeFeatures.pixels(val);
        INDArray t = CodeFeatures.pixels(test)) {
      r =
          ProbeSelection.choose(
                  FeatureMatrix.of(f),
                  fit.labels(),
                  FeatureMatrix.of(v),
                  val.labels(),
                  2,
                  LinearProbe.Options.defaults(),
                  List.of(10.0, 1e-4),
                  List.of(5),
                  (i, n, l2, e) -> told.add(i + "/" + n))
              .scoredOn(FeatureMatrix.of(t), test.labels());
    }
    double best =
        r.candidates().stream()
            .mapToDouble(ProbeSelection.Candidate::validationAccuracy)
            .max()
            .orElseThrow();
    double firstBest =
        r.candidates().stream()
            .filter(c -> c.validationAccuracy() == best)
            .findFirst()
            .orElseThrow()
            .l2();
    assertThat(r.validationAccuracy()).isEqualTo(best);
    assertThat(r.l2()).isEqualTo(firstBest);
    assertThat(r.testAccuracy()).isGreaterThan(0.9);
    assertThat(told).containsExactly("1/2", "2/2");
  }
}
