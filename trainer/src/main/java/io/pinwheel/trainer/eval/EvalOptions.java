package io.pinwheel.trainer.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What {@link Evaluation#run} does.
 *
 * @param trainLimit use at most this many training images (the first ones), at least 2; they are
 *     cut into fit and validation parts
 * @param testLimit use at most this many test images (the first ones), at least 1
 * @param validationFraction the share of the training images held out for validation, in (0, 0.5]
 * @param splitSeed the seed of the shuffle that cuts fit from validation
 * @param invarianceImages score invariance on this many of the test images (the first ones); 0
 *     skips it; 1 is not enough for centred retrieval
 * @param prePoolingTrainLimit fit a probe on the codes before pooling with at most this many fit
 *     images, chosen on the same validation images; 0 skips it. Pre-pooling codes are several times
 *     larger than pooled ones (64 x 22 x 22 for a 7x7 Gabor model on 28x28), so a full training
 *     split would need gigabytes more memory than the pooled codes
 * @param threads encoder threads, at least 1
 * @param probe how each probe is fitted; its L2 is the grid when {@code l2Grid} is empty, its
 *     epochs when {@code epochGrid} is
 * @param l2Grid L2 strengths to choose from on validation, each finite and at least 0
 * @param epochGrid probe epoch counts to choose from on validation, each at least 1
 * @param baselines whether to compute, reuse or skip the pixel and pre-pooling probes
 * @param baselineCache the folder baseline results are kept in when {@code baselines} is {@link
 *     Baselines#CACHED}; null otherwise
 * @param validationOnly leave the test images alone: the chosen probe is not scored on them and
 *     invariance is scored on validation images, so runs that choose a recipe never see the test
 *     split; needs {@code baselines} {@link Baselines#SKIPPED}, since baselines score test
 */
public record EvalOptions(
    int trainLimit,
    int testLimit,
    double validationFraction,
    long splitSeed,
    int invarianceImages,
    int prePoolingTrainLimit,
    int threads,
    LinearProbe.Options probe,
    List<Double> l2Grid,
    List<Integer> epochGrid,
    Baselines baselines,
    Path baselineCache,
    boolean validationOnly) {

  /** What happens to the baselines (pixel and pre-pooling probes), which no model changes much. */
  public enum Baselines {
    /** Computed on every run. */
    COMPUTED,
    /** Read from the cache when a run with the same data and options wrote them, else computed. */
    CACHED,
    /** Not computed: the report holds none. */
    SKIPPED
  }

  /** The default validation share: 6,000 of Fashion-MNIST's 60,000 training images. */
  public static final double VALIDATION_FRACTION = DataSplit.DEFAULT_VALIDATION_FRACTION;

  /** Validates every field; messages name the field. */
  public EvalOptions {
    if (trainLimit < 2) {
      throw new IllegalArgumentException("trainLimit must be >= 2, got " + trainLimit);
    }
    if (testLimit < 1) {
      throw new IllegalArgumentException("testLimit must be >= 1, got " + testLimit);
    }
    if (!(validationFraction > 0 && validationFraction <= 0.5)) {
      throw new IllegalArgumentException(
          "validationFraction must be in (0, 0.5], got " + validationFraction);
    }
    if (invarianceImages < 0 || invarianceImages == 1) {
      throw new IllegalArgumentException(
          "invarianceImages must be 0 or >= 2, got " + invarianceImages);
    }
    if (prePoolingTrainLimit < 0) {
      throw new IllegalArgumentException(
          "prePoolingTrainLimit must be >= 0, got " + prePoolingTrainLimit);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    Objects.requireNonNull(probe, "probe");
    l2Grid = List.copyOf(Objects.requireNonNull(l2Grid, "l2Grid"));
    for (double l2 : l2Grid) {
      if (!(l2 >= 0) || !Double.isFinite(l2)) {
        throw new IllegalArgumentException("l2Grid values must be finite and >= 0, got " + l2);
      }
    }
    epochGrid = List.copyOf(Objects.requireNonNull(epochGrid, "epochGrid"));
    for (int e : epochGrid) {
      if (e < 1) {
        throw new IllegalArgumentException("epochGrid values must be >= 1, got " + e);
      }
    }
    Objects.requireNonNull(baselines, "baselines");
    if ((baselines == Baselines.CACHED) != (baselineCache != null)) {
      throw new IllegalArgumentException(
          "baselineCache must be set exactly when baselines are CACHED, got "
              + baselines
              + " and "
              + baselineCache);
    }
    if (validationOnly && baselines != Baselines.SKIPPED) {
      throw new IllegalArgumentException(
          "validationOnly needs baselines SKIPPED (baselines are scored on the test images), got "
              + baselines);
    }
  }

  /**
   * Every image, 10% of the training images (seed 15) for validation, invariance on 1000 test
   * images, a pre-pooling probe on 10000 fit images, 2 threads, {@link
   * LinearProbe.Options#defaults()} (30 epochs), L2 chosen from 1e-7 to 1e-2 by factors of 10 (both
   * ends of a narrower grid were picked by shipped models), baselines computed, test scored.
   */
  public static EvalOptions defaults() {
    return new EvalOptions(
        Integer.MAX_VALUE,
        Integer.MAX_VALUE,
        VALIDATION_FRACTION,
        DataSplit.DEFAULT_SEED,
        1000,
        10_000,
        2,
        LinearProbe.Options.defaults(),
        List.of(1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2),
        List.of(LinearProbe.Options.defaults().epochs()),
        Baselines.COMPUTED,
        null,
        false);
  }

  /** The L2 strengths tried: the grid, or the probe's own L2 when the grid is empty. */
  public List<Double> l2Choices() {
    return l2Grid.isEmpty() ? List.of(probe.l2()) : l2Grid;
  }

  /** The epoch counts tried: the grid, or the probe's own epochs when the grid is empty. */
  public List<Integer> epochChoices() {
    return epochGrid.isEmpty() ? List.of(probe.epochs()) : epochGrid;
  }

  /** These options with other image limits. */
  public EvalOptions withLimits(int newTrainLimit, int newTestLimit) {
    return with(
        c -> {
          c.trainLimit = newTrainLimit;
          c.testLimit = newTestLimit;
        });
  }

  /** These options with another validation share and split seed. */
  public EvalOptions withSplit(double newFraction, long newSeed) {
    return with(
        c -> {
          c.validationFraction = newFraction;
          c.splitSeed = newSeed;
        });
  }

  /** These options with another number of invariance images. */
  public EvalOptions withInvarianceImages(int newInvarianceImages) {
    return with(c -> c.invarianceImages = newInvarianceImages);
  }

  /** These options with another pre-pooling training limit. */
  public EvalOptions withPrePoolingTrainLimit(int newLimit) {
    return with(c -> c.prePoolingTrainLimit = newLimit);
  }

  /** These options with another thread count. */
  public EvalOptions withThreads(int newThreads) {
    return with(c -> c.threads = newThreads);
  }

  /** These options with other probe options. */
  public EvalOptions withProbe(LinearProbe.Options newProbe) {
    return with(c -> c.probe = newProbe);
  }

  /** These options with other grids; an empty grid uses the probe's own value. */
  public EvalOptions withGrids(List<Double> newL2Grid, List<Integer> newEpochGrid) {
    return with(
        c -> {
          c.l2Grid = newL2Grid;
          c.epochGrid = newEpochGrid;
        });
  }

  /** These options with baselines computed, skipped, or cached in {@code cache}. */
  public EvalOptions withBaselines(Baselines newBaselines, Path cache) {
    return with(
        c -> {
          c.baselines = newBaselines;
          c.baselineCache = cache;
        });
  }

  /**
   * These options with the test images left alone ({@code true}: no test score, invariance on
   * validation images) or used as usual.
   */
  public EvalOptions withValidationOnly(boolean newValidationOnly) {
    return with(c -> c.validationOnly = newValidationOnly);
  }

  /** A copy of these options with {@code change} applied, validated as any other. */
  private EvalOptions with(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return new EvalOptions(
        c.trainLimit,
        c.testLimit,
        c.validationFraction,
        c.splitSeed,
        c.invarianceImages,
        c.prePoolingTrainLimit,
        c.threads,
        c.probe,
        c.l2Grid,
        c.epochGrid,
        c.baselines,
        c.baselineCache,
        c.validationOnly);
  }

  /** The components of options being changed by a {@code with} method. */
  private static final class Copy {
    int trainLimit;
    int testLimit;
    double validationFraction;
    long splitSeed;
    int invarianceImages;
    int prePoolingTrainLimit;
    int threads;
    LinearProbe.Options probe;
    List<Double> l2Grid;
    List<Integer> epochGrid;
    Baselines baselines;
    Path baselineCache;
    boolean validationOnly;

    Copy(EvalOptions o) {
      trainLimit = o.trainLimit;
      testLimit = o.testLimit;
      validationFraction = o.validationFraction;
      splitSeed = o.splitSeed;
      invarianceImages = o.invarianceImages;
      prePoolingTrainLimit = o.prePoolingTrainLimit;
      threads = o.threads;
      probe = o.probe;
      l2Grid = o.l2Grid;
      epochGrid = o.epochGrid;
      baselines = o.baselines;
      baselineCache = o.baselineCache;
      validationOnly = o.validationOnly;
    }
  }
}
