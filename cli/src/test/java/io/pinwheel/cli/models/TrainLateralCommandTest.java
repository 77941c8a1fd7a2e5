package io.pinwheel.cli.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.extractor.TestImages;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainLateralCommandTest {
  @TempDir Path dir;

  /** Three small photographs of gratings and a disc: enough for a handful of 6×6 patches. */
  private Path images() throws IOException {
    Path images = dir.resolve("images");
    Files.createDirectories(images);
    Files.write(images.resolve("a.png"), TestImages.gratingsAndDisc(".png"));
    Files.write(images.resolve("b.jpg"), TestImages.gratingsAndDisc(".jpg"));
    Files.write(images.resolve("c.png"), TestImages.gratingsAndDisc(".png"));
    return images;
  }

  /** Runs a small training; {@code overrides} are flag-value pairs that replace the defaults. */
  private Cli train(Path data, Path out, String... overrides) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("--data", data.toString());
    options.put("--out", out.toString());
    options.put("--pattern", "tree:2x3");
    options.put("--size", "24");
    options.put("--patch", "6");
    options.put("--patches", "200");
    options.put("--epochs", "2");
    options.put("--psd-epochs", "1");
    options.put("--batch", "50");
    options.put("--fista-steps", "20");
    options.put("--threads", "1");
    for (int i = 0; i + 1 < overrides.length; i += 2) {
      options.put(overrides[i], overrides[i + 1]);
    }
    List<String> args = new ArrayList<>(List.of("train", "lateral"));
    options.forEach(
        (k, v) -> {
          args.add(k);
          args.add(v);
        });
    return Cli.run(args.toArray(new String[0]));
  }

  @Test
  void shouldWriteAServableEncoderAndPrintItsReport() throws Exception {
    Path out = dir.resolve("l.pwe");

    Cli cli = train(images(), out);

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines()).hasSize(1);
    JsonNode report = cli.lines().get(0);
    assertThat(report.get("name").asText()).isEqualTo("l");
    assertThat(report.get("epochsDone").asInt()).isEqualTo(3);
    assertThat(report.get("psdRelativeError").asDouble()).isBetween(0.0, 2.0);
    assertThat(report.get("heldOut").get("supportJaccard").asDouble()).isBetween(0.0, 1.0);
    assertThat(report.get("tree").get("parentChildAbsCosine").isNumber()).isTrue();
    assertThat(report.get("tree").get("levels")).hasSize(2);
    assertThat(report.has("history")).isFalse();
    assertThat(cli.result().modelWritten()).contains(out);
    EncoderModel model = EncoderFile.read(out);
    assertThat(model.outputShape()).containsExactly(4, 24 - 6 + 1, 24 - 6 + 1);
    assertThat(model.trainingTensors()).containsKeys("dictionary", "inhibition");
  }

  @Test
  void shouldWriteTheTreeAndInhibitionPicturesAndTheReportFile() throws Exception {
    Cli cli = train(images(), dir.resolve("l.pwe"));

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    for (String f : new String[] {"l.tree.png", "l.s.png", "l.filters.png", "l.loss.png"}) {
      assertThat(dir.resolve(f)).isNotEmptyFile();
    }
    JsonNode file = Cli.JSON.readTree(dir.resolve("l.report.json").toFile());
    assertThat(file.get("history")).hasSize(3);
    assertThat(file.get("files").get("tree").asText()).isEqualTo("l.tree.png");
  }

  @Test
  void shouldProduceAModelTheExtractorEncodesImagesWith() throws Exception {
    Path out = dir.resolve("l.pwe");
    Path images = images();
    assertThat(train(images, out).exitCode()).isZero();
    EncoderModel model = EncoderFile.read(out);

    try (Encoder encoder = new Encoder(model)) {
      SparseCode code =
          encoder.encode(
              new FrameDecoder(model.input()).decode(TestImages.gratingsAndDisc(".png")));

      assertThat(code.nnz()).isPositive();
    }
  }

  @Test
  void shouldTrainTheFreePatternWithAFixedS() throws Exception {
    Cli cli =
        train(
            images(),
            dir.resolve("f.pwe"),
            "--pattern",
            "free",
            "--units",
            "5",
            "--s",
            "0.2",
            "--s-max",
            "0.5");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    assertThat(report.has("tree")).isFalse();
    assertThat(report.get("inhibition").get("mean").asDouble()).isCloseTo(0.2, within(1e-6));
    assertThat(dir.resolve("f.s.png")).isNotEmptyFile();
    assertThat(dir.resolve("f.tree.png")).doesNotExist();
  }

  @Test
  void shouldPrintProgressAndAnEpochSummaryOnStandardError() throws Exception {
    Cli cli = train(images(), dir.resolve("l.pwe"));

    assertThat(cli.err()).contains("epoch 3/3").contains("epoch 3 (encoder) done");
    assertThat(cli.err()).contains("encoder relative error");
  }

  @Test
  void shouldNameAMalformedPattern() throws Exception {
    Cli cli = train(images(), dir.resolve("l.pwe"), "--pattern", "tree:3");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("pattern tree must be tree:DEPTHxBRANCH");
    assertThat(cli.lines()).isEmpty();
  }

  @Test
  void shouldAskForUnitsWithTheFreePattern() throws Exception {
    Cli cli = train(images(), dir.resolve("l.pwe"), "--pattern", "free");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--units");
  }

  @Test
  void shouldReportEveryInvalidOptionAtOnce() throws Exception {
    Cli cli = train(images(), dir.resolve("l.pwe"), "--epochs", "0", "--lambda", "-1", "--s", "2");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err())
        .contains("epochs must be >= 1")
        .contains("lambda must be")
        .contains("s 2.0 must not exceed sMax");
  }

  @Test
  void shouldRefuseAnSThatIsNeitherLearnNorANumber() throws Exception {
    Cli cli = train(images(), dir.resolve("l.pwe"), "--s", "strong");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("s must be learn or a number, got strong");
  }

  @Test
  void shouldRefuseAPatchLargerThanTheFrame() throws Exception {
    Cli cli = train(images(), dir.resolve("l.pwe"), "--patch", "30");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("size must be between the patch (30)");
  }

  @Test
  void shouldNameTheMissingDataFolder() {
    Cli cli = train(dir.resolve("absent"), dir.resolve("l.pwe"));

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("absent");
    assertThat(cli.lines()).isEmpty();
  }

  @Test
  void shouldNameMissingRequiredOptions() {
    Cli cli = Cli.run("train", "lateral", "--patch", "8");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err())
        .contains(
            "pinwheel train lateral: Missing required options: '--data=SOURCE', '--out=FILE.pwe'");
  }

  @Test
  void shouldLeaveTrainWithoutASubcommandAsItWas() {
    Cli cli = Cli.run("train", "--epochs", "1");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err())
        .contains("pinwheel train: Missing required options: '--data=SOURCE', '--out=FILE.pwe'");
  }

  @Test
  void shouldListLateralInTrainsHelp() {
    Cli cli = Cli.run("train", "--help");

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).contains("lateral");
  }
}
