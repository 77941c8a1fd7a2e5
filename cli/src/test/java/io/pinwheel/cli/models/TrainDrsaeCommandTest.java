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
  void shouldReportTheServedAccuracyAndTheUnitSplit() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 128, 40);
    Path out = dir.resolve("d.pwe");
    Cli cli = train(data, out);
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    // Vertical against horizontal gratings: a classifier on any code that kept orientation wins.
    assertThat(report.get("testAccuracy").asDouble()).isGreaterThanOrEqualTo(0.95);
    // The extractor serving the file agrees with the graph it was trained as.
    assertThat(report.get("testAccuracy").asDouble())
        .isEqualTo(report.get("testAccuracyTrainerGraph").asDouble());
    assertThat(report.get("codeDensity").asDouble()).isBetween(0.0, 1.0);
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
}
