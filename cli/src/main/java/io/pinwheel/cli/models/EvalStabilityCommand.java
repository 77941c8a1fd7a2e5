package io.pinwheel.cli.models;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.DataOption;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.ModelOption;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.data.DataException;
import io.pinwheel.trainer.data.ImageFolder;
import io.pinwheel.trainer.eval.Stability;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pinwheel eval stability}: how stable a model's codes stay under a moving camera. */
@Command(
    name = "stability",
    mixinStandardHelpOptions = true,
    description = {
      "Scores temporal stability under a synthetic moving camera: for each photograph in --data"
          + " (scaled so its shorter side is --scene-scale input sides), a horizontal pan"
          + " (--pan-step pixels per frame) and a zoom (--zoom-step per frame) of --frames frames"
          + " at the model's input size. Reports the centred cosine (the mean over all frames"
          + " subtracted) between frames 1, 5, 10 and 20 apart for raw pixels, the model's"
          + " normalized input (LCN for the natural-image models), the pooled code before the"
          + " output rule and the code serve emits.",
      "Prints a table, or one JSON object with --json; progress goes to standard error.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "2:nothing done: invalid options, a missing or unreadable model, folder or photograph, or a"
          + " photograph too small for the scene",
      ExitCodes.INTERNAL_HELP
    })
public final class EvalStabilityCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ModelOption model;

  @Mixin DataOption data;

  @Option(
      names = "--frames",
      defaultValue = "41",
      paramLabel = "N",
      description = "Frames per sequence, more than 20. Default: ${DEFAULT-VALUE}.")
  int frames;

  @Option(
      names = "--pan-step",
      defaultValue = "2",
      paramLabel = "PX",
      description = "Pixels the pan moves per frame. Default: ${DEFAULT-VALUE}.")
  int panStep;

  @Option(
      names = "--zoom-step",
      defaultValue = "0.01",
      paramLabel = "F",
      description = "Share the zoom window shrinks by per frame. Default: ${DEFAULT-VALUE}.")
  double zoomStep;

  @Option(
      names = "--scene-scale",
      defaultValue = "4",
      paramLabel = "F",
      description =
          "A photograph's shorter side, in input sides, after scaling. Default: ${DEFAULT-VALUE}.")
  double sceneScale;

  @Option(
      names = "--threads",
      defaultValue = "2",
      paramLabel = "N",
      description = "Encoder threads. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  public EvalStabilityCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Stability.Camera camera;
    Path dir;
    try {
      if (threads < 1) {
        throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
      }
      camera = new Stability.Camera(frames, panStep, zoomStep, sceneScale);
      if (data.text() == null) {
        return usage("--data DIR is required: a folder of large photographs, e.g. data/photos");
      }
      dir = data.folder();
    } catch (IllegalArgumentException e) {
      return usage("invalid option: " + e.getMessage());
    }
    EncoderModel encoderModel;
    try {
      encoderModel = model.load().model();
    } catch (ModelOption.UnusableModelException e) {
      return usage(e.getMessage());
    }
    Stability.Report report;
    try {
      ImageFolder folder = ImageFolder.scan(dir);
      report =
          Stability.measure(
              encoderModel, folder.files(), camera, threads, new EvalCommand.StepLine(context));
    } catch (DataException e) {
      return usage(e.getMessage());
    }
    if (json) {
      context.out().println(report.toJson());
    } else {
      context.out().print(report.toTable());
      context.out().flush();
    }
    return ExitCodes.OK;
  }

  private int usage(String message) {
    context.err().println("pinwheel eval stability: " + message);
    return ExitCodes.USAGE;
  }
}
