package io.pinwheel.cli;

import io.pinwheel.cli.bench.BenchCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top-level {@code pinwheel} command: only dispatches to its subcommands. */
@Command(
    name = "pinwheel",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Streaming sparse-feature extractor for images.",
      "Standard output carries only JSON lines; messages and logs go to standard error."
    },
    subcommands = {
      EncodeCommand.class,
      InitModelCommand.class,
      ExportOnnxCommand.class,
      TrainCommand.class,
      ServeCommand.class,
      DemoCommand.class,
      BrokerCommand.class,
      PublishModelCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      EvalCommand.class,
      BenchCommand.class,
      HelpCommand.class
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      ExitCodes.FAILED_HELP,
      ExitCodes.USAGE_HELP,
      ExitCodes.INTERNAL_HELP
    })
final class PinwheelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "Missing required subcommand");
  }
}
