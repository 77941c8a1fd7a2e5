package io.pinwheel.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import io.pinwheel.cli.support.ShippedModels;
import io.pinwheel.extractor.RandomModels;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.OutputRule;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalStabilityCommandTest {
  @TempDir Path dir;

  private Path photos;

  @BeforeEach
  void writeAPhotograph() throws Exception {
    photos = Photographs.folderOfOne(dir, 3);
  }

  @Test
  void shouldPrintTheCentredCosineAtEachLagForEveryRepresentationAsJson() {
    Cli cli =
        Cli.run("eval", "stability", "--model", "gabor", "--data", photos.toString(), "--json");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    assertThat(report.get("lags").toString()).isEqualTo("[1,5,10,20]");
    assertThat(report.get("rows"))
        .extracting(r -> r.get("representation").asText())
        .containsExactly("pixels", "normalized", "beforeRule", "emitted");
    assertThat(report.get("rows").get(0).get("all").size()).isEqualTo(4);
  }

  @Test
  void shouldReportTheOutputRuleOfTheModel() throws Exception {
    EncoderModel gabor = ShippedModels.named("gabor").orElseThrow();
    Path shrink = dir.resolve("shrink.pwe");
    EncoderFile.write(
        RandomModels.withOutput(gabor, gabor.output().withRule(OutputRule.SHRINK)), shrink);

    Cli kept =
        Cli.run("eval", "stability", "--model", "gabor", "--data", photos.toString(), "--json");
    Cli shrunk =
        Cli.run(
            "eval",
            "stability",
            "--model",
            shrink.toString(),
            "--data",
            photos.toString(),
            "--json");

    assertThat(kept.exitCode()).as(kept.err()).isZero();
    assertThat(shrunk.exitCode()).as(shrunk.err()).isZero();
    assertThat(kept.lines().get(0).get("outputRule").asText()).isEqualTo("keep");
    assertThat(shrunk.lines().get(0).get("outputRule").asText()).isEqualTo("shrink");
  }

  @Test
  void shouldNameTheOutputRuleInTheTable() {
    Cli cli = Cli.run("eval", "stability", "--model", "gabor", "--data", photos.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("output rule keep;");
  }

  @Test
  void shouldRefuseAFolderWithoutData() {
    Cli cli = Cli.run("eval", "stability", "--model", "gabor");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--data DIR is required");
  }

  @Test
  void shouldNameAPhotographTooSmallForTheScene() throws Exception {
    Cli cli =
        Cli.run(
            "eval",
            "stability",
            "--model",
            "gabor",
            "--data",
            photos.toString(),
            "--scene-scale",
            "5");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("no usable photograph", "noise.png", "too small");
  }

  @Test
  void shouldRefuseAFolderWithoutImagesAndSayItHoldsNone() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Cli cli = Cli.run("eval", "stability", "--model", "gabor", "--data", empty.toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("no photographs", "holds no image files");
  }

  @Test
  void shouldSkipAFileThatIsNotAnImageAndSaySo() throws Exception {
    Files.writeString(photos.resolve("PHOTOS.tsv"), "file\tlicence\n");
    Cli cli =
        Cli.run("eval", "stability", "--model", "gabor", "--data", photos.toString(), "--json");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    assertThat(report.get("photographs").size()).isEqualTo(1);
    assertThat(report.get("skipped").get(0).asText()).contains("PHOTOS.tsv");
  }

  @Test
  void shouldReportTheOutputRuleSweepAndTheEncodingTimeAsJson() {
    Cli cli =
        Cli.run("eval", "stability", "--model", "gabor", "--data", photos.toString(), "--json");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);

    assertThat(report.get("ruleSweep")).hasSize(7);
    assertThat(report.get("ruleSweep").get(0).get("kept")).hasSize(4);
    assertThat(report.get("encodeMillisPerFrame").asDouble()).isPositive();
  }
}
