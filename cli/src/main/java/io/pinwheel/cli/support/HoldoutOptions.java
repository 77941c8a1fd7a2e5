package io.pinwheel.cli.support;

import io.pinwheel.trainer.run.Holdout;
import picocli.CommandLine.Option;

/**
 * {@code --fit-on} and {@code --score-test}: what {@code train} and {@code train drsae} hold out of
 * a labelled data set ({@link Holdout}). {@code train} refuses {@code --fit-on all} and {@code
 * --score-test} for image folders, which have no such split (its job's spec checks them).
 */
public final class HoldoutOptions {
  @Option(
      names = "--fit-on",
      paramLabel = "fit-part|all",
      converter = FitOnConverter.class,
      description = {
        "Labelled data: fit-part fits on eval's fit part of the training split (54,000 of"
            + " Fashion-MNIST's 60,000; seed 15) and reports figures on the other 6,000"
            + " (validation) every epoch; all fits on every training image and has no held-out"
            + " figure (for a final model whose recipe was chosen on validation; the shipped"
            + " models were trained so).",
        "Default: fit-part."
      })
  Holdout.FitOn fitOn;

  @Option(
      names = "--score-test",
      description =
          "Labelled data: score the test split once, after training, and report it as test."
              + " Off by default: choices are made on validation.")
  boolean scoreTest;

  /** The options, as the trainer takes them. */
  public Holdout holdout() {
    return new Holdout(fitOn == null ? Holdout.FitOn.FIT_PART : fitOn, scoreTest);
  }

  /** Reads {@code fit-part} and {@code all}. */
  static final class FitOnConverter implements picocli.CommandLine.ITypeConverter<Holdout.FitOn> {
    @Override
    public Holdout.FitOn convert(String value) {
      return switch (value) {
        case "fit-part" -> Holdout.FitOn.FIT_PART;
        case "all" -> Holdout.FitOn.ALL;
        default ->
            throw new picocli.CommandLine.TypeConversionException(
                "expected fit-part or all, got '" + value + "'");
      };
    }
  }
}
