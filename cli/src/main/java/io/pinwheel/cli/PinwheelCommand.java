package io.pinwheel.cli;

import io.pinwheel.cli.clients.ConsumeCommand;
import io.pinwheel.cli.clients.ProduceCommand;
import io.pinwheel.cli.demo.DemoCommand;
import io.pinwheel.cli.models.EncodeCommand;
import io.pinwheel.cli.models.EvalCommand;
import io.pinwheel.cli.models.ExportOnnxCommand;
import io.pinwheel.cli.models.InitModelCommand;
import io.pinwheel.cli.models.KeygenCommand;
import io.pinwheel.cli.models.RepoolCommand;
import io.pinwheel.cli.models.SignCommand;
import io.pinwheel.cli.models.TrainCommand;
import io.pinwheel.cli.service.BrokerCommand;
import io.pinwheel.cli.service.PublishModelCommand;
import io.pinwheel.cli.service.ReencodeCommand;
import io.pinwheel.cli.service.ServeCommand;
import io.pinwheel.cli.support.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
      "Standard output carries results (JSON lines, or a table where --json gives JSON);"
          + " messages and logs go to standard error."
    },
    subcommands = {
      EncodeCommand.class,
      InitModelCommand.class,
      ExportOnnxCommand.class,
      KeygenCommand.class,
      SignCommand.class,
      TrainCommand.class,
      ServeCommand.class,
      DemoCommand.class,
      BrokerCommand.class,
      PublishModelCommand.class,
      ReencodeCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      EvalCommand.class,
      RepoolCommand.class
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
