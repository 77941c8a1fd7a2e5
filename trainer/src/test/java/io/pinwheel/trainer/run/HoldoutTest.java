package io.pinwheel.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.trainer.data.GrayImages;
import io.pinwheel.trainer.eval.DataSplit;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HoldoutTest {
  /** 200 1x1 images labelled by their index. */
  private static GrayImages numbered() {
    byte[] px = new byte[200];
    int[] labels = new int[200];
    for (int i = 0; i < 200; i++) {
      px[i] = (byte) i;
      labels[i] = i;
    }
    return new GrayImages(200, 1, 1, px, labels);
  }

  private static Set<Integer> labels(GrayImages g) {
    Set<Integer> s = new HashSet<>();
    for (int l : g.labels()) {
      s.add(l);
    }
    return s;
  }

  @Test
  void shouldFitOnExactlyEvalsFitPart() {
    DataSplit eval =
        DataSplit.of(
            numbered(), numbered(), DataSplit.DEFAULT_VALIDATION_FRACTION, DataSplit.DEFAULT_SEED);
    Holdout.Parts parts = Holdout.DEFAULT.cut(numbered(), 0);
    assertThat(parts.fit()).isEqualTo(eval.fit());
    assertThat(parts.validation()).contains(eval.validation());
  }

  @Test
  void shouldLeaveEveryValidationImageOutOfTheFitPart() {
    Holdout.Parts parts = Holdout.DEFAULT.cut(numbered(), 0);
    assertThat(labels(parts.fit()))
        .doesNotContainAnyElementsOf(labels(parts.validation().orElseThrow()));
  }

  @Test
  void shouldHoldOutATenthForValidation() {
    Holdout.Parts parts = Holdout.DEFAULT.cut(numbered(), 0);
    assertThat(parts.fit().count()).isEqualTo(180);
    assertThat(parts.validation().orElseThrow().count()).isEqualTo(20);
  }

  @Test
  void shouldLimitTheFitPartButKeepTheWholeValidationPart() {
    Holdout.Parts parts = Holdout.DEFAULT.cut(numbered(), 50);
    assertThat(parts.fit().count()).isEqualTo(50);
    assertThat(parts.validation().orElseThrow().count()).isEqualTo(20);
    assertThat(labels(parts.fit()))
        .doesNotContainAnyElementsOf(labels(parts.validation().orElseThrow()));
  }

  @Test
  void shouldFitOnEveryImageAndHoldNothingOutWhenFittingOnAll() {
    Holdout.Parts parts = new Holdout(Holdout.FitOn.ALL, false).cut(numbered(), 0);
    assertThat(parts.fit()).isEqualTo(numbered());
    assertThat(parts.validation()).isEmpty();
  }

  @Test
  void shouldRecordTheSizesSeedAndFractionOfTheSplit() {
    Holdout.Parts parts = Holdout.DEFAULT.cut(numbered(), 0);
    ObjectNode json = Holdout.DEFAULT.json(parts, 200);
    assertThat(json.get("fitOn").asText()).isEqualTo("fit-part");
    assertThat(json.get("trainImages").asInt()).isEqualTo(200);
    assertThat(json.get("fitImages").asInt()).isEqualTo(180);
    assertThat(json.get("validationImages").asInt()).isEqualTo(20);
    assertThat(json.get("seed").asLong()).isEqualTo(15);
    assertThat(json.get("validationFraction").asDouble()).isEqualTo(0.1);
    assertThat(json.get("testScored").asBoolean()).isFalse();
  }
}
