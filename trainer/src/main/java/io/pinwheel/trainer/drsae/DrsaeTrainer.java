package io.pinwheel.trainer.drsae;

import io.pinwheel.extractor.NativeRuntime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Trains a {@link DrsaeModel}: minibatch Adam on the whole loss, with the model's norms projected
 * back ({@link DrsaeModel#normalize}) after every step, in two phases: first α = 0, so the encoder,
 * recurrence and decoder learn a sparse code of the data alone, then α &gt; 0, so the
 * classification term shapes the same code (the paper's pre-training followed by discriminative
 * training). The classifier itself only receives gradient in the second phase.
 *
 * <p>Runs are reproducible: the batch order of every epoch derives only from the seed and the epoch
 * number.
 */
public final class DrsaeTrainer {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double ADAM_EPSILON = 1e-8;
  private static final long NATIVE_BUDGET = 768L << 20;

  private final DrsaeOptions options;
  private long residentFloor;

  /** A trainer for {@code options}. */
  public DrsaeTrainer(DrsaeOptions options) {
    this.options = options;
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
    Map<String, INDArray> first = new HashMap<>();
    Map<String, INDArray> second = new HashMap<>();
    for (String name : DrsaeModel.PARAMETERS) {
      first.put(name, model.parameter(name).like().assign(0));
      second.put(name, model.parameter(name).like().assign(0));
    }
    model.normalize();
    int batches = (count + options.batch() - 1) / options.batch();
    long steps = 0;
    double lambda = model.config().lambda();
    for (int epoch = 0; epoch < options.epochs(); epoch++) {
      double alpha = options.alphaAt(epoch);
      int[] order = permutation(count, mix(options.seed(), epoch));
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
        try (INDArray xb = x.getRows(rows)) {
          step = model.step(xb, y, alpha);
        }
        adam(model, first, second, step.gradients(), steps, learningRate(steps, batches));
        step.gradients().values().forEach(INDArray::close);
        reclaimNativeMemory();
        model.normalize();
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
    return model;
  }

  /**
   * SameDiff 1.0.0-M2.1 leaves each step's intermediate arrays for the garbage collector to free,
   * and the heap barely grows, so without help resident memory climbs by gigabytes before a
   * collection runs. A collection whenever resident memory is more than {@link #NATIVE_BUDGET}
   * above what it was after the first step keeps it bounded. Copied from {@code ConvTrainer}.
   */
  private void reclaimNativeMemory() {
    long resident = Pointer.physicalBytes();
    if (residentFloor == 0) {
      residentFloor = resident;
    } else if (resident > residentFloor + NATIVE_BUDGET) {
      System.gc();
    }
  }

  /** Cosine decay from the configured rate to a tenth of it over the whole run. */
  private double learningRate(long step, int batchesPerEpoch) {
    double total = (double) options.epochs() * batchesPerEpoch;
    double t = Math.min(1, step / Math.max(1, total - 1));
    return options.learningRate() * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * t)));
  }

  /**
   * One Adam step on every parameter, in place, with temporaries closed at once rather than left to
   * the garbage collector (they are off-heap, and the heap does not see their weight).
   */
  private static void adam(
      DrsaeModel model,
      Map<String, INDArray> first,
      Map<String, INDArray> second,
      Map<String, INDArray> gradients,
      long stepsDone,
      double rate) {
    long t = stepsDone + 1;
    double correction = Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
    for (String name : DrsaeModel.PARAMETERS) {
      INDArray g = gradients.get(name);
      INDArray m = first.get(name);
      INDArray v = second.get(name);
      m.muli(BETA1);
      try (INDArray scaled = g.mul(1 - BETA1)) {
        m.addi(scaled);
      }
      v.muli(BETA2);
      try (INDArray squared = g.mul(g)) {
        v.addi(squared.muli(1 - BETA2));
      }
      try (INDArray step = Transforms.sqrt(v, true)) {
        step.addi(ADAM_EPSILON).rdivi(m).muli(rate * correction);
        model.parameter(name).subi(step);
      }
    }
  }

  private static long mix(long seed, int epoch) {
    return seed * 0x9E3779B97F4A7C15L + epoch + 1;
  }

  private static int[] permutation(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }
}
