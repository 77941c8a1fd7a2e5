package io.pinwheel.trainer.eval;

import io.pinwheel.extractor.NativeRuntime;
import io.pinwheel.trainer.optim.Adam;
import io.pinwheel.trainer.optim.Shuffles;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A multinomial logistic-regression classifier (softmax, cross-entropy, L2 weight decay) fitted by
 * minibatch Adam: the linear probe that says how much class information a representation carries.
 *
 * <p>Feature scaling: each feature is centred and divided by its standard deviation on the training
 * rows, with the deviation floored at {@value #STD_FLOOR} times the mean deviation over features.
 * Plain standardization makes every direction equally steep, which is what lets one learning rate
 * and one L2 strength suit pixels and codes alike; the floor is there because sparse codes have
 * features that fire on a handful of training images, which plain standardization would blow up
 * into values in the hundreds that dominate the logits of any test image where they fire. The
 * scaling is folded into the weights ({@code W / s}, bias {@code b - (mu / s) W}), so the caller's
 * matrix is never copied or changed.
 *
 * <p>The optimizer is the trainers' {@link Adam} with a cosine learning-rate decay to 0 over all
 * steps and the L2 term {@code l2/2 |W|^2} in the loss (the bias is not penalized). Weights start
 * at zero, the loss is convex, and minibatches are drawn by a {@link Shuffles#shuffle} of the rows
 * with one seeded {@link SplittableRandom} per fit, so a fit is a function of its inputs and seed.
 * The two matrix products per step are ND4J {@code gemm} calls on arrays allocated once per fit,
 * the minibatch's rows gathered into a dense array from the {@link FeatureMatrix} (dense or sparse
 * blocks alike); everything else runs over {@code D x C} floats in Java.
 *
 * <p>Instances are immutable and thread-safe for {@link #predict} and {@link #accuracy}, which
 * allocate their own scratch.
 */
public final class LinearProbe {
  /** See the class comment: the smallest per-feature deviation, relative to the mean one. */
  static final double STD_FLOOR = 0.1;

  private static final int PREDICT_CHUNK = 2048;

  private final int features;
  private final int classes;
  private final double l2;

  /** [D, C] row-major weights on the raw features, scaling folded in. */
  private final float[] rawWeights;

  private final float[] rawBias;

  private LinearProbe(int features, int classes, double l2, float[] rawWeights, float[] rawBias) {
    this.features = features;
    this.classes = classes;
    this.l2 = l2;
    this.rawWeights = rawWeights;
    this.rawBias = rawBias;
  }

  /**
   * How a probe is fitted.
   *
   * @param epochs passes over the training rows, at least 1
   * @param batch rows per Adam step, at least 1
   * @param learningRate the initial Adam step size, finite and positive; decays to 0 by a cosine
   * @param l2 the weight-decay strength, finite and at least 0
   * @param seed the shuffle seed
   */
  public record Options(int epochs, int batch, double learningRate, double l2, long seed) {
    /** Validates every field; messages name the field. */
    public Options {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
      }
      if (batch < 1) {
        throw new IllegalArgumentException("batch must be >= 1, got " + batch);
      }
      if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
        throw new IllegalArgumentException(
            "learningRate must be finite and > 0, got " + learningRate);
      }
      if (!(l2 >= 0) || !Double.isFinite(l2)) {
        throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
      }
    }

    /** 30 epochs of batches of 256, learning rate 0.002, L2 1e-4, seed 1. */
    public static Options defaults() {
      return new Options(30, 256, 2e-3, 1e-4, 1);
    }

    /** These options with another L2 strength. */
    public Options withL2(double newL2) {
      return new Options(epochs, batch, learningRate, newL2, seed);
    }

    /** These options with another epoch count. */
    public Options withEpochs(int newEpochs) {
      return new Options(newEpochs, batch, learningRate, l2, seed);
    }

    /** These options with another seed. */
    public Options withSeed(long newSeed) {
      return new Options(epochs, batch, learningRate, l2, newSeed);
    }
  }

  /**
   * A probe whose L2 strength was chosen on held-out rows.
   *
   * @param probe refitted on every training row with the chosen strength
   * @param l2 the chosen strength
   * @param validation the held-out accuracy of each strength tried, in grid order
   */
  public record Tuned(LinearProbe probe, double l2, List<Double> validation) {
    /** Validates and copies. */
    public Tuned {
      Objects.requireNonNull(probe, "probe");
      validation = List.copyOf(validation);
    }
  }

  /**
   * Fits a probe on every row of {@code features}.
   *
   * @param features [N, D] float features, one row per example; not changed
   * @param labels N class indices in [0, classes)
   * @param classes the number of classes, at least 2
   * @param options how to fit
   * @throws IllegalArgumentException if the shapes or labels do not fit
   */
  public static LinearProbe fit(INDArray features, int[] labels, int classes, Options options) {
    return fit(FeatureMatrix.of(features), labels, classes, options);
  }

  /**
   * Fits a probe on every row of {@code x}, as {@link #fit(INDArray, int[], int, Options)} does.
   */
  public static LinearProbe fit(FeatureMatrix x, int[] labels, int classes, Options options) {
    check(x, labels, classes);
    return fitRows(x, labels, classes, allRows(x.rows()), options);
  }

  /**
   * Fits with each L2 strength of {@code grid} on the first {@code 1 - holdout} of the rows, keeps
   * the one with the best accuracy on the last {@code holdout} (the smallest on a tie), and refits
   * on every row with it. The split is by position, not random: data sets such as Fashion-MNIST are
   * already shuffled, and a fixed split keeps the choice reproducible.
   *
   * @param grid the strengths to try, at least one, each finite and >= 0
   * @param holdout the fraction of rows held out, in (0, 0.5]
   * @throws IllegalArgumentException if the shapes, labels, grid or holdout do not fit
   */
  public static Tuned tune(
      INDArray features,
      int[] labels,
      int classes,
      Options options,
      List<Double> grid,
      double holdout) {
    FeatureMatrix x = FeatureMatrix.of(features);
    check(x, labels, classes);
    if (grid.isEmpty()) {
      throw new IllegalArgumentException("grid must hold at least one L2 strength");
    }
    if (!(holdout > 0 && holdout <= 0.5)) {
      throw new IllegalArgumentException("holdout must be in (0, 0.5], got " + holdout);
    }
    int held = (int) Math.round(x.rows() * holdout);
    if (held < 1 || held >= x.rows()) {
      throw new IllegalArgumentException(
          "holdout " + holdout + " of " + x.rows() + " rows leaves nothing to fit or to score");
    }
    int[] fitRows = Arrays.copyOfRange(allRows(x.rows()), 0, x.rows() - held);
    int[] heldRows = Arrays.copyOfRange(allRows(x.rows()), x.rows() - held, x.rows());
    List<Double> scores = new ArrayList<>();
    double best = -1;
    double bestL2 = grid.get(0);
    Options search = options.withEpochs(Math.max(1, options.epochs() / 3));
    for (double l2 : grid) {
      LinearProbe p = fitRows(x, labels, classes, fitRows, search.withL2(l2));
      double acc = p.accuracyRows(x, labels, heldRows);
      scores.add(acc);
      if (acc > best) {
        best = acc;
        bestL2 = l2;
      }
    }
    LinearProbe probe = fitRows(x, labels, classes, allRows(x.rows()), options.withL2(bestL2));
    return new Tuned(probe, bestL2, scores);
  }

  /** The number of input features D. */
  public int features() {
    return features;
  }

  /** The number of classes C. */
  public int classes() {
    return classes;
  }

  /** A copy of the [D, C] row-major weights on the raw features (the scaling folded in). */
  float[] weights() {
    return rawWeights.clone();
  }

  /** A copy of the C biases on the raw features. */
  float[] bias() {
    return rawBias.clone();
  }

  /** The L2 strength this probe was fitted with. */
  public double l2() {
    return l2;
  }

  /**
   * The most probable class of each row (the lower index on a tie).
   *
   * @param features [N, D] float features with this probe's D
   */
  public int[] predict(INDArray features) {
    return predict(FeatureMatrix.of(features));
  }

  /** The most probable class of each row of {@code x} (the lower index on a tie). */
  public int[] predict(FeatureMatrix x) {
    checkColumns(x);
    return predictRows(x, allRows(x.rows()));
  }

  /**
   * The fraction of rows whose predicted class is the label.
   *
   * @param features [N, D] float features with this probe's D
   * @param labels N class indices
   */
  public double accuracy(INDArray features, int[] labels) {
    return accuracy(FeatureMatrix.of(features), labels);
  }

  /** The fraction of rows of {@code x} whose predicted class is the label. */
  public double accuracy(FeatureMatrix x, int[] labels) {
    checkColumns(x);
    if (labels.length != x.rows()) {
      throw new IllegalArgumentException(
          "labels must hold one label per row (" + x.rows() + "), got " + labels.length);
    }
    return accuracyRows(x, labels, allRows(x.rows()));
  }

  private void checkColumns(FeatureMatrix x) {
    if (x.columns() != features) {
      throw new IllegalArgumentException(
          "features must have " + this.features + " columns, got " + x.columns());
    }
  }

  private double accuracyRows(FeatureMatrix x, int[] labels, int[] rows) {
    int[] predicted = predictRows(x, rows);
    int right = 0;
    for (int i = 0; i < rows.length; i++) {
      if (predicted[i] == labels[rows[i]]) {
        right++;
      }
    }
    return (double) right / rows.length;
  }

  private int[] predictRows(FeatureMatrix x, int[] rows) {
    NativeRuntime.init();
    int chunk = Math.min(PREDICT_CHUNK, rows.length);
    int[] out = new int[rows.length];
    try (INDArray xb = Nd4j.createUninitializedDetached(DataType.FLOAT, chunk, features);
        INDArray w = Nd4j.create(rawWeights, new long[] {features, classes}, DataType.FLOAT);
        INDArray logits = Nd4j.createUninitializedDetached(DataType.FLOAT, chunk, classes)) {
      FloatBuffer xbBuf = xb.data().asNioFloat();
      FloatBuffer logitBuf = logits.data().asNioFloat();
      float[] z = new float[chunk * classes];
      for (int start = 0; start < rows.length; start += chunk) {
        int n = Math.min(chunk, rows.length - start);
        x.gather(rows, start, n, xbBuf);
        Nd4j.gemm(xb, w, logits, false, false, 1.0, 0.0);
        logitBuf.get(0, z, 0, n * classes);
        for (int r = 0; r < n; r++) {
          int best = 0;
          float bestZ = Float.NEGATIVE_INFINITY;
          for (int c = 0; c < classes; c++) {
            float v = z[r * classes + c] + rawBias[c];
            if (v > bestZ) {
              bestZ = v;
              best = c;
            }
          }
          out[start + r] = best;
        }
      }
    }
    return out;
  }

  private static void check(FeatureMatrix x, int[] labels, int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("classes must be >= 2, got " + classes);
    }
    if (labels.length != x.rows()) {
      throw new IllegalArgumentException(
          "labels must hold one label per row (" + x.rows() + "), got " + labels.length);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "labels[" + i + "] must be in [0, " + classes + "), got " + labels[i]);
      }
    }
  }

  private static int[] allRows(int n) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = i;
    }
    return rows;
  }

  private static LinearProbe fitRows(
      FeatureMatrix x, int[] labels, int classes, int[] rows, Options options) {
    NativeRuntime.init();
    int d = x.columns();
    double[] mean = new double[d];
    double[] scale = new double[d];
    x.standardization(rows, mean, scale, STD_FLOOR);

    int batch = Math.min(options.batch(), rows.length);
    int stepsPerEpoch = (rows.length + batch - 1) / batch;
    long totalSteps = (long) stepsPerEpoch * options.epochs();
    int size = d * classes;
    // Weights in standardized space, their Adam moments, and the same weights on raw features.
    float[] w = new float[size];
    float[] b = new float[classes];
    float[] mw = new float[size];
    float[] vw = new float[size];
    float[] mb = new float[classes];
    float[] vb = new float[classes];
    float[] raw = new float[size];
    float[] rawB = new float[classes];
    float[] grad = new float[size];
    float[] z = new float[batch * classes];
    float[] colSum = new float[classes];
    int[] order = rows.clone();
    SplittableRandom random = new SplittableRandom(options.seed());
    float l2 = (float) options.l2();

    try (INDArray xb = Nd4j.zeros(DataType.FLOAT, batch, d);
        INDArray wRaw = Nd4j.zeros(DataType.FLOAT, d, classes);
        INDArray logits = Nd4j.zeros(DataType.FLOAT, batch, classes);
        INDArray g = Nd4j.zeros(DataType.FLOAT, batch, classes);
        INDArray gw = Nd4j.zeros(DataType.FLOAT, d, classes)) {
      FloatBuffer xbBuf = xb.data().asNioFloat();
      FloatBuffer wRawBuf = wRaw.data().asNioFloat();
      FloatBuffer logitBuf = logits.data().asNioFloat();
      FloatBuffer gBuf = g.data().asNioFloat();
      FloatBuffer gwBuf = gw.data().asNioFloat();
      long step = 0;
      for (int epoch = 0; epoch < options.epochs(); epoch++) {
        Shuffles.shuffle(order, random);
        for (int start = 0; start < order.length; start += batch) {
          int n = Math.min(batch, order.length - start);
          fold(w, b, mean, scale, d, classes, raw, rawB);
          wRawBuf.put(0, raw, 0, size);
          x.gather(order, start, n, xbBuf);
          Nd4j.gemm(xb, wRaw, logits, false, false, 1.0, 0.0);
          logitBuf.get(0, z, 0, batch * classes);
          softmaxGradient(z, rawB, labels, order, start, n, batch, classes, colSum);
          gBuf.put(0, z, 0, batch * classes);
          Nd4j.gemm(xb, g, gw, true, false, 1.0, 0.0);
          gwBuf.get(0, grad, 0, size);
          // Back to standardized space: dL/dw_j = (X^T G - mu_j colsum(G)) / s_j, plus decay.
          for (int j = 0; j < d; j++) {
            float mu = (float) mean[j];
            float inv = (float) (1 / scale[j]);
            int o = j * classes;
            for (int c = 0; c < classes; c++) {
              grad[o + c] = (grad[o + c] - mu * colSum[c]) * inv + l2 * w[o + c];
            }
          }
          step++;
          double lr =
              options.learningRate() * 0.5 * (1 + Math.cos(Math.PI * (step - 1) / totalSteps));
          Adam.step(w, grad, mw, vw, step - 1, lr);
          Adam.step(b, colSum, mb, vb, step - 1, lr);
        }
      }
    }
    fold(w, b, mean, scale, d, classes, raw, rawB);
    return new LinearProbe(d, classes, options.l2(), raw, rawB);
  }

  /** raw = w / s per feature row; rawB = b - sum_j (mu_j / s_j) w_j. */
  private static void fold(
      float[] w,
      float[] b,
      double[] mean,
      double[] scale,
      int d,
      int classes,
      float[] raw,
      float[] rawB) {
    double[] shift = new double[classes];
    for (int j = 0; j < d; j++) {
      double inv = 1 / scale[j];
      int o = j * classes;
      for (int c = 0; c < classes; c++) {
        double v = w[o + c] * inv;
        raw[o + c] = (float) v;
        shift[c] += mean[j] * v;
      }
    }
    for (int c = 0; c < classes; c++) {
      rawB[c] = (float) (b[c] - shift[c]);
    }
  }

  /**
   * Turns the first {@code n} rows of logits {@code z} into (softmax - onehot) / n in place, zeroes
   * the rows of a short last batch, and leaves the column sums (the bias gradient) in {@code
   * colSum}.
   */
  private static void softmaxGradient(
      float[] z,
      float[] bias,
      int[] labels,
      int[] order,
      int start,
      int n,
      int batch,
      int classes,
      float[] colSum) {
    Arrays.fill(colSum, 0f);
    float invN = 1f / n;
    for (int r = 0; r < n; r++) {
      int o = r * classes;
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        z[o + c] += bias[c];
        max = Math.max(max, z[o + c]);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        float e = (float) Math.exp(z[o + c] - max);
        z[o + c] = e;
        sum += e;
      }
      int label = labels[order[start + r]];
      for (int c = 0; c < classes; c++) {
        float p = (float) (z[o + c] / sum);
        float gr = ((c == label ? p - 1 : p)) * invN;
        z[o + c] = gr;
        colSum[c] += gr;
      }
    }
    Arrays.fill(z, n * classes, batch * classes, 0f);
  }
}
