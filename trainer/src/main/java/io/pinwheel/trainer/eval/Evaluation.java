package io.pinwheel.trainer.eval;

import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.data.GrayImages;
import java.nio.FloatBuffer;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores an encoder on a labelled data set: a linear probe on its codes, the same probe on pixels
 * and on the codes before pooling, the codes' density and their invariance to small moves.
 */
public final class Evaluation {
  private Evaluation() {}

  /**
   * Runs the whole evaluation.
   *
   * @param model the encoder; its input must be the images' size
   * @param train labelled training images
   * @param test labelled test images
   * @param options limits, threads and probe settings
   * @throws IllegalArgumentException if the images are unlabelled, differ in size from each other
   *     or from the model's input, or hold fewer than two classes
   */
  public static EvalReport run(
      EncoderModel model, GrayImages train, GrayImages test, EvalOptions options) {
    long start = System.nanoTime();
    check(model, train, test);
    // A feature matrix is one NIO float buffer (at most 2 GiB): large codes use fewer images, and
    // the report's image counts say how many.
    int rows = CodeFeatures.maxRows(CodeFeatures.codeSize(model));
    GrayImages tr = train.head(Math.min(options.trainLimit(), rows));
    GrayImages te = test.head(Math.min(options.testLimit(), rows));
    int classes = Math.max(tr.classCount(), te.classCount());
    if (classes < 2) {
      throw new IllegalArgumentException("train must hold at least two classes, got " + classes);
    }
    int threads = options.threads();

    long t0 = System.nanoTime();
    double testAccuracy;
    double trainAccuracy;
    double l2;
    double nonZeros;
    long encodeNanos;
    long fitNanos;
    int d;
    try (INDArray trainCodes = CodeFeatures.pooled(model, tr, threads);
        INDArray testCodes = CodeFeatures.pooled(model, te, threads)) {
      encodeNanos = System.nanoTime() - t0;
      d = trainCodes.columns();
      nonZeros = nonZeros(trainCodes) + nonZeros(testCodes);
      long t1 = System.nanoTime();
      Fitted f = fit(trainCodes, tr.labels(), classes, options);
      fitNanos = System.nanoTime() - t1;
      testAccuracy = f.probe.accuracy(testCodes, te.labels());
      trainAccuracy = f.probe.accuracy(trainCodes, tr.labels());
      l2 = f.l2;
    }

    long t2 = System.nanoTime();
    double pixelAccuracy;
    double pixelL2;
    try (INDArray trainPixels = CodeFeatures.pixels(tr);
        INDArray testPixels = CodeFeatures.pixels(te)) {
      Fitted f = fit(trainPixels, tr.labels(), classes, options);
      pixelAccuracy = f.probe.accuracy(testPixels, te.labels());
      pixelL2 = f.l2;
    }
    Double preAccuracy = null;
    int preTrain = 0;
    java.util.Optional<EncoderModel> pre = CodeFeatures.prePoolingModel(model);
    if (options.prePoolingTrainLimit() > 0 && pre.isPresent()) {
      GrayImages ptr =
          tr.head(
              Math.min(
                  options.prePoolingTrainLimit(),
                  CodeFeatures.maxRows(CodeFeatures.codeSize(pre.get()))));
      try (INDArray trainPre = CodeFeatures.prePooling(model, ptr, threads);
          INDArray testPre = CodeFeatures.prePooling(model, te, threads)) {
        int preClasses = Math.max(classes, ptr.classCount());
        Fitted f = fit(trainPre, ptr.labels(), preClasses, options);
        preAccuracy = f.probe.accuracy(testPre, te.labels());
        preTrain = ptr.count();
      }
    }
    java.util.OptionalDouble head = CodeFeatures.headAccuracy(model, te);
    long baselineNanos = System.nanoTime() - t2;

    long t3 = System.nanoTime();
    List<Invariance.Row> invariance = List.of();
    int invarianceImages = Math.min(options.invarianceImages(), te.count());
    if (invarianceImages > 0) {
      invariance = Invariance.measure(model, te.head(invarianceImages), threads);
    }
    long invarianceNanos = System.nanoTime() - t3;

    int[] shape = model.outputShape();
    long images = (long) tr.count() + te.count();
    return new EvalReport(
        model.name(),
        model.version(),
        List.of(shape[0], shape[1], shape[2]),
        classes,
        tr.count(),
        te.count(),
        testAccuracy,
        trainAccuracy,
        l2,
        pixelAccuracy,
        pixelL2,
        preAccuracy,
        preTrain,
        head.isPresent() ? head.getAsDouble() : null,
        nonZeros / ((double) images * d),
        nonZeros / images,
        invarianceImages,
        invariance,
        new EvalReport.Timings(
            seconds(encodeNanos),
            seconds(fitNanos),
            seconds(baselineNanos),
            seconds(invarianceNanos),
            seconds(System.nanoTime() - start)));
  }

  private record Fitted(LinearProbe probe, double l2) {}

  /**
   * A probe, its L2 chosen on held-out images when the grid is set. Its products run on the calling
   * thread alone (the encoders' policy): they are small (256 x D x C), and two OpenMP threads on a
   * busy 2-core machine made a fit several times slower, not faster.
   */
  private static Fitted fit(INDArray x, int[] labels, int classes, EvalOptions options) {
    if (options.l2Grid().isEmpty() || x.rows() < 20) {
      return new Fitted(LinearProbe.fit(x, labels, classes, options.probe()), options.probe().l2());
    }
    LinearProbe.Tuned t =
        LinearProbe.tune(
            x, labels, classes, options.probe(), options.l2Grid(), EvalOptions.HOLDOUT);
    return new Fitted(t.probe(), t.l2());
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

  private static double nonZeros(INDArray codes) {
    FloatBuffer b = codes.data().asNioFloat();
    long n = 0;
    int size = (int) codes.length();
    float[] chunk = new float[Math.min(size, 1 << 16)];
    for (int at = 0; at < size; at += chunk.length) {
      int len = Math.min(chunk.length, size - at);
      b.get(at, chunk, 0, len);
      for (int i = 0; i < len; i++) {
        if (chunk[i] != 0) {
          n++;
        }
      }
    }
    return n;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
