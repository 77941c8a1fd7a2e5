package io.pinwheel.trainer.eval;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Evaluation#run} does.
 *
 * @param trainLimit use at most this many training images (the first ones), at least 1
 * @param testLimit use at most this many test images (the first ones), at least 1
 * @param invarianceImages score invariance on this many of the test images (the first ones); 0
 *     skips it
 * @param prePoolingTrainLimit fit a probe on the codes before pooling with at most this many
 *     training images, scored on the same test images; 0 skips it. Pre-pooling codes are several
 *     times larger than pooled ones (64 x 22 x 22 for a 7x7 Gabor model on 28x28), so a full
 *     training split would need gigabytes more memory than the pooled codes
 * @param threads encoder threads, at least 1
 * @param probe how each probe is fitted; its L2 is used when {@code l2Grid} is empty
 * @param l2Grid L2 strengths to choose from on the last 10% of the training images before refitting
 *     on all of them, each finite and at least 0; empty to use {@code probe.l2()} as it is
 */
public record EvalOptions(
    int trainLimit,
    int testLimit,
    int invarianceImages,
    int prePoolingTrainLimit,
    int threads,
    LinearProbe.Options probe,
    List<Double> l2Grid) {

  /** The fraction of training images held out to choose the L2 strength. */
  public static final double HOLDOUT = 0.1;

  /** Validates every field; messages name the field. */
  public EvalOptions {
    if (trainLimit < 1) {
      throw new IllegalArgumentException("trainLimit must be >= 1, got " + trainLimit);
    }
    if (testLimit < 1) {
      throw new IllegalArgumentException("testLimit must be >= 1, got " + testLimit);
    }
    if (invarianceImages < 0) {
      throw new IllegalArgumentException("invarianceImages must be >= 0, got " + invarianceImages);
    }
    if (prePoolingTrainLimit < 0) {
      throw new IllegalArgumentException(
          "prePoolingTrainLimit must be >= 0, got " + prePoolingTrainLimit);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(l2Grid, "l2Grid");
    l2Grid = List.copyOf(l2Grid);
    for (double l2 : l2Grid) {
      if (!(l2 >= 0) || !Double.isFinite(l2)) {
        throw new IllegalArgumentException("l2Grid values must be finite and >= 0, got " + l2);
      }
    }
  }

  /**
   * Every image, invariance on 1000 test images, a pre-pooling probe on 10000 training images, 2
   * threads, {@link LinearProbe.Options#defaults()}, L2 chosen from 1e-7 to 1e-2 by factors of 10:
   * both ends of a narrower grid were picked by shipped models.
   */
  public static EvalOptions defaults() {
    return new EvalOptions(
        Integer.MAX_VALUE,
        Integer.MAX_VALUE,
        1000,
        10_000,
        2,
        LinearProbe.Options.defaults(),
        List.of(1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2));
  }

  /** These options with other image limits. */
  public EvalOptions withLimits(int newTrainLimit, int newTestLimit) {
    return new EvalOptions(
        newTrainLimit,
        newTestLimit,
        invarianceImages,
        prePoolingTrainLimit,
        threads,
        probe,
        l2Grid);
  }

  /** These options with another number of invariance images. */
  public EvalOptions withInvarianceImages(int newInvarianceImages) {
    return new EvalOptions(
        trainLimit, testLimit, newInvarianceImages, prePoolingTrainLimit, threads, probe, l2Grid);
  }

  /** These options with another pre-pooling training limit. */
  public EvalOptions withPrePoolingTrainLimit(int newLimit) {
    return new EvalOptions(
        trainLimit, testLimit, invarianceImages, newLimit, threads, probe, l2Grid);
  }

  /** These options with another thread count. */
  public EvalOptions withThreads(int newThreads) {
    return new EvalOptions(
        trainLimit, testLimit, invarianceImages, prePoolingTrainLimit, newThreads, probe, l2Grid);
  }

  /** These options with other probe options. */
  public EvalOptions withProbe(LinearProbe.Options newProbe) {
    return new EvalOptions(
        trainLimit, testLimit, invarianceImages, prePoolingTrainLimit, threads, newProbe, l2Grid);
  }

  /** These options with another L2 grid; empty to use the probe's L2. */
  public EvalOptions withL2Grid(List<Double> newGrid) {
    return new EvalOptions(
        trainLimit, testLimit, invarianceImages, prePoolingTrainLimit, threads, probe, newGrid);
  }
}
