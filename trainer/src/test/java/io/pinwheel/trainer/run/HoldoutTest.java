package io.pinwheel.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.trainer.data.NumberedImages;
import io.pinwheel.trainer.eval.DataSplit;
import org.junit.jupiter.api.Test;

class HoldoutTest {
  @Test
  void shouldFitOnExactlyEvalsFitPart() {
    DataSplit eval =
        DataSplit.of(
            NumberedImages.of(200),
            NumberedImages.of(200),
            DataSplit.DEFAULT_VALIDATION_FRACTION,
            DataSplit.DEFAULT_SEED);
    Holdout.Parts parts = Holdout.DEFAULT.cut(NumberedImages.of(200), 0);
    assertThat(parts.fit()).isEqualTo(eval.fit());
    assertThat(parts.validation()).contains(eval.validation());
  }

  @Test
  void shouldLeaveEveryValidationImageOutOfTheFitPart() {
    Holdout.Parts parts = Holdout.DEFAULT.cut(NumberedImages.of(200), 0);
    assertThat(NumberedImages.labels(parts.fit()))
        .doesNotContainAnyElementsOf(NumberedImages.labels(parts.validation().orElseThrow()));
  }

  @Test
  void shouldHoldOutATenthForValidation() {
    Holdout.Parts parts = Holdout.DEFAULT.cut(NumberedImages.of(200), 0);
    assertThat(parts.fit().count()).isEqualTo(180);
    assertThat(parts.validation().orElseThrow().count()).isEqualTo(20);
  }

  @Test
  void shouldLimitTheFitPartButKeepTheWholeValidationPart() {
    Holdout.Parts parts = Holdout.DEFAULT.cut(NumberedImages.of(200), 50);
    assertThat(parts.fit().count()).isEqualTo(50);
    assertThat(parts.validation().orElseThrow().count()).isEqualTo(20);
    assertThat(NumberedImages.labels(parts.fit()))
        .doesNotContainAnyElementsOf(NumberedImages.labels(parts.validation().orElseThrow()));
  }

  @Test
  void shouldFitOnEveryImageAndHoldNothingOutWhenFittingOnAll() {
    Holdout.Parts parts = new Holdout(Holdout.FitOn.ALL, false).cut(NumberedImages.of(200), 0);
    assertThat(parts.fit()).isEqualTo(NumberedImages.of(200));
    assertThat(parts.validation()).isEmpty();
  }

  @Test
  void shouldRecordTheSizesSeedAndFractionOfTheSplit() {
    Holdout.Parts parts = Holdout.DEFAULT.cut(NumberedImages.of(200), 0);
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
