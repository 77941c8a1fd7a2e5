package io.pinwheel.cli.models;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.DataOption;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.ModelOption;
import io.pinwheel.cli.support.OutputRuleOption;
import io.pinwheel.cli.support.ProgressLine;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.trainer.data.DataException;
import io.pinwheel.trainer.data.DataSource;
import io.pinwheel.trainer.data.FashionMnist;
import io.pinwheel.trainer.data.GrayImages;
import io.pinwheel.trainer.eval.DataSplit;
import io.pinwheel.trainer.eval.DensitySweep;
import io.pinwheel.trainer.eval.EvalOptions;
import io.pinwheel.trainer.eval.EvalProgress;
import io.pinwheel.trainer.eval.EvalReport;
import io.pinwheel.trainer.eval.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pinwheel eval}: how good a model's codes are on Fashion-MNIST. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    subcommands = {EvalStabilityCommand.class, EvalTopographyCommand.class},
    description = {
      "Evaluates an encoder on Fashion-MNIST under an honest protocol: the training split is cut"
          + " into fit and validation parts (a seeded shuffle, 10%% validation by default); a"
          + " multinomial logistic-regression probe is fitted on the fit part for each L2 strength"
          + " (and epoch count) of its grid, the best on validation is kept, and only that probe"
          + " is scored on the test split, once. The same is done on raw pixels and on the codes"
          + " before pooling (baselines: cached on disk by default, keyed by the data's bytes and"
          + " the options, or skipped). Reports the code density and invariance to shifts by 1, 2"
          + " and 3 pixels (four directions) and rotations by +-5 and +-10 degrees: retrieval@1 by"
          + " centred cosine among the originals, the centred cosine of same-image and"
          + " different-image pairs, and the old uncentred mean cosine.",
      "--model must read 28x28x1 images: fashion-mnist, drsae or a model trained or made for"
          + " them. Prints a table, or one JSON object with --json; progress goes to standard"
          + " error. --density-plot adds accuracy and retrieval against code density. `eval"
          + " stability` scores natural-image models on a synthetic moving camera; `eval"
          + " topography` prints the figures of a topographic model's orientation map.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      ExitCodes.FAILED_HELP,
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
          "Score invariance on the first N test images (validation images with"
              + " --validation-only); 0 skips. Default: ${DEFAULT-VALUE}.")
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

  @Option(
      names = "--validation-share",
      defaultValue = "0.1",
      paramLabel = "F",
      description =
          "Share of the training split held out for validation, in (0, 0.5]."
              + " Default: ${DEFAULT-VALUE} (6,000 of Fashion-MNIST's 60,000).")
  double validationShare;

  @Option(
      names = "--split-seed",
      defaultValue = "15",
      paramLabel = "N",
      description = "Seed of the shuffle that cuts fit from validation. Default: ${DEFAULT-VALUE}.")
  long splitSeed;

  @Option(
      names = "--probe-epochs",
      split = ",",
      paramLabel = "N[,N...]",
      description = "Probe epoch counts to choose from on validation. Default: 30.")
  List<Integer> probeEpochs;

  @Option(
      names = "--probe-l2",
      split = ",",
      paramLabel = "L[,L...]",
      description =
          "Probe L2 strengths to choose from on validation (a shorter grid is a faster run)."
              + " Default: 1e-7,1e-6,1e-5,1e-4,1e-3,1e-2.")
  List<Double> probeL2;

  @Option(
      names = "--baselines",
      paramLabel = "MODE",
      description = {
        "The pixel and pre-pooling probes: cached (read from --baseline-cache when an earlier run"
            + " on the same data bytes, split and options wrote them; else computed and stored),"
            + " computed, or skipped. Default: cached (skipped with --validation-only)."
      })
  String baselines;

  @Option(
      names = "--validation-only",
      description = {
        "Leave the test split alone, for runs that choose a recipe, a rule or a setting: the"
            + " chosen probe is not scored on test (its test figure is -, null in JSON) and"
            + " invariance is scored on the first --invariance-images validation images. Baselines"
            + " are skipped (they score test)."
      })
  boolean validationOnly;

  @Option(
      names = "--baseline-cache",
      paramLabel = "DIR",
      description =
          "Where cached baselines live. Default: $XDG_CACHE_HOME/pinwheel/eval, or"
              + " ~/.cache/pinwheel/eval.")
  Path baselineCache;

  @Option(
      names = "--density-plot",
      paramLabel = "FILE.png",
      description = {
        "Also sweep the output rule's threshold so the code density runs from about 0.02 to 0.5;"
            + " at each density, fit the probe (the L2 and epochs chosen for the model's own rule)"
            + " on the fit part and score it on validation, with shift retrieval@1 on up to"
            + " --invariance-images validation images. Writes the plot to FILE.png and its figures"
            + " to FILE.json (validation figures only: the sweep is a basis for choices)."
      })
  Path densityPlot;

  @Option(
      names = "--density-targets",
      split = ",",
      paramLabel = "D[,D...]",
      description =
          "The densities --density-plot sweeps, each in (0, 1]. Default: 0.02,0.05,0.1,0.15,0.2,"
              + "0.3,0.5.")
  List<Double> densityTargets;

  @Option(
      names = "--output-rule",
      paramLabel = "keep|shrink",
      converter = OutputRuleOption.Converter.class,
      description =
          "The output rule --density-plot applies at each density: keep (values above the"
              + " threshold as they are) or shrink (less the threshold). Default: the model's own.")
  OutputRule outputRule;

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
      String baselineMode = baselines != null ? baselines : validationOnly ? "skipped" : "cached";
      EvalOptions.Baselines mode =
          switch (baselineMode) {
            case "cached" -> EvalOptions.Baselines.CACHED;
            case "computed" -> EvalOptions.Baselines.COMPUTED;
            case "skipped" -> EvalOptions.Baselines.SKIPPED;
            default ->
                throw new IllegalArgumentException(
                    "--baselines must be cached, computed or skipped, got \""
                        + baselineMode
                        + "\"");
          };
      EvalOptions base = EvalOptions.defaults();
      options =
          base.withLimits(
                  trainLimit == null ? Integer.MAX_VALUE : trainLimit,
                  testLimit == null ? Integer.MAX_VALUE : testLimit)
              .withSplit(validationShare, splitSeed)
              .withInvarianceImages(invarianceImages)
              .withPrePoolingTrainLimit(prePoolingTrainLimit)
              .withThreads(threads)
              .withGrids(
                  probeL2 == null ? base.l2Grid() : probeL2,
                  probeEpochs == null ? base.epochGrid() : probeEpochs)
              .withBaselines(mode, mode == EvalOptions.Baselines.CACHED ? cacheDir() : null)
              .withValidationOnly(validationOnly);
    } catch (IllegalArgumentException e) {
      return usage("invalid option: " + e.getMessage());
    }
    if (densityPlot != null && !densityPlot.toString().endsWith(".png")) {
      return usage("--density-plot must name a .png file, got " + densityPlot);
    }
    if (outputRule != null && densityPlot == null) {
      return usage(
          "--output-rule is the rule the --density-plot sweep applies; give --density-plot too"
              + " (the codes eval scores otherwise are the model's own)");
    }
    List<Double> targets = densityTargets == null ? DensitySweep.TARGETS : densityTargets;
    for (double d : targets) {
      if (!(d > 0 && d <= 1)) {
        return usage("--density-targets must each be in (0, 1], got " + d);
      }
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
    StepLine progress = new StepLine(context);
    EvalReport report = Evaluation.run(encoderModel, train, test, options, progress);
    if (densityPlot != null) {
      DensitySweep.Report sweep =
          DensitySweep.run(
              encoderModel,
              DataSplit.of(
                  train.head(options.trainLimit()),
                  test.head(options.testLimit()),
                  options.validationFraction(),
                  options.splitSeed()),
              options,
              report.codes().l2(),
              report.codes().epochs(),
              targets,
              outputRule != null ? outputRule : encoderModel.output().rule(),
              progress);
      try {
        Path json = DensitySweep.jsonPath(densityPlot);
        Files.write(densityPlot, sweep.png());
        Files.writeString(json, sweep.toJson() + "\n");
        context.err().println("pinwheel eval: wrote " + densityPlot + " and " + json);
      } catch (IOException e) {
        context.err().println("pinwheel eval: cannot write the density plot: " + e.getMessage());
        return ExitCodes.FAILED;
      }
    }
    if (json) {
      context.out().println(report.toJson());
    } else {
      context.out().print(report.toTable());
      context.out().flush();
    }
    return ExitCodes.OK;
  }

  private Path cacheDir() {
    if (baselineCache != null) {
      return baselineCache;
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path root =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return root.resolve("pinwheel").resolve("eval");
  }

  /** One line on standard error per step: its number, the elapsed time and what it does. */
  static final class StepLine implements EvalProgress {
    private final CliContext context;
    private final long start = System.nanoTime();

    StepLine(CliContext context) {
      this.context = context;
    }

    @Override
    public void step(String step, int done, int total) {
      context
          .err()
          .println(
              "eval "
                  + (done + 1)
                  + "/"
                  + total
                  + " "
                  + ProgressLine.duration((System.nanoTime() - start) / 1_000_000_000L)
                  + "  "
                  + step);
      context.err().flush();
    }
  }

  private int usage(String message) {
    context.err().println("pinwheel eval: " + message);
    return ExitCodes.USAGE;
  }
}
