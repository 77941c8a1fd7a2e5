package io.pinwheel.trainer.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.trainer.data.GrayImages;
import io.pinwheel.trainer.eval.DataSplit;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a training run on a labelled data set holds out: by default it fits on the fit part of
 * {@code eval}'s split ({@link DataSplit#cut}, the same fraction and seed), reports figures on the
 * validation part, and leaves the test split alone; the test split is scored once at the end only
 * when asked.
 *
 * @param fitOn which training images the model is fitted on
 * @param scoreTest whether the test split is scored, once, after training
 */
public record Holdout(FitOn fitOn, boolean scoreTest) {
  /** The default: fit on the fit part, do not score test. */
  public static final Holdout DEFAULT = new Holdout(FitOn.FIT_PART, false);

  /** Which training images a run fits on. */
  public enum FitOn {
    /** The fit part of eval's split; the validation part is held out and reported on. */
    FIT_PART,
    /**
     * Every training image, validation part included, so no held-out figure exists unless the test
     * split is scored: for a final model whose recipe was chosen on validation, and for the shipped
     * models, which were trained this way.
     */
    ALL
  }

  /** Validates the fields. */
  public Holdout {
    Objects.requireNonNull(fitOn, "fitOn");
  }

  /**
   * The parts of a labelled training split.
   *
   * @param fit the images the model is fitted on
   * @param validation the held-out images figures are reported on; empty when fitting on all
   */
  public record Parts(GrayImages fit, Optional<GrayImages> validation) {
    /** Validates the fields. */
    public Parts {
      Objects.requireNonNull(fit, "fit");
      Objects.requireNonNull(validation, "validation");
    }
  }

  /**
   * Cuts the training split. The cut is made on all of {@code train}, so the validation part is
   * eval's whatever {@code limit} is; {@code limit} then keeps the first images of the fit part.
   *
   * @param limit fit on at most this many images (0 for all)
   */
  public Parts cut(GrayImages train, int limit) {
    GrayImages fit;
    Optional<GrayImages> validation;
    if (fitOn == FitOn.ALL) {
      fit = train;
      validation = Optional.empty();
    } else {
      DataSplit.Cut cut =
          DataSplit.cut(train, DataSplit.DEFAULT_VALIDATION_FRACTION, DataSplit.DEFAULT_SEED);
      fit = cut.fit();
      validation = Optional.of(cut.validation());
    }
    if (limit > 0 && limit < fit.count()) {
      fit = fit.head(limit);
    }
    return new Parts(fit, validation);
  }

  /**
   * What a report says of an image folder, which has no split: trained on whole, nothing held out.
   */
  public static ObjectNode folderJson(Path dir) {
    ObjectNode s = Reports.JSON.createObjectNode();
    s.put("fitOn", "folder");
    s.put("folder", dir.toString());
    s.put(
        "heldOut",
        "none: every image of the folder is trained on and no held-out figure is computed;"
            + " score validation or test photographs of a folder of their own with eval");
    return s;
  }

  /** What a report says about the split: the option, the sizes, the seed and fraction. */
  public ObjectNode json(Parts parts, int trainImages) {
    ObjectNode s = Reports.JSON.createObjectNode();
    s.put("fitOn", fitOn == FitOn.ALL ? "all" : "fit-part");
    s.put("trainImages", trainImages);
    s.put("fitImages", parts.fit().count());
    s.put("validationImages", parts.validation().map(GrayImages::count).orElse(0));
    if (fitOn == FitOn.FIT_PART) {
      s.put("validationFraction", DataSplit.DEFAULT_VALIDATION_FRACTION);
      s.put("seed", DataSplit.DEFAULT_SEED);
    }
    s.put("testScored", scoreTest);
    return s;
  }
}
