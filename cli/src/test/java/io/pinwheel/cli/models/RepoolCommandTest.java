package io.pinwheel.cli.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import io.pinwheel.cli.support.ShippedModels;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoolCommandTest {
  @TempDir Path dir;

  private Path photos;

  @BeforeEach
  void writeAPhotograph() throws Exception {
    photos = Photographs.folderOfOne(dir, 4);
  }

  @Test
  void shouldRefuseAFolderWithoutImagesAndSayItHoldsNone() throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Cli cli = repool(empty, "--pool", "44:22", "--out", dir.resolve("r.pwe").toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("no photographs", "holds no image files");
  }

  @Test
  void shouldWriteTheModelWithTheNewPoolAndAThresholdPassingTheDensityOnTheFrames()
      throws Exception {
    Path out = dir.resolve("wide.pwe");
    Cli cli =
        repool(
            photos,
            "--pool",
            "44:22",
            "--density",
            "0.2",
            "--out",
            out.toString(),
            "--threads",
            "1");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode line = cli.lines().get(0);
    assertThat(line.get("density").asDouble()).isCloseTo(0.2, within(0.01));
    EncoderModel written = EncoderFile.read(out);
    L2PoolLayer pool = (L2PoolLayer) written.layers().get(1);
    assertThat(pool.window()).isEqualTo(44);
    assertThat(pool.stride()).isEqualTo(22);
    assertThat(written.output().threshold()).isEqualTo((float) line.get("threshold").asDouble());
    assertThat(written.output().rule()).isEqualTo(OutputRule.KEEP);
    assertThat(line.get("outputRule").asText()).isEqualTo("keep");
    assertThat(written.name()).isEqualTo("wide");
  }

  @Test
  void shouldWriteTheShrinkRuleWhenAskedWithTheSameThreshold() throws Exception {
    Path keep = dir.resolve("keep.pwe");
    Path shrink = dir.resolve("shrink.pwe");
    Cli kept = repool(photos, "--pool", "44:22", "--threads", "1", "--out", keep.toString());
    Cli shrunk =
        repool(
            photos,
            "--pool",
            "44:22",
            "--threads",
            "1",
            "--out",
            shrink.toString(),
            "--output-rule",
            "shrink");

    assertThat(kept.exitCode()).as(kept.err()).isZero();
    assertThat(shrunk.exitCode()).as(shrunk.err()).isZero();
    assertThat(shrunk.lines().get(0).get("outputRule").asText()).isEqualTo("shrink");
    EncoderModel written = EncoderFile.read(shrink);
    assertThat(written.output().rule()).isEqualTo(OutputRule.SHRINK);
    assertThat(written.output().threshold()).isEqualTo(EncoderFile.read(keep).output().threshold());
  }

  @Test
  void shouldRefuseAnUnknownOutputRuleNamingTheAllowedOnes() {
    Cli cli =
        repool(
            photos,
            "--pool",
            "44:22",
            "--output-rule",
            "soft",
            "--out",
            dir.resolve("x.pwe").toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--output-rule", "must be one of keep, shrink, got \"soft\"");
    assertThat(dir.resolve("x.pwe")).doesNotExist();
  }

  @Test
  void shouldWriteTheFloorWhenAskedAndCountTheFramesItLowered() throws Exception {
    Path out = dir.resolve("floor.pwe");
    Cli cli =
        repool(
            photos,
            "--pool",
            "44:22",
            "--density",
            "0.02",
            "--output-rule",
            "shrink",
            "--min-active",
            "64",
            "--threads",
            "1",
            "--out",
            out.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode line = cli.lines().get(0);
    assertThat(line.get("minActive").intValue()).isEqualTo(64);
    assertThat(line.get("flooredFrames").intValue()).isPositive();
    assertThat(line.get("emptyFrames").intValue()).isZero();
    EncoderModel written = EncoderFile.read(out);
    assertThat(written.output().minActive()).hasValue(64);
    assertThat(written.output().rule()).isEqualTo(OutputRule.SHRINK);
  }

  @Test
  void shouldWriteNoFloorUnlessAsked() throws Exception {
    Path out = dir.resolve("plain.pwe");
    Cli cli = repool(photos, "--pool", "44:22", "--threads", "1", "--out", out.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines().get(0).has("minActive")).isFalse();
    assertThat(cli.lines().get(0).get("flooredFrames").intValue()).isZero();
    assertThat(EncoderFile.read(out).output().minActive()).isEmpty();
  }

  @Test
  void shouldRefuseAMinActiveBelowOne() {
    Cli cli =
        repool(
            photos,
            "--pool",
            "44:22",
            "--min-active",
            "0",
            "--out",
            dir.resolve("x.pwe").toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--min-active", "must be >= 1, got 0");
    assertThat(dir.resolve("x.pwe")).doesNotExist();
  }

  @Test
  void shouldRefuseAMinActiveThatIsNotAWholeNumber() {
    Cli cli =
        repool(
            photos,
            "--pool",
            "44:22",
            "--min-active",
            "1.5",
            "--out",
            dir.resolve("x.pwe").toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--min-active", "must be a whole number >= 1, got \"1.5\"");
  }

  @Test
  void shouldRefuseMinActiveAboveTopK() throws Exception {
    EncoderModel natural = ShippedModels.natural();
    Path capped = dir.resolve("capped.pwe");
    EncoderFile.write(
        new EncoderModel(
            natural.name(),
            natural.version(),
            natural.createdAt(),
            natural.input(),
            natural.layers(),
            new OutputSpec(0.5f, OptionalInt.of(8)),
            natural.training(),
            natural.trainingTensors()),
        capped);
    Cli cli =
        Cli.run(
            new String[] {"repool", "--model", capped.toString(), "--data", photos.toString()},
            "--pool",
            "44:22",
            "--min-active",
            "9",
            "--out",
            dir.resolve("x.pwe").toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--min-active must be <= the model's output.topK (8), got 9");
    assertThat(dir.resolve("x.pwe")).doesNotExist();
  }

  @Test
  void shouldRefuseAPoolThatIsNotAWindowAndStride() {
    Cli cli = repool(photos, "--pool", "4x4", "--out", dir.resolve("x.pwe").toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("invalid --pool '4x4'");
  }

  /** {@code repool --model natural --data DATA} and {@code more}. */
  private static Cli repool(Path data, String... more) {
    return Cli.run(new String[] {"repool", "--model", "natural", "--data", data.toString()}, more);
  }
}
