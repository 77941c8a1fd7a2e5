package io.pinwheel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.cli.Cli;
import org.junit.jupiter.api.Test;

/** {@code bench} joins the {@code pinwheel} command tree when its jar is on the class path. */
class BenchHelpTest {

  @Test
  void shouldListBenchInPinwheelsHelp() {
    Cli cli = Cli.run("--help");

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).contains("bench ");
  }

  @Test
  void shouldFormatEveryBenchCommandsHelpWithoutWarnings() {
    Cli.HelpCheck help = Cli.helpOfEveryCommand();

    assertThat(help.commands())
        .contains("pinwheel bench", "pinwheel bench encoder", "pinwheel bench pipeline");
    assertThat(help.warnings()).doesNotContain("picocli WARN");
  }
}
