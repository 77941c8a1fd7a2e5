package io.pinwheel.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.GaborModelOptions;
import io.pinwheel.trainer.InitialModels;
import io.pinwheel.trainer.data.GrayImages;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {
  private static final EncoderModel MODEL =
      InitialModels.gabor(
          GaborModelOptions.defaults().withSize(28).withKernel(7).withThreshold(0.5));

  private static final EvalOptions OPTIONS =
      EvalOptions.defaults()
          .withInvarianceImages(10)
          .withPrePoolingTrainLimit(60)
          .withProbe(LinearProbe.Options.defaults().withEpochs(10))
          .withGrids(List.of(), List.of());

  private static EvalReport report;

  @BeforeAll
  static void evaluateGratings() {
    report =
        Evaluation.run(
            MODEL, Synthetic.gratings(160, 28, 1), Synthetic.gratings(60, 28, 2), OPTIONS);
  }

  @Test
  void shouldSeparateOrientedGratingsWithTheCodeProbe() {
    assertThat(report.codes().testAccuracy()).isGreaterThan(0.9);
  }

  @Test
  void shouldReportTheModelAndCounts() {
    assertThat(report.model()).isEqualTo("gabor");
    assertThat(report.codeShape()).containsExactly(16, 11, 11);
    assertThat(report.prePooling().probe().fitImages()).isEqualTo(60);
  }

  @Test
  void shouldCutTheTrainingImagesIntoFitAndValidationAndRecordTheSplit() {
    assertThat(report.split()).isEqualTo(new DataSplit.Sizes(144, 16, 60, DataSplit.DEFAULT_SEED));
    assertThat(report.codes().fitImages()).isEqualTo(144);
  }

  @Test
  void shouldReportADensityThatMatchesTheNonZerosPerImage() {
    assertThat(report.density()).isBetween(0.0, 1.0);
    assertThat(report.meanNonZeros()).isCloseTo(report.density() * 16 * 11 * 11, within());
  }

  @Test
  void shouldReportOneInvarianceRowPerStandardCase() {
    assertThat(report.invariance()).extracting(Invariance.Row::transform).hasSize(7);
    assertThat(report.invarianceImages()).isEqualTo(10);
  }

  @Test
  void shouldWriteEveryFieldAsJson() throws Exception {
    JsonNode json = new ObjectMapper().readTree(report.toJson());
    assertThat(json.get("codes").get("testAccuracy").doubleValue())
        .isEqualTo(report.codes().testAccuracy());
    assertThat(json.get("codes").get("validationAccuracy").doubleValue())
        .isEqualTo(report.codes().validationAccuracy());
    assertThat(json.get("split").get("validationImages").intValue()).isEqualTo(16);
    assertThat(json.get("pixels").get("source").textValue()).isEqualTo("computed");
    assertThat(json.get("invariance").get(0).get("pooledCentred").get("retrievalAt1").isNumber())
        .isTrue();
    assertThat(json.get("timings").get("total").doubleValue()).isPositive();
    assertThat(json.get("codeShape").size()).isEqualTo(3);
  }

  @Test
  void shouldRenderATableWithTheAccuraciesAndTheInvarianceRows() {
    String table = report.toTable();
    assertThat(table).contains("fit + 16 validation", "pixels", "rotate -10", "retrieval@1");
  }

  @Test
  void shouldRefuseUnlabelledTestImages() {
    GrayImages train = Synthetic.gratings(10, 28, 3);
    GrayImages test = new GrayImages(1, 28, 28, new byte[28 * 28], new int[0]);
    assertThatThrownBy(() -> Evaluation.run(MODEL, train, test, OPTIONS))
        .hasMessageContaining("test must be labelled");
  }

  @Test
  void shouldNameTheFieldOfAnInvalidOption() {
    assertThatThrownBy(() -> EvalOptions.defaults().withThreads(0)).hasMessageContaining("threads");
    assertThatThrownBy(() -> EvalOptions.defaults().withLimits(0, 1))
        .hasMessageContaining("trainLimit");
    assertThatThrownBy(() -> EvalOptions.defaults().withGrids(List.of(-1.0), List.of()))
        .hasMessageContaining("l2Grid");
  }

  @Test
  void shouldReportNoBaselinesWhenSkipped() {
    EvalReport skipped =
        Evaluation.run(
            MODEL,
            Synthetic.gratings(40, 28, 1),
            Synthetic.gratings(20, 28, 2),
            OPTIONS.withInvarianceImages(0).withBaselines(EvalOptions.Baselines.SKIPPED, null));
    assertThat(skipped.pixels()).isNull();
    assertThat(skipped.prePooling()).isNull();
  }

  @Test
  void shouldLeaveTheTestScoreEmptyWhenValidationOnly() {
    EvalReport report = validationOnly(0);
    assertThat(report.codes().testAccuracy()).isNull();
    assertThat(report.codes().validationAccuracy()).isGreaterThan(0.9);
  }

  @Test
  void shouldScoreInvarianceOnValidationImagesWhenValidationOnly() {
    EvalReport report = validationOnly(4);
    assertThat(report.invarianceSplit()).isEqualTo("validation");
    assertThat(report.invarianceImages()).isEqualTo(4);
    assertThat(report.invariance()).hasSize(7);
  }

  @Test
  void shouldWriteTheTestScoreAsNullAndTheTableAsDashWhenValidationOnly() throws Exception {
    EvalReport report = validationOnly(0);
    JsonNode json = new ObjectMapper().readTree(report.toJson());
    assertThat(json.get("codes").get("testAccuracy").isNull()).isTrue();
    assertThat(report.toTable()).containsPattern("codes\\s+-\\s+\\d");
  }

  @Test
  void shouldRefuseValidationOnlyWithBaselinesThatScoreTest() {
    assertThatThrownBy(() -> EvalOptions.defaults().withValidationOnly(true))
        .hasMessageContaining("validationOnly needs baselines SKIPPED");
  }

  @Test
  void shouldScoreInvarianceOnTestImagesByDefault() {
    assertThat(report.invarianceSplit()).isEqualTo("test");
  }

  private static EvalReport validationOnly(int invarianceImages) {
    return Evaluation.run(
        MODEL,
        Synthetic.gratings(160, 28, 1),
        Synthetic.gratings(20, 28, 2),
        OPTIONS
            .withInvarianceImages(invarianceImages)
            .withBaselines(EvalOptions.Baselines.SKIPPED, null)
            .withValidationOnly(true));
  }

  @Test
  void shouldReadBaselinesFromTheCacheOnTheSecondRun(@TempDir Path cache) {
    EvalOptions cached =
        OPTIONS.withInvarianceImages(0).withBaselines(EvalOptions.Baselines.CACHED, cache);
    GrayImages train = Synthetic.gratings(40, 28, 1);
    GrayImages test = Synthetic.gratings(20, 28, 2);
    EvalReport first = Evaluation.run(MODEL, train, test, cached);
    EvalReport second = Evaluation.run(MODEL, train, test, cached);
    assertThat(first.pixels().source()).isEqualTo("computed");
    assertThat(second.pixels().source()).startsWith("cached " + cache);
    assertThat(second.pixels().probe()).isEqualTo(first.pixels().probe());
    assertThat(second.prePooling().probe()).isEqualTo(first.prePooling().probe());
  }

  @Test
  void shouldComputeTheBaselinesAgainWhenTheSplitSeedChanges(@TempDir Path cache) {
    EvalOptions cached =
        OPTIONS.withInvarianceImages(0).withBaselines(EvalOptions.Baselines.CACHED, cache);
    GrayImages train = Synthetic.gratings(40, 28, 1);
    GrayImages test = Synthetic.gratings(20, 28, 2);
    Evaluation.run(MODEL, train, test, cached);
    EvalReport other = Evaluation.run(MODEL, train, test, cached.withSplit(0.1, 99));
    assertThat(other.pixels().source()).isEqualTo("computed");
  }

  @Test
  void shouldTellTheListenerEveryStepInOrder() {
    List<Integer> done = new java.util.ArrayList<>();
    List<Integer> totals = new java.util.ArrayList<>();
    Evaluation.run(
        MODEL,
        Synthetic.gratings(40, 28, 1),
        Synthetic.gratings(20, 28, 2),
        OPTIONS.withInvarianceImages(0),
        (step, d, total) -> {
          done.add(d);
          totals.add(total);
        });
    // Codes: encode, 1 fit, test; pixels and pre-pooling: encode, 1 fit each.
    assertThat(done).containsExactly(0, 1, 2, 3, 4, 5, 6);
    assertThat(totals).containsOnly(7);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }
}
