package io.pinwheel.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.onnx.OnnxExport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command; the graph's numbers are tested against ONNX Runtime in the extractor. */
class ExportOnnxCommandTest {
  private static final Path DRSAE = Path.of("..", "models", "drsae.pwe");

  @TempDir Path dir;

  @Test
  void shouldWriteTheOnnxModelOfTheModelFile() throws Exception {
    Path out = dir.resolve("drsae.onnx");

    Cli cli = Cli.run("export-onnx", DRSAE.toString(), out.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(Files.readAllBytes(out)).isEqualTo(OnnxExport.toBytes(EncoderFile.read(DRSAE)));
  }

  @Test
  void shouldPrintOneJsonLineSayingWhatWasWritten() {
    Path out = dir.resolve("drsae.onnx");

    Cli cli = Cli.run("export-onnx", DRSAE.toString(), out.toString());

    assertThat(cli.lines()).hasSize(1);
    JsonNode line = cli.lines().get(0);
    assertThat(line.get("written").asText()).isEqualTo(out.toString());
    assertThat(Cli.ints(line.get("input"))).containsExactly(1, 28, 28);
    assertThat(Cli.ints(line.get("code"))).containsExactly(400, 1, 1);
    assertThat(line.get("scores").asInt()).isEqualTo(10);
    assertThat(line.get("bytes").asLong()).isEqualTo(out.toFile().length());
  }

  @Test
  void shouldRefuseToReplaceAnExistingFileWithoutForce() throws Exception {
    Path out = dir.resolve("keep.onnx");
    Files.writeString(out, "keep me");

    Cli cli = Cli.run("export-onnx", DRSAE.toString(), out.toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains(out.toString(), "--force");
    assertThat(Files.readString(out)).isEqualTo("keep me");
  }

  @Test
  void shouldRefuseAFileThatIsNotAModel() throws Exception {
    Path bad = dir.resolve("bad.pwe");
    Files.writeString(bad, "not a model");

    Cli cli = Cli.run("export-onnx", bad.toString(), dir.resolve("x.onnx").toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("pinwheel export-onnx: cannot export");
    assertThat(dir.resolve("x.onnx")).doesNotExist();
  }
}
