package io.pinwheel.trainer.eval;

import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.data.GrayImages;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;

/**
 * Scores an encoder on a labelled data set under the honest protocol: the training images are cut
 * into fit and validation parts ({@link DataSplit}); every probe setting is chosen on validation
 * and the chosen probe alone is scored on the test images ({@link ProbeSelection}). The same is
 * done for pixels and the codes before pooling (baselines, cacheable), next to the codes' density
 * and their invariance to small moves ({@link Invariance}). With {@link
 * EvalOptions#validationOnly()} the test images are not read at all: runs that choose a recipe
 * report validation figures only.
 */
public final class Evaluation {
  private Evaluation() {}

  /** {@link #run(EncoderModel, GrayImages, GrayImages, EvalOptions, EvalProgress)}, silently. */
  public static EvalReport run(
      EncoderModel model, GrayImages train, GrayImages test, EvalOptions options) {
    return run(model, train, test, options, EvalProgress.NONE);
  }

  /**
   * Runs the whole evaluation.
   *
   * @param model the encoder; its input must be the images' size
   * @param train labelled training images, cut into fit and validation parts
   * @param test labelled test images
   * @param options limits, split, threads, probe settings and baselines
   * @param progress told at the start of each step
   * @throws IllegalArgumentException if the images are unlabelled, differ in size from each other
   *     or from the model's input, or hold fewer than two classes
   */
  public static EvalReport run(
      EncoderModel model,
      GrayImages train,
      GrayImages test,
      EvalOptions options,
      EvalProgress progress) {
    long start = System.nanoTime();
    check(model, train, test);
    // The codes are stored in blocks, sparse where they are sparse (FeatureMatrix): every image is
    // used, whatever the code size, as far as native memory allows.
    GrayImages tr = train.head(Math.min(options.trainLimit(), train.count()));
    GrayImages te = test.head(Math.min(options.testLimit(), test.count()));
    int classes = Math.max(tr.classCount(), te.classCount());
    if (classes < 2) {
      throw new IllegalArgumentException("train must hold at least two classes, got " + classes);
    }
    DataSplit split = DataSplit.of(tr, te, options.validationFraction(), options.splitSeed());
    Optional<EncoderModel> pre = CodeFeatures.prePoolingModel(model);
    boolean withPre = options.prePoolingTrainLimit() > 0 && pre.isPresent();
    int fits = options.l2Choices().size() * options.epochChoices().size();
    boolean validationOnly = options.validationOnly();
    // Invariance is scored on test images, or on validation images when test is left alone.
    GrayImages invariancePool = validationOnly ? split.validation() : te;
    String invarianceSplit = validationOnly ? "validation" : "test";
    int invarianceImages =
        Math.min(options.invarianceImages(), invariancePool.count()) >= 2
            ? Math.min(options.invarianceImages(), invariancePool.count())
            : 0;
    Steps steps =
        new Steps(
            progress,
            (validationOnly ? 1 : 2)
                + fits
                + (options.baselines() == EvalOptions.Baselines.SKIPPED
                    ? 0
                    : (1 + fits) * (withPre ? 2 : 1))
                + (invarianceImages > 0 ? Invariance.standardCases().size() : 0));
    int threads = options.threads();

    long t0 = System.nanoTime();
    steps.next(
        "encoding "
            + split.fit().count()
            + " fit and "
            + split.validation().count()
            + " validation images");
    ProbeSelection.Result codes;
    double nonZeros;
    long encodeNanos;
    long fitNanos;
    int d;
    ProbeSelection.Chosen chosen;
    try (FeatureMatrix fitCodes = CodeFeatures.pooledMatrix(model, split.fit(), threads);
        FeatureMatrix valCodes = CodeFeatures.pooledMatrix(model, split.validation(), threads)) {
      encodeNanos = System.nanoTime() - t0;
      d = fitCodes.columns();
      nonZeros = fitCodes.nonZeros() + valCodes.nonZeros();
      long t1 = System.nanoTime();
      chosen = choose(fitCodes, valCodes, split, classes, options, steps, "codes");
      fitNanos = System.nanoTime() - t1;
    }
    if (validationOnly) {
      codes = chosen.unscored();
    } else {
      // The fit and validation codes are freed first: only the chosen probe's weights are needed.
      long t2 = System.nanoTime();
      steps.next("encoding " + te.count() + " test images; scoring the chosen probe once");
      try (FeatureMatrix testCodes = CodeFeatures.pooledMatrix(model, te, threads)) {
        nonZeros += testCodes.nonZeros();
        codes = chosen.scoredOn(testCodes, te.labels());
      }
      encodeNanos += System.nanoTime() - t2;
    }

    long t3 = System.nanoTime();
    EvalReport.Baseline pixels = null;
    EvalReport.Baseline prePooling = null;
    if (options.baselines() != EvalOptions.Baselines.SKIPPED) {
      pixels =
          baseline(
              "pixels",
              tr,
              te,
              options,
              Optional.empty(),
              0,
              steps,
              () -> probeOn(split, split.fit(), classes, options, steps, "pixels", null));
      if (withPre) {
        // At most what one 2 GiB dense matrix of these codes holds, as before the codes were
        // stored in blocks: the limit is part of the cached result's key.
        int limit =
            Math.min(
                options.prePoolingTrainLimit(),
                CodeFeatures.maxRows(CodeFeatures.codeSize(pre.get())));
        prePooling =
            baseline(
                "pre-pooling",
                tr,
                te,
                options,
                pre,
                limit,
                steps,
                () ->
                    probeOn(
                        split,
                        split.fit().head(limit),
                        classes,
                        options,
                        steps,
                        "pre-pooling codes",
                        model));
      }
    }
    OptionalDouble head =
        validationOnly ? OptionalDouble.empty() : CodeFeatures.headAccuracy(model, te);
    long baselineNanos = System.nanoTime() - t3;

    long t4 = System.nanoTime();
    List<Invariance.Row> invariance = List.of();
    if (invarianceImages > 0) {
      invariance =
          Invariance.measure(
              model,
              invariancePool.head(invarianceImages),
              Invariance.standardCases(),
              threads,
              c ->
                  steps.next(
                      "invariance: "
                          + c.name()
                          + " on "
                          + invarianceImages
                          + " "
                          + invarianceSplit
                          + " images"));
    }
    long invarianceNanos = System.nanoTime() - t4;

    int[] shape = model.outputShape();
    long images = (long) tr.count() + (validationOnly ? 0 : te.count());
    return new EvalReport(
        model.name(),
        model.version(),
        List.of(shape[0], shape[1], shape[2]),
        classes,
        split.sizes(),
        codes,
        pixels,
        prePooling,
        head.isPresent() ? head.getAsDouble() : null,
        nonZeros / ((double) images * d),
        nonZeros / images,
        invarianceImages,
        invarianceSplit,
        invariance,
        new EvalReport.Timings(
            seconds(encodeNanos),
            seconds(fitNanos),
            seconds(baselineNanos),
            seconds(invarianceNanos),
            seconds(System.nanoTime() - start)));
  }

