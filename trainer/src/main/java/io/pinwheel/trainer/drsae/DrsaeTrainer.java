package io.pinwheel.trainer.drsae;

import io.pinwheel.extractor.NativeRuntime;
import io.pinwheel.trainer.optim.Adam;
import io.pinwheel.trainer.optim.NativeGarbage;
import io.pinwheel.trainer.optim.Shuffles;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a {@link DrsaeModel}: minibatch Adam on the whole loss, with the model's norms projected
 * back ({@link DrsaeModel#normalize}) after every step, in two phases: first α = 0, so the encoder,
 * recurrence and decoder learn a sparse code of the data alone, then α &gt; 0, so the
 * classification term shapes the same code (the paper's pre-training followed by discriminative
 * training). The classifier itself only receives gradient in the second phase.
 *
 * <p>Runs are reproducible: the batch order and the random translations ({@link
 * DrsaeOptions#shift}) of every epoch derive only from the seed and the epoch number.
 */
public final class DrsaeTrainer {

  private final DrsaeOptions options;
  private final int height;
  private final int width;
  private final NativeGarbage garbage = new NativeGarbage();

  /**
   * A trainer for {@code options} on inputs that are not images.
   *
   * @throws IllegalArgumentException if {@code options} asks for translations, which need the image
   *     geometry
   */
  public DrsaeTrainer(DrsaeOptions options) {
    this(options, 0, 0);
  }

  /**
   * A trainer for {@code options} on {@code height x width} gray images flattened row by row.
   *
   * @throws IllegalArgumentException if {@code options} asks for translations and the geometry is
   *     empty or no larger than the translation
   */
  public DrsaeTrainer(DrsaeOptions options, int height, int width) {
    this.options = Objects.requireNonNull(options, "options");
    if (options.shift() > 0 && Math.min(height, width) <= options.shift()) {
      throw new IllegalArgumentException(
          "shift " + options.shift() + " needs images larger than it, got " + height + "x" + width);
    }
    this.height = height;
    this.width = width;
  }

  /** What a training run reports while it works. */
  public interface Listener {
    /** After every gradient step. */
    void onStep(StepInfo step);

    /** After every epoch. */
    default void onEpoch(EpochInfo epoch) {}

    /** A listener that ignores everything. */
    static Listener silent() {
      return step -> {};
    }
  }

  /**
   * Progress after one step.
   *
   * @param epoch the current epoch, from 1
   * @param epochs the number of epochs of the run
   * @param batchInEpoch the batch just done, from 1
   * @param batchesPerEpoch batches per epoch
   * @param alpha the classification weight of this epoch
   * @param terms this batch's loss terms, before the step
   */
  public record StepInfo(
      int epoch,
      int epochs,
      int batchInEpoch,
      int batchesPerEpoch,
      double alpha,
      DrsaeModel.Terms terms) {}

  /**
   * Summary of one epoch.
   *
   * @param epoch the epoch just done, from 1
   * @param alpha its classification weight
   * @param terms per-example means of the terms over the epoch's batches, each taken before its
   *     step
   * @param loss the loss those terms make with λ and this epoch's α
   * @param seconds wall time of the epoch
   */
  public record EpochInfo(
      int epoch, double alpha, DrsaeModel.Terms terms, double loss, double seconds) {}

  /**
   * Trains {@code model} in place on all epochs of both phases, projecting its norms first so the
   * first step starts from the constrained set. Adam's moments start at zero and live only for this
   * call.
   *
   * @param model the model to train, e.g. {@link DrsaeModel#initial}
   * @param x the training inputs [N, D], of the model's data type
   * @param labels the N class labels
   * @param listener progress
   * @return {@code model}, now trained
   */
  public DrsaeModel train(DrsaeModel model, INDArray x, int[] labels, Listener listener) {
    NativeRuntime.applyToCurrentThread(options.threads());
    int count = labels.length;
    if (x.rank() != 2 || x.size(0) != count) {
      throw new IllegalArgumentException(
          "x must have one row per label (" + count + "), got " + Arrays.toString(x.shape()));
    }
    if (options.shift() > 0 && x.size(1) != (long) height * width) {
      throw new IllegalArgumentException(
          "x must have " + height + "x" + width + " columns to be translated, got " + x.size(1));
    }
    Map<String, INDArray> first = new HashMap<>();
    Map<String, INDArray> second = new HashMap<>();
    for (String name : DrsaeModel.PARAMETERS) {
      first.put(name, model.parameter(name).like().assign(0));
      second.put(name, model.parameter(name).like().assign(0));
    }
    model.normalize();
    Map<String, INDArray> average = new HashMap<>();
    long averaged = 0;
    int batches = (count + options.batch() - 1) / options.batch();
    long steps = 0;
    double lambda = model.config().lambda();
    for (int epoch = 0; epoch < options.epochs(); epoch++) {
      double alpha = options.alphaAt(epoch);
      int[] order = Shuffles.epochOrder(count, options.seed(), epoch);
      SplittableRandom shifts = Shuffles.epochRandom(options.seed(), epoch);
      long start = System.nanoTime();
      double rec = 0;
      double sparse = 0;
      double cls = 0;
      for (int b = 0; b < batches; b++) {
        int from = b * options.batch();
        int n = Math.min(options.batch(), count - from);
        int[] rows = Arrays.copyOfRange(order, from, from + n);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
          y[i] = labels[rows[i]];
        }
        DrsaeModel.Step step;
        try (INDArray xb = translated(x.getRows(rows), shifts)) {
          step = model.step(xb, y, alpha);
        }
        Adam.step(
            DrsaeModel.PARAMETERS,
            model.parameters(),
            step.gradients(),
            first,
            second,
            steps,
            Adam.cosineRate(options.learningRate(), steps, (long) options.epochs() * batches));
        step.gradients().values().forEach(INDArray::close);
        garbage.afterStep();
        model.normalize();
        if (options.averagesAt(epoch)) {
          // A short run must not end on its early weights: the decay ramps up with the number of
          // steps averaged, (1 + n) / (10 + n), to the configured one.
          double decay = Math.min(options.averaging(), (1.0 + averaged) / (10.0 + averaged));
          accumulate(average, model.parameters(), decay);
          averaged++;
        }
        steps++;
        rec += step.terms().reconstruction() * n;
        sparse += step.terms().sparsity() * n;
        cls += step.terms().classification() * n;
        listener.onStep(
            new StepInfo(epoch + 1, options.epochs(), b + 1, batches, alpha, step.terms()));
      }
      DrsaeModel.Terms mean = new DrsaeModel.Terms(rec / count, sparse / count, cls / count);
      listener.onEpoch(
          new EpochInfo(
              epoch + 1, alpha, mean, mean.loss(lambda, alpha), (System.nanoTime() - start) / 1e9));
    }
    first.values().forEach(INDArray::close);
    second.values().forEach(INDArray::close);
    if (!average.isEmpty()) {
      average.forEach((name, a) -> model.parameter(name).assign(a));
      average.values().forEach(INDArray::close);
      // The average of unit-norm decoder columns is a little shorter than unit norm.
      model.normalize();
    }
    return model;
  }

  /**
   * {@code batch} with each row moved by {@link #translate}; {@code batch} itself when translations
   * are off, else a new array ({@code batch} is then closed).
   */
  private INDArray translated(INDArray batch, SplittableRandom random) {
    if (options.shift() == 0) {
      return batch;
    }
    int n = (int) batch.size(0);
    DataType type = batch.dataType();
    float[] v;
    try (batch) {
      // getRows gives a fresh row-major array, so its buffer is exactly these rows.
      v = batch.data().asFloat();
    }
    translate(v, n, height, width, options.shift(), random);
    INDArray moved = Nd4j.create(v, new long[] {n, (long) height * width}, DataType.FLOAT);
    if (type == DataType.FLOAT) {
      return moved;
    }
    try (moved) {
      return moved.castTo(type);
    }
  }

  /**
   * Moves each of the {@code n} row-major {@code height x width} images in {@code images} by a
   * random whole-pixel offset in [-shift, shift] along each axis, repeating the edge pixels into
   * the space it leaves. Offsets are drawn from {@code random}, two per image, in order.
   */
  static void translate(
      float[] images, int n, int height, int width, int shift, SplittableRandom random) {
    int d = height * width;
    float[] row = new float[d];
    for (int i = 0; i < n; i++) {
      int dy = random.nextInt(-shift, shift + 1);
      int dx = random.nextInt(-shift, shift + 1);
      if (dy == 0 && dx == 0) {
        continue;
      }
      int o = i * d;
      System.arraycopy(images, o, row, 0, d);
      for (int r = 0; r < height; r++) {
        int from = Math.max(0, Math.min(height - 1, r - dy)) * width;
        for (int c = 0; c < width; c++) {
          images[o + r * width + c] = row[from + Math.max(0, Math.min(width - 1, c - dx))];
        }
      }
    }
  }

  /**
   * average ← decay · average + (1 − decay) · parameter, starting from the parameters themselves on
   * the first call.
   */
  private static void accumulate(
      Map<String, INDArray> average, Map<String, INDArray> parameters, double decay) {
    parameters.forEach(
        (name, p) -> {
          INDArray a = average.get(name);
          if (a == null) {
            average.put(name, p.dup());
          } else {
            a.muli(decay);
            try (INDArray scaled = p.mul(1 - decay)) {
              a.addi(scaled);
            }
          }
        });
  }
}
