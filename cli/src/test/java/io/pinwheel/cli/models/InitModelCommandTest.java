package io.pinwheel.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitModelCommandTest {
  @TempDir Path dir;

  @Test
  void writesAModelThatEncoderFileReads() throws Exception {
    Path out = dir.resolve("m.pwe");
    Cli cli = Cli.run("init-model", "--out", out.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.result().modelWritten()).contains(out);
    EncoderModel model = EncoderFile.read(out);
    assertThat(model.name()).isEqualTo("gabor");
    assertThat(model.version()).isEqualTo(1);
    assertThat(model.outputShape()).containsExactly(16, 44, 44);
  }

  @Test
  void printsOneJsonLineSayingWhatWasWritten() {
    Path out = dir.resolve("m.pwe");
    Cli cli = Cli.run("init-model", "--out", out.toString(), "--name", "edges");
    assertThat(cli.lines()).hasSize(1);
    JsonNode line = cli.lines().get(0);
    assertThat(line.get("written").asText()).isEqualTo(out.toString());
    assertThat(line.get("name").asText()).isEqualTo("edges");
    assertThat(line.get("version").asInt()).isEqualTo(1);
    assertThat(Cli.ints(line.get("input"))).containsExactly(96, 96, 1);
    assertThat(Cli.ints(line.get("shape"))).containsExactly(16, 44, 44);
    assertThat(line.get("threshold").doubleValue()).isEqualTo(5.0);
  }

  @Test
  void optionsShapeTheModel() throws Exception {
    Path out = dir.resolve("m.pwe");
    Cli cli =
        Cli.run(
            "init-model",
            "--out",
            out.toString(),
            "--size",
            "64",
            "--channels",
            "3",
            "--filters",
            "32",
            "--kernel",
            "7",
            "--groups",
            "topo:4x8:3",
            "--threshold",
            "2.5");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    EncoderModel model = EncoderFile.read(out);
    assertThat(model.input().channels()).isEqualTo(3);
    assertThat(model.outputShape()).containsExactly(32, 29, 29);
    assertThat(model.output().threshold()).isEqualTo(2.5f);
  }

  @Test
  void refusesToReplaceAnExistingFileWithoutForce() throws Exception {
    Path out = dir.resolve("m.pwe");
    Files.writeString(out, "keep me");
    Cli cli = Cli.run("init-model", "--out", out.toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains(out.toString(), "--force");
    assertThat(Files.readString(out)).isEqualTo("keep me");
    assertThat(cli.result().modelWritten()).isEmpty();
  }

  @Test
  void forceOverAModelOfTheSameNameWritesTheNextVersion() throws Exception {
    Path out = dir.resolve("m.pwe");
    Cli.run("init-model", "--out", out.toString());
    Cli.run("init-model", "--out", out.toString(), "--force");
    Cli cli = Cli.run("init-model", "--out", out.toString(), "--force");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(EncoderFile.read(out).version()).isEqualTo(3);
  }

  @Test
  void forceOverAModelOfAnotherNameStartsAtVersionOne() throws Exception {
    Path out = dir.resolve("m.pwe");
    Cli.run("init-model", "--out", out.toString(), "--name", "old");
    Cli cli = Cli.run("init-model", "--out", out.toString(), "--name", "new", "--force");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(EncoderFile.read(out).version()).isEqualTo(1);
  }

  @Test
  void forceOverAFileThatIsNotAModelWarnsAndWritesVersionOne() throws Exception {
    Path out = dir.resolve("m.pwe");
    Files.writeString(out, "not a model");
    Cli cli = Cli.run("init-model", "--out", out.toString(), "--force");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.err()).contains("warning");
    assertThat(EncoderFile.read(out).version()).isEqualTo(1);
  }

  @Test
  void malformedGroupsIsAUsageErrorNamingTheOption() {
    Cli cli = Cli.run("init-model", "--out", dir.resolve("m.pwe").toString(), "--groups", "ring");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--groups", "block:M or topo:RxC:K");
    assertThat(Files.exists(dir.resolve("m.pwe"))).isFalse();
  }

  @Test
  void filterCountThatIsNotAMultipleOfEightIsAUsageError() {
    Cli cli = Cli.run("init-model", "--out", dir.resolve("m.pwe").toString(), "--filters", "12");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("filters", "12");
    assertThat(Files.exists(dir.resolve("m.pwe"))).isFalse();
  }
}
