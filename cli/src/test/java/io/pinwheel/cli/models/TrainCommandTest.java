package io.pinwheel.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import io.pinwheel.extractor.TestImages;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.trainer.data.Idx;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
  @TempDir Path dir;

  private Cli train(Path data, Path out, String... extra) {
    String[] base = {
      "train",
      "--data",
      "fashion-mnist:" + data,
      "--out",
      out.toString(),
      "--filters",
      "8",
      "--kernel",
      "5",
      "--groups",
      "topo:2x4:1",
      "--epochs",
      "2",
      "--batch",
      "16",
      "--threads",
      "1"
    };
    return Cli.run(base, extra);
  }

  @Test
  void shouldWriteAServableEncoderAndPrintItsReport() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 64, 16);
    Path out = dir.resolve("g.pwe");
    Cli cli = train(data, out);
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines()).hasSize(1);
    JsonNode report = cli.lines().get(0);
    assertThat(report.get("name").asText()).isEqualTo("g");
    assertThat(report.get("epochsDone").asInt()).isEqualTo(2);
    assertThat(report.get("files").get("filters").asText()).isEqualTo("g.filters.png");
    EncoderModel model = EncoderFile.read(out);
    assertThat(model.input().height()).isEqualTo(28);
    assertThat(dir.resolve("g.report.json")).isRegularFile();
    assertThat(dir.resolve("g.filters.png")).isRegularFile();
    assertThat(cli.err()).contains("epoch 2 done");
  }

  @Test
  void shouldTrainAnEncoderThatEvalScores() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 96, 40);
    Path out = dir.resolve("g.pwe");
    assertThat(train(data, out, "--density", "0.5").exitCode()).isZero();
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
            "20",
            "--baselines",
            "skipped",
            "--json");
    assertThat(eval.exitCode()).as(eval.err()).isZero();
    JsonNode report = eval.lines().get(0);
    // Vertical against horizontal gratings: any encoder that kept orientation separates them.
    assertThat(report.get("codes").get("testAccuracy").asDouble()).isGreaterThanOrEqualTo(0.95);
    assertThat(report.get("density").asDouble()).isBetween(0.01, 0.6);
  }

  @Test
  void shouldStackASecondStageOnATrainedEncoder() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 48, 8);
    Path base = dir.resolve("one.pwe");
    assertThat(train(data, base).exitCode()).isZero();
    Cli cli =
        Cli.run(
            "train",
            "--data",
            "fashion-mnist:" + data,
            "--out",
            dir.resolve("two.pwe").toString(),
            "--stack-on",
            base.toString(),
            "--filters",
            "8",
            "--kernel",
            "3",
            "--groups",
            "block:2",
            "--pool",
            "2:1",
            "--epochs",
            "1",
            "--threads",
            "1");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines().get(0).get("stackedOn").asText()).isEqualTo("one v1");
    EncoderModel two = EncoderFile.read(dir.resolve("two.pwe"));
    assertThat(two.layers()).hasSize(4);
    assertThat(two.input()).isEqualTo(EncoderFile.read(base).input());
  }

  @Test
  void shouldTrainOnAFolderAndNameEveryFileItSkipped() throws Exception {
    Path images = dir.resolve("images");
    Files.createDirectories(images);
    Files.write(images.resolve("a.png"), TestImages.gratingsAndDisc(".png"));
    Files.write(images.resolve("b.jpg"), TestImages.gratingsAndDisc(".jpg"));
    Files.write(images.resolve("empty.png"), new byte[0]);
    Cli cli =
        Cli.run(
            "train",
            "--data",
            images.toString(),
            "--out",
            dir.resolve("n.pwe").toString(),
            "--filters",
            "8",
            "--kernel",
            "5",
            "--groups",
            "block:2",
            "--size",
            "32",
            "--patch",
            "16",
            "--patches",
            "32",
            "--epochs",
            "1",
            "--threads",
            "1");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    assertThat(report.get("examples").asInt()).isEqualTo(2);
    assertThat(report.get("skipped")).hasSize(1);
    assertThat(report.get("skipped").get(0).get("file").asText()).endsWith("empty.png");
    assertThat(report.get("skipped").get(0).get("reason").asText()).startsWith("empty");
    assertThat(cli.err()).contains("skipped").contains("empty.png");
  }

  @Test
  void shouldWriteTheShrinkRuleWhenAskedWithTheThresholdKeepWouldHave() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 32, 8);
    Path keep = dir.resolve("keep.pwe");
    Path shrink = dir.resolve("shrink.pwe");
    Cli kept = train(data, keep, "--density", "0.2");
    Cli shrunk = train(data, shrink, "--density", "0.2", "--output-rule", "shrink");

    assertThat(kept.exitCode()).as(kept.err()).isZero();
    assertThat(shrunk.exitCode()).as(shrunk.err()).isZero();
    assertThat(kept.lines().get(0).get("outputRule").asText()).isEqualTo("keep");
    assertThat(shrunk.lines().get(0).get("outputRule").asText()).isEqualTo("shrink");
    EncoderModel model = EncoderFile.read(shrink);
    assertThat(model.output().rule()).isEqualTo(OutputRule.SHRINK);
    assertThat(model.output().threshold()).isEqualTo(EncoderFile.read(keep).output().threshold());
  }

  @Test
  void shouldRefuseAnUnknownOutputRuleNamingTheAllowedOnes() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 16, 4);
    Cli cli = train(data, dir.resolve("g.pwe"), "--output-rule", "hard");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--output-rule", "must be one of keep, shrink, got \"hard\"");
    assertThat(dir.resolve("g.pwe")).doesNotExist();
  }

  @Test
  void shouldWriteTheFloorWhenAskedWithTheSameThreshold() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 16, 4);
    Path plain = dir.resolve("plain.pwe");
    Path floored = dir.resolve("floored.pwe");
    Cli kept = train(data, plain, "--density", "0.2");
    Cli floor = train(data, floored, "--density", "0.2", "--min-active", "3");

    assertThat(kept.exitCode()).as(kept.err()).isZero();
    assertThat(floor.exitCode()).as(floor.err()).isZero();
    EncoderModel model = EncoderFile.read(floored);
    assertThat(model.output().minActive()).hasValue(3);
    assertThat(model.output().threshold()).isEqualTo(EncoderFile.read(plain).output().threshold());
    assertThat(EncoderFile.read(plain).output().minActive()).isEmpty();
  }

  @Test
  void shouldRefuseAMinActiveBelowOne() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 16, 4);
    Cli cli = train(data, dir.resolve("g.pwe"), "--min-active", "0");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--min-active", "must be >= 1, got 0");
    assertThat(dir.resolve("g.pwe")).doesNotExist();
  }

  @Test
  void shouldRefuseToResumeWithoutACheckpoint() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 16, 4);
    Cli cli = train(data, dir.resolve("g.pwe"), "--resume");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("no checkpoint").contains("g.ckpt.pwe");
  }

  @Test
  void shouldRefuseToStandardizeAnImageFolder() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("photos"));
    Cli cli =
        Cli.run(
            "train",
            "--data",
            folder.toString(),
            "--out",
            dir.resolve("f.pwe").toString(),
            "--normalize",
            "standardize");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--normalize standardize is for Fashion-MNIST");
  }

  @Test
  void shouldNameTheMissingDataFolder() {
    Cli cli = train(dir.resolve("absent"), dir.resolve("g.pwe"));
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("absent");
    assertThat(cli.lines()).isEmpty();
  }

  private Cli trainLattice(Path data, String groups, int filters) {
    return Cli.run(
        "train",
        "--data",
        "fashion-mnist:" + data,
        "--out",
        dir.resolve("g.pwe").toString(),
        "--filters",
        Integer.toString(filters),
        "--kernel",
        "5",
        "--groups",
        groups,
        "--epochs",
        "1",
        "--batch",
        "16",
        "--threads",
        "1",
        "--start-lattice",
        "1");
  }

  @Test
  void shouldRefuseAStartLatticeWithoutATorus() throws Exception {
    Cli cli = trainLattice(Idx.gratings(dir.resolve("idx"), 16, 4), "block:2", 8);

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("startLattice needs topographic pooling");
  }

  @Test
  void shouldRecordTheStartLatticeInTheReportsOptions() throws Exception {
    Cli cli = trainLattice(Idx.gratings(dir.resolve("idx"), 16, 4), "topo:4x4:1", 16);

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines().get(0).get("options").get("startLattice").asInt()).isEqualTo(1);
  }

  @Test
  void shouldReportEveryInvalidOptionAtOnce() {
    Cli cli =
        Cli.run(
            "train",
            "--data",
            "fashion-mnist",
            "--out",
            dir.resolve("g.pwe").toString(),
            "--epochs",
            "0",
            "--lambda",
            "-1");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("epochs must be >= 1").contains("lambda must be");
  }

  @Test
  void shouldRecordTheSplitAndTheValidationEnergyOfEveryEpoch() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 64, 16);
    Cli cli = train(data, dir.resolve("g.pwe"));
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    assertThat(report.get("split").get("fitImages").asInt()).isEqualTo(58);
    assertThat(report.get("split").get("validationImages").asInt()).isEqualTo(6);
    assertThat(report.get("examples").asInt()).isEqualTo(58);
    JsonNode validation = Cli.JSON.readTree(dir.resolve("g.report.json").toFile());
    assertThat(validation.get("validationHistory")).hasSize(2);
    assertThat(validation.get("validationHistory").get(1).get("loss").asDouble()).isPositive();
    assertThat(cli.err()).contains("validation loss");
  }

  @Test
  void shouldRefuseToScoreTestOnAnImageFolder() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("photos"));
    Cli cli =
        Cli.run(
            "train",
            "--data",
            folder.toString(),
            "--out",
            dir.resolve("f.pwe").toString(),
            "--score-test");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("an image folder has no validation or test split");
  }

  @Test
  void shouldSayAFolderWasTrainedOnWholeWithNothingHeldOut() throws Exception {
    Cli cli = trainOnOneImageFolder();
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode split = cli.lines().get(0).get("split");
    assertThat(split.get("fitOn").asText()).isEqualTo("folder");
    assertThat(split.get("heldOut").asText()).startsWith("none");
  }

  @Test
  void shouldWriteNoValidationHistoryForAnImageFolder() throws Exception {
    Cli cli = trainOnOneImageFolder();

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines().get(0).has("validationHistory")).isFalse();
  }

  /** A one-epoch run on a folder holding one image: what a folder's report says. */
  private Cli trainOnOneImageFolder() throws Exception {
    Path images = Files.createDirectories(dir.resolve("images"));
    Files.write(images.resolve("a.png"), TestImages.gratingsAndDisc(".png"));
    Cli cli =
        Cli.run(
            "train",
            "--data",
            images.toString(),
            "--out",
            dir.resolve("n.pwe").toString(),
            "--filters",
            "8",
            "--kernel",
            "5",
            "--groups",
            "block:2",
            "--size",
            "32",
            "--patch",
            "16",
            "--patches",
            "32",
            "--epochs",
            "1",
            "--threads",
            "1");
    return cli;
  }

  @Test
  void shouldLeaveTheTestSplitUnscoredByDefault() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 64, 16);
    Cli cli = train(data, dir.resolve("g.pwe"));
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines().get(0).has("test")).isFalse();
    assertThat(cli.lines().get(0).get("split").get("testScored").asBoolean()).isFalse();
  }

  @Test
  void shouldScoreTheTestEnergyOnceWhenAsked() throws Exception {
    Path data = Idx.gratings(dir.resolve("idx"), 64, 16);
    Cli cli = train(data, dir.resolve("g.pwe"), "--score-test");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    assertThat(report.get("test").get("loss").asDouble()).isPositive();
    assertThat(report.get("split").get("testScored").asBoolean()).isTrue();
  }
}
