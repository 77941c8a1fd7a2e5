package io.pinwheel.cli.models;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.DataOption;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.HoldoutOptions;
import io.pinwheel.cli.support.MinActiveOption;
import io.pinwheel.cli.support.NormalizeOption;
import io.pinwheel.cli.support.OutputRuleOption;
import io.pinwheel.cli.support.SeedOption;
import io.pinwheel.trainer.Pooling;
import io.pinwheel.trainer.sparse.TrainOptions;
import io.pinwheel.trainer.sparse.TrainingJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pinwheel train}: learns a group-sparse convolutional encoder from images. */
@Command(
    name = "train",
    subcommands = {TrainDrsaeCommand.class, TrainLateralCommand.class},
    mixinStandardHelpOptions = true,
    description = {
      "Learns an encoder from images: conv, ReLU and a per-map gain, trained as a sparse"
          + " auto-encoder (linear convolutional decoder) whose sparsity penalty is the L2 pooling"
          + " the encoder serves, over disjoint (block:M) or topographic (topo:RxC:K) groups.",
      "Writes FILE.pwe (the encoder; the decoder is kept under training/), FILE.ckpt.pwe"
          + " (checkpoint for --resume), FILE.filters.png, FILE.loss.png, FILE.report.json and,"
          + " for topographic groups, FILE.orientation.png; for those the report and each"
          + " epoch's progress line give the orientation map's pinwheels, neighbour difference and"
          + " wavelength.",
      "Frames are normalized as the extractor will serve them (--normalize, LCN with sigma 2 by"
          + " default). Image folders are decoded to --size and trained on random --patch patches.",
      "Prints one JSON line describing what was written; progress goes to standard error.",
      "The defaults are the recipe of the shipped natural-image encoder (models/natural.pwe);"
          + " models/README.md gives the Fashion-MNIST one.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "1:training failed, or an output could not be written",
      "2:nothing trained: invalid options, missing data, or no checkpoint to resume",
      ExitCodes.INTERNAL_HELP
    })
