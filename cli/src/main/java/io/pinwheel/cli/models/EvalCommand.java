package io.pinwheel.cli.models;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.DataOption;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.ModelOption;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.data.DataException;
import io.pinwheel.trainer.data.DataSource;
import io.pinwheel.trainer.data.FashionMnist;
import io.pinwheel.trainer.data.GrayImages;
import io.pinwheel.trainer.eval.EvalOptions;
import io.pinwheel.trainer.eval.EvalReport;
import io.pinwheel.trainer.eval.Evaluation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pinwheel eval}: how good a model's codes are on Fashion-MNIST. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluates an encoder on Fashion-MNIST: trains a multinomial logistic-regression"
          + " classifier on the codes of the training split and reports its test accuracy, next"
          + " to the same classifier on raw pixels and on the codes before pooling; reports the"
          + " code density; and reports translation invariance, the mean cosine similarity"
          + " between the codes of an image and of the same image shifted by 1, 2 and 3 pixels"
          + " (in each of four directions) and rotated by +-10 degrees, for pixels, pre-pooling"
          + " and pooled codes.",
      "--model must read 28x28x1 images: fashion-mnist, drsae or a model trained or made for"
          + " them. Prints a table, or one JSON object with --json.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "2:nothing done: invalid options, a missing or unreadable model or data set, or a model"
          + " whose input is not 28x28x1",
      ExitCodes.INTERNAL_HELP
    })
public final class EvalCommand implements Callable<Integer> {
  private static final int SIDE = 28;

  private final CliContext context;

  @Mixin ModelOption model;

  @Mixin DataOption data;

  @Option(
      names = "--train-limit",
      paramLabel = "N",
      description = "Use only the first N training images. Default: all.")
  Integer trainLimit;

  @Option(
      names = "--test-limit",
      paramLabel = "N",
      description = "Use only the first N test images. Default: all.")
  Integer testLimit;

  @Option(
      names = "--invariance-images",
      defaultValue = "1000",
      paramLabel = "N",
      description =
          "Score invariance on the first N test images; 0 skips. Default: ${DEFAULT-VALUE}.")
  int invarianceImages;

  @Option(
      names = "--pre-pooling-train-limit",
      defaultValue = "10000",
      paramLabel = "N",
      description = {
        "Fit the pre-pooling probe on the first N training images; 0 skips it.",
        "Pre-pooling codes are large (64x22x22 for a 7x7 Gabor model). Default: ${DEFAULT-VALUE}."
      })
  int prePoolingTrainLimit;

  @Option(
      names = "--threads",
      defaultValue = "2",
      paramLabel = "N",
      description =
          "Encoder threads, and native threads for the classifier. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  public EvalCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Path dir;
    try {
      if (!(data.orFashionMnist() instanceof DataSource.FashionMnistSource source)) {
        return usage(
            "--data must be fashion-mnist or fashion-mnist:DIR (eval needs labels), got \""
                + data.text()
                + "\"");
      }
      dir = source.dir();
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    EvalOptions options;
    try {
      options =
          EvalOptions.defaults()
              .withLimits(
                  trainLimit == null ? Integer.MAX_VALUE : trainLimit,
                  testLimit == null ? Integer.MAX_VALUE : testLimit)
              .withInvarianceImages(invarianceImages)
              .withPrePoolingTrainLimit(prePoolingTrainLimit)
              .withThreads(threads);
    } catch (IllegalArgumentException e) {
      return usage("invalid option: " + e.getMessage());
    }
    EncoderModel encoderModel;
    try {
      encoderModel = model.load().model();
    } catch (ModelOption.UnusableModelException e) {
      return usage(e.getMessage());
    }
    var in = encoderModel.input();
    if (in.height() != SIDE || in.width() != SIDE || in.channels() != 1) {
      return usage(
          "model "
              + encoderModel.name()
              + " reads "
              + in.height()
              + "x"
              + in.width()
              + "x"
              + in.channels()
              + " (height x width x channels) but Fashion-MNIST images are 28x28x1; use --model"
              + " fashion-mnist or drsae, or make one with train --data fashion-mnist or"
              + " init-model --size 28");
    }
    GrayImages train;
    GrayImages test;
    try {
      train = FashionMnist.read(dir, FashionMnist.Split.TRAIN);
      test = FashionMnist.read(dir, FashionMnist.Split.TEST);
    } catch (DataException e) {
      return usage(e.getMessage());
    }
    EvalReport report = Evaluation.run(encoderModel, train, test, options);
    if (json) {
      context.out().println(report.toJson());
    } else {
      context.out().print(report.toTable());
      context.out().flush();
    }
    return ExitCodes.OK;
  }

  private int usage(String message) {
    context.err().println("pinwheel eval: " + message);
    return ExitCodes.USAGE;
  }
}
