package io.pinwheel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.cli.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code bench pipeline} refuses before it starts anything. */
class BenchPipelineCommandTest {

  @Test
  void shouldRefuseBrokerLogDirWithAnOutsideBroker(@TempDir Path dir) {
    Cli cli =
        Cli.run(
            "bench",
            "pipeline",
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--broker-log-dir",
            dir.toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--broker-log-dir").contains("--bootstrap-servers");
  }

  @Test
  void shouldRefuseBrokerLogDirThatIsNotADirectory(@TempDir Path dir) {
    Path missing = dir.resolve("missing");

    Cli cli = Cli.run("bench", "pipeline", "--broker-log-dir", missing.toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--broker-log-dir: not a directory: " + missing);
  }
}
