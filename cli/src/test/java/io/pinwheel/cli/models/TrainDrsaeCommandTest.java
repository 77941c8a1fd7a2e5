package io.pinwheel.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.LinearLayer;
import io.pinwheel.extractor.model.RecurrentLayer;
import io.pinwheel.trainer.data.Idx;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainDrsaeCommandTest {
  @TempDir Path dir;

  private Cli train(Path data, Path out, String... extra) {
    String[] base = {
      "train",
      "drsae",
      "--data",
      "fashion-mnist:" + data,
      "--out",
      out.toString(),
      "--units",
      "32",
      "--steps",
      "3",
      "--epochs",
      "12",
      "--batch",
      "16",
      "--lr",
      "0.01",
      "--threads",
      "1"
    };
    return Cli.run(base, extra);
  }

  @Test
  void shouldWriteARecurrentEncoderWithAClassifierHead() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 128, 40);
    Path out = dir.resolve("d.pwe");
    Cli cli = train(data, out);
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    EncoderModel model = EncoderFile.read(out);
    assertThat(model.layers()).hasSize(2);
    assertThat(model.layers().get(0)).isInstanceOf(RecurrentLayer.class);
    assertThat(((RecurrentLayer) model.layers().get(0)).steps()).isEqualTo(3);
    assertThat(model.layers().get(1)).isInstanceOf(LinearLayer.class);
    assertThat(model.head().orElseThrow().labels()).startsWith("T-shirt/top", "Trouser");
    assertThat(model.trainingTensors()).containsKey("decoder");
  }

  @Test
  void shouldTranslateTrainingImagesByOnePixelUnlessToldOtherwise() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 128, 40);
    Cli byDefault = train(data, dir.resolve("a.pwe"));
    Cli still = train(data, dir.resolve("b.pwe"), "--shift", "0");
    assertThat(byDefault.exitCode()).as(byDefault.err()).isZero();
    assertThat(still.exitCode()).as(still.err()).isZero();
    assertThat(byDefault.lines().get(0).get("options").get("shift").asInt()).isEqualTo(1);
    assertThat(still.lines().get(0).get("options").get("shift").asInt()).isZero();
  }

  @Test
  void shouldReportTheServedValidationAccuracyAndTheUnitSplit() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 128, 40);
    Path out = dir.resolve("d.pwe");
    Cli cli = train(data, out);
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    // Vertical against horizontal gratings: a classifier on any code that kept orientation wins.
    assertThat(report.get("validationAccuracy").asDouble()).isGreaterThanOrEqualTo(0.95);
    assertThat(report.get("codeDensity").asDouble()).isBetween(0.0, 1.0);
    assertThat(report.get("codeDensityOn").asText()).isEqualTo("validation");
    JsonNode units = report.get("units");
    assertThat(
            units.get("categorical").get("units").asInt()
                + units.get("part").get("units").asInt()
                + units.get("silent").asInt())
        .isEqualTo(32);
    assertThat(dir.resolve("d.atoms.png")).isRegularFile();
    assertThat(dir.resolve("d.report.json")).isRegularFile();
    assertThat(cli.err()).contains("epoch 12 done");
  }

  @Test
  void shouldFitOnTheFitPartOfEvalsSplitAndRecordIt() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 128, 40);
    Cli cli = train(data, dir.resolve("d.pwe"));
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    JsonNode split = report.get("split");
    assertThat(split.get("fitOn").asText()).isEqualTo("fit-part");
    assertThat(split.get("fitImages").asInt()).isEqualTo(115);
    assertThat(split.get("validationImages").asInt()).isEqualTo(13);
    assertThat(split.get("seed").asLong()).isEqualTo(15);
    assertThat(split.get("validationFraction").asDouble()).isEqualTo(0.1);
    assertThat(report.get("examples").asInt()).isEqualTo(115);
  }

  @Test
  void shouldShowTheValidationAccuracyOfEveryEpoch() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 128, 40);
    Cli cli = train(data, dir.resolve("d.pwe"));
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.err()).contains("epoch 1 done").contains("validation accuracy");
    JsonNode history = Cli.JSON.readTree(dir.resolve("d.report.json").toFile()).get("history");
    assertThat(history).hasSize(12);
    history.forEach(h -> assertThat(h.get("validationAccuracy").asDouble()).isBetween(0.0, 1.0));
  }

  @Test
  void shouldLeaveTheTestSplitUnscoredByDefault() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 128, 40);
    Cli cli = train(data, dir.resolve("d.pwe"));
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    assertThat(report.has("testAccuracy")).isFalse();
    assertThat(report.has("testExamples")).isFalse();
    assertThat(report.get("split").get("testScored").asBoolean()).isFalse();
  }

  @Test
  void shouldScoreTheTestSplitOnceWhenAsked() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 128, 40);
    Cli cli = train(data, dir.resolve("d.pwe"), "--score-test");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    assertThat(report.get("testExamples").asInt()).isEqualTo(40);
    assertThat(report.get("testAccuracy").asDouble()).isGreaterThanOrEqualTo(0.95);
    // The extractor serving the file agrees with the pass it was trained as.
    assertThat(report.get("testAccuracy").asDouble())
        .isEqualTo(report.get("testAccuracyTrainerGraph").asDouble());
    assertThat(report.get("split").get("testScored").asBoolean()).isTrue();
  }

  @Test
  void shouldFitOnEveryTrainingImageWithFitOnAll() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 128, 40);
    Cli cli = train(data, dir.resolve("d.pwe"), "--fit-on", "all");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    assertThat(report.get("split").get("fitOn").asText()).isEqualTo("all");
    assertThat(report.get("split").get("validationImages").asInt()).isZero();
    assertThat(report.get("examples").asInt()).isEqualTo(128);
    assertThat(report.has("validationAccuracy")).isFalse();
  }

  @Test
  void shouldRefuseAnUnknownFitOn() {
    Cli cli =
        Cli.run("train", "drsae", "--out", dir.resolve("d.pwe").toString(), "--fit-on", "test");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--fit-on").contains("expected fit-part or all");
  }

  @Test
  void shouldTrainAModelThatEvalScoresWithItsOwnHeadAndAProbe() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 128, 40);
    Path out = dir.resolve("d.pwe");
    assertThat(train(data, out).exitCode()).isZero();
    Cli eval =
        Cli.run(
            "eval",
            "--model",
            out.toString(),
            "--data",
            "fashion-mnist:" + data,
            "--threads",
            "1",
            "--invariance-images",
            "10",
            "--baseline-cache",
            dir.resolve("cache").toString(),
            "--json");
    assertThat(eval.exitCode()).as(eval.err()).isZero();
    JsonNode report = eval.lines().get(0);
    assertThat(report.get("headTestAccuracy").asDouble()).isGreaterThanOrEqualTo(0.95);
    assertThat(report.get("codes").get("testAccuracy").asDouble()).isGreaterThanOrEqualTo(0.8);
    // A recurrent code has no pooling, so there is no pre-pooling code to compare with.
    assertThat(report.get("pixels").isNull()).isFalse();
    assertThat(report.get("prePooling").isNull()).isTrue();
    assertThat(report.get("invariance").get(0).get("prePooling").isNull()).isTrue();
  }

  @Test
  void shouldRefuseAnUnlabelledImageFolder() throws Exception {
    Path folder = java.nio.file.Files.createDirectories(dir.resolve("photos"));
    Cli cli =
        Cli.run(
            "train",
            "drsae",
            "--data",
            folder.toString(),
            "--out",
            dir.resolve("d.pwe").toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("needs labelled images");
  }

  @Test
  void shouldReportEveryInvalidOptionAtOnce() {
    Cli cli =
        Cli.run(
            "train",
            "drsae",
            "--out",
            dir.resolve("d.txt").toString(),
            "--units",
            "0",
            "--steps",
            "0");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("out must end in .pwe").contains("units").contains("steps");
  }

  @Test
  void shouldRecordTheUnitsRevivedAfterEachEpochWhenReviving() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 128, 40);
    Cli cli = train(data, dir.resolve("d.pwe"), "--revive-dead", "3");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines().get(0).get("options").get("reviveEpochs").asInt()).isEqualTo(3);
    JsonNode history = Cli.JSON.readTree(dir.resolve("d.report.json").toFile()).get("history");
    history.forEach(h -> assertThat(h.get("revived").asInt()).isBetween(0, 32));
  }

  @Test
  void shouldReviveOverTheFirstTenEpochsByDefault() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 128, 40);
    Cli cli = train(data, dir.resolve("d.pwe"));
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines().get(0).get("options").get("reviveEpochs").asInt()).isEqualTo(10);
  }

  @Test
  void shouldNotReviveWhenReviveDeadIsZero() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 128, 40);
    Cli cli = train(data, dir.resolve("d.pwe"), "--revive-dead", "0");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines().get(0).get("options").get("reviveEpochs").asInt()).isZero();
    JsonNode history = Cli.JSON.readTree(dir.resolve("d.report.json").toFile()).get("history");
    history.forEach(h -> assertThat(h.get("revived").asInt()).isZero());
  }

  @Test
  void shouldRefuseANegativeNumberOfRevivingEpochs() {
    Cli cli =
        Cli.run("train", "drsae", "--out", dir.resolve("d.pwe").toString(), "--revive-dead", "-1");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("revive-dead");
  }
}
