package io.pinwheel.trainer.eval;

import io.pinwheel.trainer.data.GrayImages;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A labelled training set cut into a fit part (probes learn on it) and a validation part (every
 * choice is made on it), next to the test set, which is scored once for the final pick.
 *
 * <p>The cut is a seeded shuffle of the training images: the first {@code validation} of the
 * shuffled order are validation, the rest fit, each part kept in its original order. The same
 * images, fraction and seed give the same cut on every machine.
 *
 * @param fit the images probes are fitted on
 * @param validation the images choices are made on
 * @param test the images the final pick is scored on
 * @param seed the shuffle's seed
 */
public record DataSplit(GrayImages fit, GrayImages validation, GrayImages test, long seed) {
  /** The seed {@code eval} cuts Fashion-MNIST's training split with. */
  public static final long DEFAULT_SEED = 15;

  /**
   * The share of the training images {@code eval} and the train commands hold out: 6,000 of 60,000.
   */
  public static final double DEFAULT_VALIDATION_FRACTION = 0.1;

  /** Validates the fields. */
  public DataSplit {
    Objects.requireNonNull(fit, "fit");
    Objects.requireNonNull(validation, "validation");
    Objects.requireNonNull(test, "test");
  }

  /**
   * Cuts {@code train} into fit and validation parts.
   *
   * @param validationFraction the share of {@code train} held out for validation, in (0, 0.5]
   * @param seed the shuffle's seed
   * @throws IllegalArgumentException if the fraction is out of range or leaves either part empty
   */
  public static DataSplit of(
      GrayImages train, GrayImages test, double validationFraction, long seed) {
    Cut cut = cut(train, validationFraction, seed);
    return new DataSplit(cut.fit(), cut.validation(), test, seed);
  }

  /**
   * Cuts {@code train} into fit and validation parts, as {@link #of} does, for callers that leave
   * the test set alone (the train commands).
   *
   * @param validationFraction the share of {@code train} held out for validation, in (0, 0.5]
   * @param seed the shuffle's seed
   * @throws IllegalArgumentException if the fraction is out of range or leaves either part empty
   */
  public static Cut cut(GrayImages train, double validationFraction, long seed) {
    if (!(validationFraction > 0 && validationFraction <= 0.5)) {
      throw new IllegalArgumentException(
          "validationFraction must be in (0, 0.5], got " + validationFraction);
    }
    int n = train.count();
    int held = (int) Math.round(n * validationFraction);
    if (held < 1 || held >= n) {
      throw new IllegalArgumentException(
          "a validation fraction of "
              + validationFraction
              + " of "
              + n
              + " training images leaves nothing to fit or to validate on");
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] validation = Arrays.copyOfRange(order, 0, held);
    int[] fit = Arrays.copyOfRange(order, held, n);
    Arrays.sort(validation);
    Arrays.sort(fit);
    return new Cut(train.select(fit), train.select(validation));
  }

  /**
   * The training images cut in two.
   *
   * @param fit the images models and probes are fitted on
   * @param validation the images choices are made on
   */
  public record Cut(GrayImages fit, GrayImages validation) {
    /** Validates the fields. */
    public Cut {
      Objects.requireNonNull(fit, "fit");
      Objects.requireNonNull(validation, "validation");
    }
  }

  /** The sizes and seed, as reports record them. */
  public Sizes sizes() {
    return new Sizes(fit.count(), validation.count(), test.count(), seed);
  }

  /**
   * What a report says about the split behind its figures.
   *
   * @param fitImages training images probes were fitted on
   * @param validationImages training images held out for choices
   * @param testImages test images, scored once for the final pick
   * @param seed the seed of the shuffle that cut fit from validation
   */
  public record Sizes(int fitImages, int validationImages, int testImages, long seed) {}
}
