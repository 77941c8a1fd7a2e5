package io.pinwheel.cli.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.cli.Cli;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.trainer.InitialModels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code serve} refuses before it connects to anything. */
class ServeCommandTest {
  @TempDir Path dir;

  @Test
  void shouldListEveryBadKeyOnItsOwnLineAndExitTwo() throws IOException {
    Path config =
        write(
            "serve.properties",
            "pinwheel.topic.framez=frames",
            "num.stream.threads=zero",
            "processing.guarantee=maybe",
            "commit.interval.ms=-5");

    Cli cli = Cli.run("serve", "--config", config.toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.out()).isEmpty();
    List<String> lines = Arrays.asList(cli.err().split("\n"));
    for (String key :
        List.of(
            "bootstrap.servers",
            "pinwheel.topic.framez",
            "num.stream.threads",
            "processing.guarantee",
            "commit.interval.ms")) {
      assertThat(lines)
          .as("a line naming %s", key)
          .anyMatch(l -> l.startsWith("pinwheel serve: " + config + ": " + key + ": "));
    }
    assertThat(cli.err()).contains("did you mean pinwheel.topic.frames?", "nothing started");
  }

  @Test
  void shouldValidateSetOverridesWithTheFile() throws IOException {
    Path config = write("serve.properties", "bootstrap.servers=127.0.0.1:9092");

    Cli cli =
        Cli.run(
            "serve",
            "--config",
            config.toString(),
            "--set",
            "bootstrap.servers=no-port",
            "--set",
            "pinwheel.topic.features=pinwheel.frames");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err())
        .contains(config + ": bootstrap.servers: ", "\"no-port\"")
        .contains(config + ": pinwheel.topic.features: names the same topic");
  }

  @Test
  void shouldRefuseAMissingConfigurationFile() {
    Cli cli = Cli.run("serve", "--config", dir.resolve("absent.properties").toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("no such configuration file", "absent.properties");
  }

  @Test
  void shouldRefuseACorruptModelBeforeConnecting() throws IOException {
    // Nothing listens on port 1: reaching the cluster would fail differently, and slowly.
    Path config = write("serve.properties", "bootstrap.servers=127.0.0.1:1");
    Path model = dir.resolve("bad.pwe");
    Files.write(model, corrupt(EncoderFile.toBytes(InitialModels.gabor())));

    Cli cli = Cli.run("serve", "--config", config.toString(), "--model", model.toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("cannot use model " + model + ": corrupt ZIP archive", "CRC");
  }

  @Test
  void shouldRefuseCreateTopicsAndPartitionsThatDisagree() throws IOException {
    Path config = write("serve.properties", "bootstrap.servers=127.0.0.1:1");

    Cli cli =
        Cli.run(
            "serve", "--config", config.toString(), "--create-topics", "3", "--partitions", "4");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--create-topics 3 and --partitions 4 contradict each other");
  }

  @Test
  void shouldRefuseFewerThanOnePartitionWithCreateTopics() throws IOException {
    Path config = write("serve.properties", "bootstrap.servers=127.0.0.1:1");

    Cli cli =
        Cli.run("serve", "--config", config.toString(), "--create-topics", "--partitions", "0");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--partitions must be at least 1");
  }

  @Test
  void shouldRefusePartitionsWithoutCreateTopics() throws IOException {
    Path config = write("serve.properties", "bootstrap.servers=127.0.0.1:1");

    Cli cli = Cli.run("serve", "--config", config.toString(), "--partitions", "4");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--partitions is for the topics --create-topics creates");
  }

  @Test
  void shouldRefuseANegativeTopicPartitionCount() throws IOException {
    Path config = write("serve.properties", "bootstrap.servers=127.0.0.1:1");

    Cli cli = Cli.run("serve", "--config", config.toString(), "--create-topics", "0");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--create-topics must be at least 1");
  }

  private Path write(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    return file;
  }

  /** The file with one byte of its first tensor flipped: its ZIP entry CRC no longer matches. */
  static byte[] corrupt(byte[] pwe) {
    byte[] b = pwe.clone();
    // Entries are stored uncompressed: 200 bytes past the first .npy magic number is inside the
    // filter weights, so the archive still opens and that entry is what fails.
    for (int i = 0; i + 6 < b.length; i++) {
      if ((b[i] & 0xff) == 0x93 && b[i + 1] == 'N' && b[i + 2] == 'U' && b[i + 3] == 'M') {
        b[i + 200] ^= 0x5a;
        return b;
      }
    }
    throw new IllegalStateException("no .npy entry in the model's bytes");
  }
}
