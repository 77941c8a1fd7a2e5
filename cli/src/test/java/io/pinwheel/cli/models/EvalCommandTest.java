package io.pinwheel.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.trainer.GaborModelOptions;
import io.pinwheel.trainer.InitialModels;
import io.pinwheel.trainer.data.FashionMnist;
import io.pinwheel.trainer.data.GrayImages;
import io.pinwheel.trainer.data.Idx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {
  @TempDir Path dir;

  private Path data;
  private Path model;

  @BeforeEach
  void writeTinyFashionMnistAndAModel() throws IOException {
    data = Files.createDirectory(dir.resolve("fmnist"));
    Idx.writeSplit(data, FashionMnist.Split.TRAIN, gratings(60, 1), true);
    Idx.writeSplit(data, FashionMnist.Split.TEST, gratings(20, 2), true);
    model = dir.resolve("gabor28.pwe");
    EncoderFile.write(
        InitialModels.gabor(
            GaborModelOptions.defaults().withSize(28).withKernel(7).withThreshold(0.5)),
        model);
  }

  /** Horizontal (label 0) and vertical (label 1) gratings of random phase, 28x28. */
  private static GrayImages gratings(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] pixels = new byte[count * 28 * 28];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      int label = i % 2;
      labels[i] = label;
      double phase = random.nextDouble(2 * Math.PI);
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          double t = label == 0 ? y : x;
          pixels[(i * 28 + y) * 28 + x] =
              (byte) Math.round(128 + 100 * Math.sin(2 * Math.PI * t / 6 + phase));
        }
      }
    }
    return new GrayImages(count, 28, 28, pixels, labels);
  }

  private Cli eval(String... extra) {
    String[] base = {
      "eval",
      "--model",
      model.toString(),
      "--data",
      "fashion-mnist:" + data,
      "--pre-pooling-train-limit",
      "20",
      "--baseline-cache",
      dir.resolve("cache").toString()
    };
    return Cli.run(base, extra);
  }

  @Test
  void shouldPrintOneJsonObjectWithTheAccuraciesTheirSplitAndInvariance() throws Exception {
    Cli cli = eval("--json", "--train-limit", "40", "--invariance-images", "5");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines()).hasSize(1);
    JsonNode report = cli.lines().get(0);
    assertThat(report.get("model").asText()).isEqualTo("gabor");
    assertThat(report.get("split").get("fitImages").asInt()).isEqualTo(36);
    assertThat(report.get("split").get("validationImages").asInt()).isEqualTo(4);
    assertThat(report.get("split").get("testImages").asInt()).isEqualTo(20);
    assertThat(report.get("split").get("seed").asLong()).isEqualTo(15);
    assertThat(report.get("codes").get("testAccuracy").doubleValue()).isBetween(0.0, 1.0);
    assertThat(report.get("codes").get("validationAccuracy").doubleValue()).isBetween(0.0, 1.0);
    assertThat(report.get("pixels").get("probe").get("testAccuracy").doubleValue())
        .isBetween(0.0, 1.0);
    assertThat(report.get("density").doubleValue()).isBetween(0.0, 1.0);
    assertThat(report.get("invariance").size()).isEqualTo(7);
  }

  @Test
  void shouldPrintATableByDefault() {
    Cli cli = eval("--test-limit", "10", "--invariance-images", "5");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("linear probe on", "validation", "shift 3");
  }

  @Test
  void shouldPrintProgressOnStandardError() {
    Cli cli = eval("--test-limit", "10", "--invariance-images", "0");
    assertThat(cli.err()).contains("eval 1/", "encoding", "probe: L2");
  }

  @Test
  void shouldSayTheBaselinesCameFromTheCacheOnTheSecondRun() {
    eval("--json", "--invariance-images", "0");
    Cli second = eval("--json", "--invariance-images", "0");
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.lines().get(0).get("pixels").get("source").asText()).startsWith("cached ");
  }

  @Test
  void shouldOmitTheBaselinesWhenSkipped() {
    Cli cli = eval("--json", "--invariance-images", "0", "--baselines", "skipped");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines().get(0).get("pixels").isNull()).isTrue();
  }

  @Test
  void shouldLeaveTheTestScoreNullAndSkipBaselinesWithValidationOnly() {
    Cli cli = eval("--json", "--invariance-images", "3", "--validation-only");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    assertThat(report.get("codes").get("testAccuracy").isNull()).isTrue();
    assertThat(report.get("pixels").isNull()).isTrue();
    assertThat(report.get("invarianceSplit").asText()).isEqualTo("validation");
  }

  @Test
  void shouldRefuseValidationOnlyWithBaselinesThatScoreTest() {
    Cli cli = eval("--validation-only", "--baselines", "computed");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("validationOnly needs baselines SKIPPED");
  }

  @Test
  void shouldChooseTheProbeL2FromTheGridGiven() {
    Cli cli =
        eval("--json", "--invariance-images", "0", "--validation-only", "--probe-l2", "1e-3,1e-2");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode candidates = cli.lines().get(0).get("codes").get("candidates");
    assertThat(candidates.size()).isEqualTo(2);
    assertThat(candidates.get(1).get("l2").asDouble()).isEqualTo(1e-2);
  }

  @Test
  void shouldRefuseANegativeProbeL2() {
    Cli cli = eval("--probe-l2", "-1");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("l2Grid");
  }

  @Test
  void shouldRefuseAnUnknownBaselineMode() {
    Cli cli = eval("--baselines", "sometimes");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--baselines must be cached, computed or skipped");
  }

  @Test
  void shouldWriteTheDensityPlotAndItsJson() throws Exception {
    Path png = dir.resolve("sweep.png");
    Cli cli =
        eval(
            "--invariance-images", "4", "--baselines", "skipped", "--density-plot", png.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(Files.readAllBytes(png)).startsWith(0x89, 'P', 'N', 'G');
    JsonNode sweep =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(dir.resolve("sweep.json").toFile());
    assertThat(sweep.get("points").size()).isEqualTo(7);
  }

  @Test
  void shouldSweepOnlyTheDensityTargetsGiven() throws Exception {
    Path png = dir.resolve("two.png");
    Cli cli =
        eval(
            "--invariance-images",
            "4",
            "--validation-only",
            "--density-plot",
            png.toString(),
            "--density-targets",
            "0.1,0.3");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode sweep =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(dir.resolve("two.json").toFile());
    assertThat(sweep.get("points").size()).isEqualTo(2);
    assertThat(sweep.get("outputRule").asText()).isEqualTo("keep");
  }

  @Test
  void shouldSweepWithTheOutputRuleAskedFor() throws Exception {
    Path png = dir.resolve("shrink.png");
    Cli cli =
        eval(
            "--invariance-images",
            "4",
            "--validation-only",
            "--density-plot",
            png.toString(),
            "--density-targets",
            "0.1",
            "--output-rule",
            "shrink");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode sweep =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(dir.resolve("shrink.json").toFile());
    assertThat(sweep.get("outputRule").asText()).isEqualTo("shrink");
  }

  @Test
  void shouldRefuseAnOutputRuleWithoutADensityPlot() {
    Cli cli = eval("--output-rule", "shrink");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--output-rule is the rule the --density-plot sweep applies");
  }

  @Test
  void shouldRefuseADensityTargetOfZero() {
    Cli cli = eval("--density-plot", dir.resolve("z.png").toString(), "--density-targets", "0");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--density-targets must each be in (0, 1]");
  }

  @Test
  void shouldExitWithUsageNamingThePathAndTheScriptWhenDataIsMissing() {
    Path missing = dir.resolve("nowhere");
    Cli cli = Cli.run("eval", "--model", model.toString(), "--data", "fashion-mnist:" + missing);
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains(missing.toString(), "scripts/get-datasets.sh");
  }

  @Test
  void shouldRefuseAModelWhoseInputIsNot28By28() throws IOException {
    Path big = dir.resolve("gabor96.pwe");
    EncoderFile.write(InitialModels.gabor(), big);
    Cli cli = Cli.run("eval", "--model", big.toString(), "--data", "fashion-mnist:" + data);
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("96x96x1", "28x28x1");
  }

  @Test
  void shouldRefuseAnUnknownDataSet() {
    Cli cli = Cli.run("eval", "--model", model.toString(), "--data", "mnist");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--data");
  }

  @Test
  void shouldPointToTheFashionMnistModelsWhenGivenNone() {
    Cli cli = Cli.run("eval", "--data", "fashion-mnist:" + data);

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("natural", "96x96x1", "--model fashion-mnist or drsae");
  }
}