public final class TrainCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec CommandSpec spec;

  // Checked in call(), not by picocli: see TrainOutputOptions.out.
  @Mixin DataOption data;

  @Mixin TrainOutputOptions output;

  @Option(
      names = "--filters",
      defaultValue = "64",
      paramLabel = "K",
      description = "Feature maps. Default: ${DEFAULT-VALUE}.")
  int filters;

  @Option(
      names = "--kernel",
      defaultValue = "9",
      paramLabel = "k",
      description = "Filter side in pixels. Default: ${DEFAULT-VALUE}.")
  int kernel;

  @Option(
      names = "--groups",
      defaultValue = "topo:8x8:3",
      paramLabel = "SPEC",
      converter = InitModelCommand.PoolingConverter.class,
      description = {
        "Pooling groups: block:M or topo:RxC:K[:SIGMA] (RxC must equal --filters; SIGMA"
            + " weights each KxK neighbourhood by a Gaussian of that many torus cells).",
        "Default: ${DEFAULT-VALUE}."
      })
  Pooling groups;

  @Option(
      names = "--pool",
      defaultValue = "4",
      paramLabel = "N[:S]",
      description = {
        "Pooling window side N and stride S in code pixels (S = N when omitted; S < N makes"
            + " overlapping, smoother pools).",
        "Default: ${DEFAULT-VALUE}."
      })
  String pool;

  @Option(
      names = "--lambda",
      defaultValue = "1.5",
      paramLabel = "L",
      description = "Weight of the group-sparsity term. Default: ${DEFAULT-VALUE}.")
  double lambda;

  @Option(
      names = "--epochs",
      defaultValue = "10",
      paramLabel = "N",
      description = "Passes over the data (or patch sets). Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(
      names = "--batch",
      defaultValue = "64",
      paramLabel = "N",
      description = "Examples per step. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "0.01",
      paramLabel = "RATE",
      description =
          "Adam's initial step size, decayed by cosine to a tenth. Default: ${DEFAULT-VALUE}.")
  double learningRate;

  @Option(
      names = "--density",
      defaultValue = "0.1",
      paramLabel = "D",
      description =
          "Fraction of pooled outputs the output threshold lets through on training data."
              + " Default: ${DEFAULT-VALUE}.")
  double density;

  @Mixin OutputRuleOption outputRule;

  @Mixin MinActiveOption minActive;

  @Mixin NormalizeOption normalize;

  @Option(
      names = "--size",
      defaultValue = "96",
      paramLabel = "PIXELS",
      description =
          "Image folders: frame side the model reads (images are resized to it). Default:"
              + " ${DEFAULT-VALUE}.")
  int size;

  @Option(
      names = "--patch",
      defaultValue = "32",
      paramLabel = "PIXELS",
      description =
          "Image folders: side of the random training patches; 0 trains on whole frames. Default:"
              + " ${DEFAULT-VALUE}.")
  int patch;

  @Option(
      names = "--patches",
      defaultValue = "10000",
      paramLabel = "N",
      description = "Image folders: patches drawn per epoch. Default: ${DEFAULT-VALUE}.")
  int patches;

  @Option(
      names = "--limit",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Train on the first N images only (for Fashion-MNIST, of the fit part, or of all with"
              + " --fit-on all); 0 for all. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Mixin SeedOption seed;

  @Mixin HoldoutOptions holdout;

  @Option(
      names = "--start-lattice",
      defaultValue = "0",
      paramLabel = "F",
      description = {
        "Topographic groups: start the filters as Gabor patches whose orientation map on the torus"
            + " is a square lattice of 4*F*F pinwheels (F periods along each side, at least four"
            + " cells a period) instead of random patches of the data; training then moves them"
            + " freely. 0 starts from data patches. Default: ${DEFAULT-VALUE}."
      })
  int startLattice;

  @Option(
      names = "--stack-on",
      paramLabel = "BASE.pwe",
      description = {
        "Train a further conv + L2-pool stage on the pooled maps of BASE.pwe, whose layers stay"
            + " frozen, and write the stacked encoder. The input (size, normalization) is BASE's;"
            + " training uses whole frames."
      })
  Path stackOn;

  @Option(
      names = "--resume",
      description = "Continue from FILE.ckpt.pwe (same data and options; --epochs may grow).")
  boolean resume;

  public TrainCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    output.requireOut(spec, data.missing());
    TrainingJob.Spec job =
        output.spec(
            spec,
            () -> {
              TrainOptions options =
                  new TrainOptions(
                      filters,
                      kernel,
                      groups,
                      poolWindow(pool),
                      poolStride(pool),
                      lambda,
                      1e-4,
                      epochs,
                      batch,
                      learningRate,
                      density,
                      seed.seed(),
                      output.threads(),
                      startLattice);
              String modelName = output.modelName();
              return new TrainingJob.Spec(
                  data.source(),
                  output.out,
                  modelName,
                  options,
                  normalize.normalization(),
                  size,
                  patch,
                  patches,
                  limit,
                  resume,
                  Optional.ofNullable(stackOn),
                  holdout.holdout(),
                  outputRule.rule(),
                  minActive.value());
            });
    if (stackOn != null && !Files.isRegularFile(stackOn)) {
      context.err().println("pinwheel train: --stack-on: no such model file: " + stackOn);
      return ExitCodes.USAGE;
    }
    if (resume && !Files.isRegularFile(job.checkpoint())) {
      context
          .err()
          .println(
              "pinwheel train: --resume: no checkpoint at "
                  + job.checkpoint()
                  + "; run without --resume to start afresh");
      return ExitCodes.USAGE;
    }
    return output.train(
        context,
        "pinwheel train",
        progress -> () -> TrainingJob.run(job, progress, Clock.systemUTC()).report());
  }

  private static int poolWindow(String text) {
    return poolPart(text, 0);
  }

  private static int poolStride(String text) {
    String[] parts = text.split(":", -1);
    return parts.length == 1 ? poolPart(text, 0) : poolPart(text, 1);
  }

  private static int poolPart(String text, int index) {
    String[] parts = text.trim().split(":", -1);
    if (parts.length > 2) {
      throw new IllegalArgumentException("pool must be N or N:S, got " + text);
    }
    try {
      return Integer.parseInt(parts[index]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("pool must be N or N:S, got " + text, e);
    }
  }
}
