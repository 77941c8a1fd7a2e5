package io.pinwheel.cli.models;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.DataOption;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.HoldoutOptions;
import io.pinwheel.cli.support.SeedOption;
import io.pinwheel.trainer.drsae.DrsaeJob;
import io.pinwheel.trainer.drsae.DrsaeOptions;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pinwheel train drsae}: a discriminative recurrent sparse auto-encoder. */
@Command(
    name = "drsae",
    mixinStandardHelpOptions = true,
    description = {
      "Trains a discriminative recurrent sparse auto-encoder (Rolfe & LeCun 2013) on labelled"
          + " images: z = ReLU(E x - b), then T-1 times z = ReLU(E x + S z - b), with an L1"
          + " penalty on z, a linear decoder and a linear classifier, all trained together by"
          + " back-propagation through the T steps. The first --pretrain-epochs train"
          + " reconstruction and sparsity only; the rest add alpha times the classifier's"
          + " cross-entropy.",
      "Writes FILE.pwe (a recurrent layer and a linear head: the extractor and the service report"
          + " class scores and a label with every code), FILE.atoms.png (decoder atoms,"
          + " categorical units first), FILE.loss.png and FILE.report.json.",
      "Prints one JSON line describing what was written; progress goes to standard error.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "1:training failed, or an output could not be written",
      "2:nothing trained: invalid options or missing data",
      ExitCodes.INTERNAL_HELP
    })
public final class TrainDrsaeCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec CommandSpec spec;

  @Mixin TrainOutputOptions output;

  @Mixin DataOption data;

  @Option(
      names = "--units",
      defaultValue = "400",
      paramLabel = "K",
      description = "Hidden units. Default: ${DEFAULT-VALUE}.")
  int units;

  @Option(
      names = "--steps",
      defaultValue = "11",
      paramLabel = "T",
      description =
          "Recurrence depth: ReLU applications, the first included (1 = no recurrence)."
              + " Default: ${DEFAULT-VALUE}.")
  int steps;

  @Option(
      names = "--lambda",
      defaultValue = "0.3",
      paramLabel = "L",
      description = "Weight of the L1 penalty on the code. Default: ${DEFAULT-VALUE}.")
  double lambda;

  @Option(
      names = "--alpha",
      defaultValue = "50",
      paramLabel = "A",
      description =
          "Weight of the classification term after pre-training. Default: ${DEFAULT-VALUE}.")
  double alpha;

  @Option(
      names = "--pretrain-epochs",
      defaultValue = "1",
      paramLabel = "N",
      description = "Epochs of reconstruction + sparsity only. Default: ${DEFAULT-VALUE}.")
  int pretrainEpochs;

  @Option(
      names = "--epochs",
      defaultValue = "50",
      paramLabel = "N",
      description = "Epochs in all, pre-training included. Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(
      names = "--batch",
      defaultValue = "100",
      paramLabel = "N",
      description = "Examples per step. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "0.003",
      paramLabel = "RATE",
      description =
          "Adam's initial step size, decayed by cosine to a tenth. Default: ${DEFAULT-VALUE}.")
  double learningRate;

  @Option(
      names = "--averaging",
      defaultValue = "0.999",
      paramLabel = "DECAY",
      description = {
        "Decay of the moving average of the weights kept over the discriminative phase, which"
            + " the written model uses (Polyak averaging; 0: the last step's weights).",
        "Default: ${DEFAULT-VALUE}."
      })
  double averaging;

  @Option(
      names = "--shift",
      defaultValue = "1",
      paramLabel = "PIXELS",
      description = {
        "Move each training image by a random whole-pixel offset of up to PIXELS along each axis"
            + " every time it is drawn (0: no translation).",
        "Default: ${DEFAULT-VALUE}."
      })
  int shift;

  @Option(
      names = "--revive-dead",
      defaultValue = "10",
      paramLabel = "EPOCHS",
      description = {
        "At the end of each of the first EPOCHS epochs (not the last of the run), re-initialise"
            + " the units that fire on none of 2,000 training images: each restarts from the"
            + " reconstruction residual of an image drawn in proportion to its squared error (its"
            + " direction d as decoder atom and encoder row, -d'D as lateral inputs, so the unit"
            + " codes what the others leave, threshold lambda/2), with no effect on the other units"
            + " or the classifier until trained, and Adam moments restarted at the other units'"
            + " scale (0: never).",
        "Default: ${DEFAULT-VALUE}."
      })
  int reviveDead;

  @Option(
      names = "--limit",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Fit on the first N images of the fit part (or of all, with --fit-on all) only (0: all).")
  int limit;

  @Option(
      names = "--test-limit",
      defaultValue = "0",
      paramLabel = "N",
      description = "With --score-test, score on the first N test images only (0: all).")
  int testLimit;

  @Mixin SeedOption seed;

  @Mixin HoldoutOptions holdout;

  public TrainDrsaeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    output.requireOut(spec);
    DrsaeJob.Spec job =
        output.spec(
            spec,
            () -> {
              if (pretrainEpochs > epochs) {
                throw new IllegalArgumentException(
                    "pretrain-epochs (" + pretrainEpochs + ") must be <= epochs (" + epochs + ")");
              }
              if (reviveDead < 0) {
                throw new IllegalArgumentException(
                    "revive-dead must be >= 0 (0: never), got " + reviveDead);
              }
              return new DrsaeJob.Spec(
                  data.orFashionMnist(),
                  output.out,
                  output.modelName(),
                  units,
                  steps,
                  lambda,
                  new DrsaeOptions(
                      pretrainEpochs,
                      epochs - pretrainEpochs,
                      alpha,
                      batch,
                      learningRate,
                      seed.seed(),
                      output.threads(),
                      averaging,
                      shift,
                      reviveDead),
                  limit,
                  testLimit,
                  holdout.holdout());
            });
    return output.train(
        context,
        "pinwheel train drsae",
        progress -> () -> DrsaeJob.run(job, progress, Clock.systemUTC()).report());
  }
}