  /** Counts steps for the progress listener. */
  private static final class Steps {
    private final EvalProgress progress;
    private int total;
    private int done = -1;

    Steps(EvalProgress progress, int total) {
      this.progress = progress;
      this.total = total;
    }

    void next(String step) {
      done++;
      total = Math.max(total, done + 1);
      progress.step(step, done, total);
    }

    void skip(int steps) {
      total -= steps;
    }
  }

  private static ProbeSelection.Chosen choose(
      FeatureMatrix fit,
      FeatureMatrix validation,
      DataSplit split,
      int classes,
      EvalOptions options,
      Steps steps,
      String what) {
    return ProbeSelection.choose(
        fit,
        Arrays.copyOf(split.fit().labels(), fit.rows()),
        validation,
        split.validation().labels(),
        classes,
        options.probe(),
        options.l2Choices(),
        options.epochChoices(),
        (i, n, l2, epochs) ->
            steps.next(
                String.format(
                    Locale.ROOT,
                    "%s probe: L2 %.0e, %d epochs on %d fit images (%d of %d)",
                    what,
                    l2,
                    epochs,
                    fit.rows(),
                    i,
                    n)));
  }

  /**
   * A probe on pixels ({@code model} null) or on {@code model}'s pre-pooling codes, chosen on the
   * validation images and scored once on the test images.
   */
  private static ProbeSelection.Result probeOn(
      DataSplit split,
      GrayImages fitImages,
      int classes,
      EvalOptions options,
      Steps steps,
      String what,
      EncoderModel model) {
    steps.next("encoding " + what + " of " + fitImages.count() + " fit images and validation");
    int threads = options.threads();
    ProbeSelection.Chosen chosen;
    try (FeatureMatrix fit = features(model, fitImages, threads);
        FeatureMatrix val = features(model, split.validation(), threads)) {
      chosen = choose(fit, val, split, classes, options, steps, what);
    }
    try (FeatureMatrix test = features(model, split.test(), threads)) {
      return chosen.scoredOn(test, split.test().labels());
    }
  }

  /** Pixels ({@code model} null) or {@code model}'s pre-pooling codes of {@code images}. */
  private static FeatureMatrix features(EncoderModel model, GrayImages images, int threads) {
    if (model != null) {
      return CodeFeatures.pooledMatrix(
          CodeFeatures.prePoolingModel(model).orElseThrow(), images, threads);
    }
    return FeatureMatrix.adopt(CodeFeatures.pixels(images));
  }

  private static EvalReport.Baseline baseline(
      String kind,
      GrayImages train,
      GrayImages test,
      EvalOptions options,
      Optional<EncoderModel> pre,
      int limit,
      Steps steps,
      Supplier<ProbeSelection.Result> compute) {
    if (options.baselines() != EvalOptions.Baselines.CACHED) {
      return new EvalReport.Baseline(compute.get(), "computed");
    }
    BaselineCache cache = new BaselineCache(options.baselineCache());
    Path file = cache.file(kind, BaselineCache.key(kind, train, test, options, pre, limit));
    Optional<ProbeSelection.Result> cached = cache.read(file);
    if (cached.isPresent()) {
      steps.skip(1 + options.l2Choices().size() * options.epochChoices().size());
      return new EvalReport.Baseline(cached.get(), "cached " + file);
    }
    ProbeSelection.Result result = compute.get();
    cache.write(file, result);
    return new EvalReport.Baseline(result, "computed");
  }

  private static void check(EncoderModel model, GrayImages train, GrayImages test) {
    if (!train.labelled()) {
      throw new IllegalArgumentException("train must be labelled");
    }
    if (!test.labelled()) {
      throw new IllegalArgumentException("test must be labelled");
    }
    CodeFeatures.checkSize(model, train);
    CodeFeatures.checkSize(model, test);
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
