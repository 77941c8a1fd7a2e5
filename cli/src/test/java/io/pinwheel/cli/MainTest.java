package io.pinwheel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

  @Test
  void helpListsTheSubcommandsAndExitsZero() {
    Cli cli = Cli.run("--help");
    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).contains("Usage: pinwheel", "encode", "init-model", "bench");
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
    // picocli formats descriptions with String.format: a lone '%' makes it print the raw text
    // and a warning on System.err, which no test of the command's output would notice.
    StringWriter sink = new StringWriter();
    CommandLine root =
        Main.commandLine(new PrintWriter(sink), new PrintWriter(sink), new RunStats());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    List<String> names = new ArrayList<>();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      usageOfAll(root, names);
    } finally {
      System.setErr(original);
    }

    assertThat(names).contains("pinwheel", "pinwheel bench pipeline");
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
  }

  private static void usageOfAll(CommandLine command, List<String> names) {
    names.add(command.getCommandSpec().qualifiedName());
    command.getUsageMessage();
    command.getSubcommands().values().forEach(sub -> usageOfAll(sub, names));
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
