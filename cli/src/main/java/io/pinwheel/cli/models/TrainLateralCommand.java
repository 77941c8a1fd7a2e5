package io.pinwheel.cli.models;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.DataOption;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.NormalizeOption;
import io.pinwheel.cli.support.SeedOption;
import io.pinwheel.trainer.lateral.InhibitionMode;
import io.pinwheel.trainer.lateral.LateralJob;
import io.pinwheel.trainer.lateral.LateralOptions;
import io.pinwheel.trainer.lateral.PatternSpec;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pinwheel train lateral}: sparse coding with learned lateral inhibition (Gregor, Szlam
 * &amp; LeCun 2011), served through a feed-forward PSD encoder.
 */
@Command(
    name = "lateral",
    mixinStandardHelpOptions = true,
    description = {
      "Learns a dictionary of patch-sized atoms by sparse coding with lateral inhibition: codes"
          + " z >= 0 minimise |x - Wz|^2 + lambda*sum(z) + z'Sz, where S (symmetric, >= 0, zero"
          + " on a unit's own tree branch with --pattern tree) makes units that fire together"
          + " inhibit each other. S is learned by bounded ascent (--s learn) or fixed by hand.",
      "A feed-forward PSD encoder z~ = g*ReLU(Fx - b) is trained to predict the codes; it is"
          + " written as an ordinary encoder (a conv layer with the patch as kernel and an"
          + " identity L2 pool), so the extractor and the service serve it like any other.",
      "Writes FILE.pwe (W and S kept under training/), FILE.filters.png, FILE.tree.png (tree"
          + " patterns), FILE.s.png, FILE.loss.png and FILE.report.json; prints the report as one"
          + " JSON line; progress goes to standard error.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "1:training failed, or an output could not be written",
      "2:nothing trained: invalid options or missing data",
      ExitCodes.INTERNAL_HELP
    })
public final class TrainLateralCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec CommandSpec spec;

  // Checked in call() with --out, so a line missing both names both.
  @Mixin DataOption data;

  @Mixin TrainOutputOptions output;

  @Option(
      names = "--pattern",
      defaultValue = "tree:3x6",
      paramLabel = "SPEC",
      description = {
        "Which units may inhibit which: tree:DEPTHxBRANCH (a complete tree; a unit inhibits all"
            + " but its ancestors and descendants; K = the node count) or free (every pair; needs"
            + " --units).",
        "Default: ${DEFAULT-VALUE}."
      })
  String pattern;

  @Option(
      names = "--units",
      paramLabel = "K",
      description = "Number of units for --pattern free (a tree has as many as it has nodes).")
  Integer units;

  @Option(
      names = "--s",
      defaultValue = "learn",
      paramLabel = "learn|VALUE",
      description = {
        "learn: S starts at 0 and is learned by bounded gradient ascent; a number: S is that"
            + " value on every entry the pattern leaves free, and stays fixed.",
        "Default: ${DEFAULT-VALUE}."
      })
  String s;

  @Option(
      names = "--s-max",
      defaultValue = "1.0",
      paramLabel = "BOUND",
      description =
          "Upper bound on every S_ij (ascent alone would grow S without limit). Default:"
              + " ${DEFAULT-VALUE}.")
  double sMax;

  @Option(
      names = "--s-rate",
      defaultValue = "0.2",
      paramLabel = "RATE",
      description = "Ascent step on S, decayed like --lr. Default: ${DEFAULT-VALUE}.")
  double sRate;

  @Option(
      names = "--lambda",
      defaultValue = "1.0",
      paramLabel = "L",
      description = "Sparsity weight. Default: ${DEFAULT-VALUE}.")
  double lambda;

  @Option(
      names = "--patch",
      defaultValue = "12",
      paramLabel = "PIXELS",
      description = "Patch side: the atoms and the served kernel. Default: ${DEFAULT-VALUE}.")
  int patch;

  @Option(
      names = "--size",
      defaultValue = "192",
      paramLabel = "PIXELS",
      description =
          "Frame side images are resized to, and the served model reads (the code has one value"
              + " per unit and position). Default: ${DEFAULT-VALUE}.")
  int size;

  @Option(
      names = "--patches",
      defaultValue = "30000",
      paramLabel = "N",
      description = "Patches drawn per epoch. Default: ${DEFAULT-VALUE}.")
  int patches;

  @Option(
      names = "--epochs",
      defaultValue = "16",
      paramLabel = "N",
      description = "Epochs learning W, S and the encoder together. Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(
      names = "--psd-epochs",
      defaultValue = "2",
      paramLabel = "N",
      description =
          "Further epochs training the encoder alone on the final dictionary's codes. Default:"
              + " ${DEFAULT-VALUE}.")
  int psdEpochs;

  @Option(
      names = "--batch",
      defaultValue = "100",
      paramLabel = "N",
      description = "Patches per step. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "0.05",
      paramLabel = "RATE",
      description = "Descent step on W, decayed by cosine to a tenth. Default: ${DEFAULT-VALUE}.")
  double learningRate;

  @Option(
      names = "--psd-lr",
      defaultValue = "0.01",
      paramLabel = "RATE",
      description = "Adam's step size for the encoder. Default: ${DEFAULT-VALUE}.")
  double psdLearningRate;

  @Option(
      names = "--fista-steps",
      defaultValue = "100",
      paramLabel = "N",
      description = "FISTA iterations per code. Default: ${DEFAULT-VALUE}.")
  int fistaSteps;

  @Option(
      names = "--density",
      defaultValue = "0.05",
      paramLabel = "D",
      description =
          "Fraction of served outputs the output threshold lets through on training frames;"
              + " the default is about the sparse codes' own density. Default: ${DEFAULT-VALUE}.")
  double density;

  @Mixin NormalizeOption normalize;

  @Mixin SeedOption seed;

  public TrainLateralCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    output.requireOut(spec, data.missing());
    LateralJob.Spec job =
        output.spec(
            spec,
            () -> {
              LateralOptions options =
                  new LateralOptions(
                      PatternSpec.parse(pattern, units),
                      InhibitionMode.parse(s),
                      sMax,
                      sRate,
                      lambda,
                      patch,
                      fistaSteps,
                      epochs,
                      psdEpochs,
                      batch,
                      learningRate,
                      psdLearningRate,
                      density,
                      seed.seed(),
                      output.threads());
              return new LateralJob.Spec(
                  data.folder(),
                  output.out,
                  output.modelName(),
                  options,
                  normalize.normalization(),
                  size,
                  patches);
            });
    return output.train(
        context,
        "pinwheel train lateral",
        progress -> () -> LateralJob.run(job, progress, Clock.systemUTC()).report());
  }
}
