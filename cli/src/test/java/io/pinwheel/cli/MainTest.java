package io.pinwheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void helpListsTheSubcommandsAndExitsZero() {
    Cli cli = Cli.run("--help");
    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).contains("Usage: pinwheel", "encode", "init-model", "serve");
  }

  @Test
  void helpDocumentsTheExitStatuses() {
    assertThat(Cli.run("--help").out()).contains("Exit status:", "internal error");
  }

  @Test
  void subcommandHelpShowsItsUsage() {
    Cli cli = Cli.run("encode", "--help");
    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).contains("Usage: pinwheel encode", "--model=FILE.pwe", "--dense");
  }

  @Test
  void everyCommandsHelpFormatsWithoutWarnings() {
    Cli.HelpCheck help = Cli.helpOfEveryCommand();

    assertThat(help.commands()).contains("pinwheel", "pinwheel train drsae", "pinwheel demo");
    assertThat(help.warnings()).doesNotContain("picocli WARN");
  }

  @Test
  void productCarriesNoBenchCommand() {
    assertThat(Cli.helpOfEveryCommand().commands()).noneMatch(name -> name.contains("bench"));
  }

  @Test
  void versionNamesTheProgramAndExitsZero() {
    Cli cli = Cli.run("--version");
    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).startsWith("pinwheel ");
  }

  @Test
  void unknownOptionIsAUsageErrorWithExitStatusTwo() {
    Cli cli = Cli.run("--bogus");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("Unknown option: '--bogus'", "Try 'pinwheel --help'");
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void unknownSubcommandOptionPointsToTheSubcommandsHelp() {
    Cli cli = Cli.run("encode", "--model", "m.pwe", "--bogus", "x.png");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("'--bogus'", "Try 'pinwheel encode --help'");
  }

  @Test
  void missingSubcommandIsAUsageError() {
    Cli cli = Cli.run();
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("Missing required subcommand");
  }

  @Test
  void missingRequiredParameterIsAUsageError() {
    Cli cli = Cli.run("encode");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("PATH");
  }
}
