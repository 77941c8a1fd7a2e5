package io.pinwheel.cli.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.cli.Cli;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.trainer.InitialModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code publish-model} refuses before it connects to anything. */
class PublishModelCommandTest {
  // Nothing listens on port 1: a command that tried to publish would fail differently.
  private static final String NOWHERE = "127.0.0.1:1";

  @TempDir Path dir;

  @Test
  void shouldRefuseACorruptFileNamingTheProblem() throws IOException {
    Path model = dir.resolve("bad.pwe");
    Files.write(model, ServeCommandTest.corrupt(EncoderFile.toBytes(InitialModels.gabor())));

    Cli cli = Cli.run("publish-model", model.toString(), "--bootstrap-servers", NOWHERE);

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.out()).isEmpty();
    assertThat(cli.err()).contains("refusing to publish " + model + ": corrupt ZIP archive", "CRC");
  }

  @Test
  void shouldRefuseAFileThatIsNoModelAtAll() throws IOException {
    Path model = dir.resolve("text.pwe");
    Files.writeString(model, "not a zip file");

    Cli cli = Cli.run("publish-model", model.toString(), "--bootstrap-servers", NOWHERE);

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("refusing to publish " + model);
  }

  @Test
  void shouldRefuseAMissingFile() {
    Path model = dir.resolve("absent.pwe");

    Cli cli = Cli.run("publish-model", model.toString(), "--bootstrap-servers", NOWHERE);

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("no such file: " + model);
  }

  @Test
  void shouldRequireTheBootstrapServers() {
    Cli cli = Cli.run("publish-model", "m.pwe");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--bootstrap-servers");
  }
}
