package io.pinwheel.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.GaborModelOptions;
import io.pinwheel.trainer.InitialModels;
import io.pinwheel.trainer.data.GrayImages;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  private static final EncoderModel MODEL =
      InitialModels.gabor(
          GaborModelOptions.defaults().withSize(28).withKernel(7).withThreshold(0.5));

  private static final EvalOptions OPTIONS =
      EvalOptions.defaults()
          .withInvarianceImages(10)
          .withPrePoolingTrainLimit(60)
          .withProbe(LinearProbe.Options.defaults().withEpochs(10))
          .withL2Grid(List.of());

  private static EvalReport report;

  @BeforeAll
  static void evaluateGratings() {
    report =
        Evaluation.run(
            MODEL, Synthetic.gratings(160, 28, 1), Synthetic.gratings(60, 28, 2), OPTIONS);
  }

  @Test
  void shouldSeparateOrientedGratingsWithTheCodeProbe() {
    assertThat(report.testAccuracy()).isGreaterThan(0.9);
  }

  @Test
  void shouldReportTheModelAndCounts() {
    assertThat(report.model()).isEqualTo("gabor");
    assertThat(report.codeShape()).containsExactly(16, 11, 11);
    assertThat(report.trainImages()).isEqualTo(160);
    assertThat(report.testImages()).isEqualTo(60);
    assertThat(report.prePoolingTrainImages()).isEqualTo(60);
    assertThat(report.prePoolingTestAccuracy()).isNotNull();
  }

  @Test
  void shouldReportADensityThatMatchesTheNonZerosPerImage() {
    assertThat(report.density()).isBetween(0.0, 1.0);
    assertThat(report.meanNonZeros()).isCloseTo(report.density() * 16 * 11 * 11, within());
  }

  @Test
  void shouldReportOneInvarianceRowPerStandardCase() {
    assertThat(report.invariance()).extracting(Invariance.Row::transform).hasSize(5);
    assertThat(report.invarianceImages()).isEqualTo(10);
  }

  @Test
  void shouldWriteEveryFieldAsJson() throws Exception {
    JsonNode json = new ObjectMapper().readTree(report.toJson());
    assertThat(json.get("testAccuracy").doubleValue()).isEqualTo(report.testAccuracy());
    assertThat(json.get("invariance").get(0).get("pooled").isNumber()).isTrue();
    assertThat(json.get("timings").get("total").doubleValue()).isPositive();
    assertThat(json.get("codeShape").size()).isEqualTo(3);
  }

  @Test
  void shouldRenderATableWithTheAccuraciesAndTheInvarianceRows() {
    String table = report.toTable();
    assertThat(table).contains("test accuracy (codes)", "test accuracy (pixels)", "rotate -10");
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
    assertThatThrownBy(() -> EvalOptions.defaults().withL2Grid(List.of(-1.0)))
        .hasMessageContaining("l2Grid");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }
}
