package io.pinwheel.trainer.drsae;

import io.pinwheel.trainer.optim.Adam;
import io.pinwheel.trainer.optim.Parameters;
import io.pinwheel.trainer.optim.Shuffles;
import io.pinwheel.trainer.optim.TrainingThreads;
import io.pinwheel.trainer.run.ResidentMemory;
import io.pinwheel.trainer.run.StepInfo;
import io.pinwheel.trainer.run.Term;
import io.pinwheel.trainer.run.TrainingListener;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;

/**
 * Trains a {@link DrsaeModel}: minibatch Adam on the whole loss, with the model's norms projected
 * back ({@link DrsaeModel#normalize}) after every step, in two phases: first α = 0, so the encoder,
 * recurrence and decoder learn a sparse code of the data alone, then α &gt; 0, so the
 * classification term shapes the same code (the paper's pre-training followed by discriminative
 * training). The classifier itself only receives gradient in the second phase.
 *
 * <p>Units can fall silent early (the L1 term raises their threshold faster than the reconstruction
 * term finds them a use) and then never fire again: a unit that never fires gets no gradient. With
 * {@link DrsaeOptions#reviveEpochs} the trainer revives them at the end of the first epochs ({@link
 * Session#revive}): a unit that fires on none of {@value #REVIVAL_SAMPLE} training inputs starts
 * again from the residual x − D z of an input drawn with probability proportional to its squared
 * reconstruction error (without replacement, so two units never get the same one): the residual's
 * direction d becomes its decoder atom and its encoder row, −dᵀD its row of S, so that what drives
 * it is d's projection of the residual the other units leave (as in ISTA), and λ/2 its threshold,
 * so its code is then the one that minimises its own reconstruction and sparsity terms on that
 * residual. Its column of S and its classifier weights are zeroed, so it changes no other unit's
 * code nor the scores until training gives it a role; its Adam moments restart, the first at zero,
 * the second at the mean of the firing units' in the same tensor (at zero they would make its first
 * steps several times the rate); its entries of the parameter average, when one is kept, take the
 * new values.
 *
 * <p>Runs are reproducible: the batch order, the random translations ({@link DrsaeOptions#shift})
 * and the revival sample and draws of every epoch derive only from the seed and the epoch number,
 * and a batch's gradient ({@link DrsaeGradients}) and the codes that decide which units are silent
 * only from the batch and the thread count.
 */
public final class DrsaeTrainer {
  /**
   * Training inputs whose codes decide which units are silent, and from which revived ones start.
   */
  static final int REVIVAL_SAMPLE = 2000;

  private final DrsaeOptions options;
  private final int height;
  private final int width;

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

  /**
   * Summary of one epoch.
   *
   * @param epoch the epoch just done, from 1
   * @param alpha its classification weight
   * @param terms per-example means of the terms over the epoch's batches, each taken before its
   *     step
   * @param loss the loss those terms make with λ and this epoch's α
   * @param seconds wall time of the epoch
   * @param revived units found silent and revived at the end of the epoch (0 when the options do
   *     not revive after it)
   */
  public record EpochInfo(
      int epoch,
      double alpha,
      DrsaeGradients.Terms terms,
      double loss,
      double seconds,
      int revived) {
    /** This epoch as progress shows it, for a run of {@code epochs}. */
    public io.pinwheel.trainer.run.EpochInfo info(int epochs) {
      return new io.pinwheel.trainer.run.EpochInfo(
          epoch,
          epochs,
          "",
          loss,
          List.of(
              new Term("reconstruction", terms.reconstruction()),
              new Term("L1", terms.sparsity()),
              new Term("cross-entropy", terms.classification()),
              new Term("alpha", alpha)),
          revived > 0 ? List.of(new Term("revived", revived)) : List.of(),
          seconds,
          ResidentMemory.megabytes());
    }
  }

  /**
   * Trains {@code model} in place on all epochs of both phases, projecting its norms first so the
   * first step starts from the constrained set. Adam's moments start at zero and live only for this
   * call.
   *
   * @param model the model to train, e.g. {@link DrsaeModel#initial}
   * @param x the training inputs [N, D], row-major
   * @param labels the N class labels
   * @param listener progress, step by step and epoch by epoch
   * @param afterEpoch called after every epoch with its summary, before {@code listener} hears of
   *     it, while {@code model} holds the live (not averaged) weights
   * @return {@code model}, now trained
   */
  public DrsaeModel train(
      DrsaeModel model,
      float[] x,
      int[] labels,
      TrainingListener listener,
      Consumer<EpochInfo> afterEpoch) {
    int count = labels.length;
    int dim = model.config().inputs();
    if (x.length != count * dim) {
      throw new IllegalArgumentException(
          "x must have one row of "
              + dim
              + " per label ("
              + count
              + "), got "
              + x.length
              + " values");
    }
    if (options.shift() > 0 && dim != height * width) {
      throw new IllegalArgumentException(
          "x must have " + height + "x" + width + " columns to be translated, got " + dim);
    }
    model.normalize();
    int batch = Math.min(options.batch(), count);
    int batches = (count + batch - 1) / batch;
    long totalSteps = (long) options.epochs() * batches;
    double lambda = model.config().lambda();
    try (Session session = session(model)) {
      for (int epoch = 0; epoch < options.epochs(); epoch++) {
        double alpha = options.alphaAt(epoch);
        int[] order = Shuffles.epochOrder(count, options.seed(), epoch);
        SplittableRandom shifts = Shuffles.epochRandom(options.seed(), epoch);
        long start = System.nanoTime();
        double rec = 0;
        double sparse = 0;
        double cls = 0;
        for (int b = 0; b < batches; b++) {
          int from = b * batch;
          int n = Math.min(batch, count - from);
          DrsaeGradients.Terms terms =
              session.step(x, labels, order, from, n, epoch, shifts, totalSteps);
          rec += terms.reconstruction() * n;
          sparse += terms.sparsity() * n;
          cls += terms.classification() * n;
          double seconds = (System.nanoTime() - start) / 1e9;
          listener.onStep(
              new StepInfo(
                  epoch + 1,
                  options.epochs(),
                  b + 1,
                  batches,
                  List.of(
                      new Term("reconstruction", terms.reconstruction()),
                      new Term("L1", terms.sparsity()),
                      new Term("cross-entropy", terms.classification()),
                      new Term("alpha", alpha)),
                  (from + n) / Math.max(seconds, 1e-9)));
        }
        DrsaeGradients.Terms mean =
            new DrsaeGradients.Terms(rec / count, sparse / count, cls / count);
        int revived = options.revivesAfter(epoch) ? session.revive(x, count, epoch) : 0;
        EpochInfo info =
            new EpochInfo(
                epoch + 1,
                alpha,
                mean,
                mean.loss(lambda, alpha),
                (System.nanoTime() - start) / 1e9,
                revived);
        afterEpoch.accept(info);
        listener.onEpoch(info.info(options.epochs()));
      }
      session.finish();
    }
    return model;
  }

  /**
   * The machinery of steps on {@code model}: the gradient engine with its threads and buffers,
   * Adam's moments, the parameter average and the batch buffers, allocated once. {@link #train}
   * runs every step through one; a benchmark can too.
   */
  public Session session(DrsaeModel model) {
    return new Session(model);
  }

  /** One run's engine, moments, average and batch buffers. Close it to stop its threads. */
  public final class Session implements AutoCloseable {
    private final DrsaeModel model;
    private final Parameters first;
    private final Parameters second;
    private final Parameters gradient;
    private final DrsaeGradients gradients;
    private final float[] xb;
    private final int[] yb;
    private final float[] shifted;
    private final float[][] values;
    private final float[][] moments;
    private final float[][] squares;
    private final float[][] gradientValues;
    private final IntConsumer adam = this::adam;
    private final IntConsumer normalize = this::normalize;
    private final IntConsumer accumulate = this::accumulate;
    private Parameters average;
    private float[][] averageValues;
    private long averaged;
    private long steps;
    private double rate;
    private float decay;

    private Session(DrsaeModel model) {
      this.model = model;
      Parameters p = model.parameters();
      first = p.zerosLike();
      second = p.zerosLike();
      gradient = p.zerosLike();
      gradients = new DrsaeGradients(model.config(), options.batch(), options.threads());
      xb = new float[options.batch() * model.config().inputs()];
      yb = new int[options.batch()];
      shifted = new float[model.config().inputs()];
      values = arrays(p);
      moments = arrays(first);
      squares = arrays(second);
      gradientValues = arrays(gradient);
    }

    /**
     * One step on the rows {@code order[from..from+n)} of {@code x} (translated when the options
     * say so, with offsets from {@code shifts}) in epoch {@code epoch}: gradient at that epoch's α,
     * Adam at the cosine rate of this session's step count of {@code totalSteps}, norms projected,
     * and the parameter average updated when the epoch averages.
     *
     * @return the batch's loss terms, before the step
     */
    public DrsaeGradients.Terms step(
        float[] x,
        int[] labels,
        int[] order,
        int from,
        int n,
        int epoch,
        SplittableRandom shifts,
        long totalSteps) {
      int dim = model.config().inputs();
      for (int i = 0; i < n; i++) {
        System.arraycopy(x, order[from + i] * dim, xb, i * dim, dim);
        yb[i] = labels[order[from + i]];
      }
      if (options.shift() > 0) {
        translate(xb, n, height, width, options.shift(), shifts, shifted);
      }
      Parameters p = model.parameters();
      DrsaeGradients.Terms terms =
          gradients.gradient(p, xb, yb, n, options.alphaAt(epoch), gradient);
      // Adam, the norms and the average run on the gradient's workers, each on fixed ranges of
      // elements or units; the arithmetic is element by element (unit by unit for the norms), so
      // the bytes do not depend on the split.
      rate = Adam.cosineRate(options.learningRate(), steps, totalSteps);
      gradients.onWorkers(adam);
      gradients.onWorkers(normalize);
      if (options.averagesAt(epoch)) {
        // A short run must not end on its early weights: the decay ramps up with the number of
        // steps averaged, (1 + n) / (10 + n), to the configured one.
        decay = (float) Math.min(options.averaging(), (1.0 + averaged) / (10.0 + averaged));
        if (average == null) {
          average = p.copy();
          averageValues = arrays(average);
        } else {
          gradients.onWorkers(accumulate);
        }
        averaged++;
      }
      steps++;
      return terms;
    }

    /** Worker {@code w}'s range of every tensor: one Adam step at {@link #rate}. */
    private void adam(int w) {
      int workers = gradients.workers();
      for (int i = 0; i < values.length; i++) {
        int length = values[i].length;
        Adam.step(
            values[i],
            gradientValues[i],
            moments[i],
            squares[i],
            TrainingThreads.from(length, workers, w),
            TrainingThreads.from(length, workers, w + 1),
            steps,
            rate);
      }
    }

    /** Worker {@code w}'s range of units: their norms projected. */
    private void normalize(int w) {
      int workers = gradients.workers();
      int units = model.config().units();
      model.normalize(
          TrainingThreads.from(units, workers, w), TrainingThreads.from(units, workers, w + 1));
    }

    /** Worker {@code w}'s range of every tensor: average ← decay · average + (1 − decay) · p. */
    private void accumulate(int w) {
      int workers = gradients.workers();
      float keep = decay;
      for (int i = 0; i < values.length; i++) {
        float[] a = averageValues[i];
        float[] p = values[i];
        int to = TrainingThreads.from(a.length, workers, w + 1);
        for (int j = TrainingThreads.from(a.length, workers, w); j < to; j++) {
          a[j] = keep * a[j] + (1 - keep) * p[j];
        }
      }
    }

    /**
     * Revives the silent units at the end of epoch {@code epoch} (from 0), as the class comment
     * describes: the sample is {@value #REVIVAL_SAMPLE} distinct rows of {@code x} (all of them
     * when there are fewer), untranslated, drawn from the seed and the epoch.
     *
     * @param x the training inputs [count, D], row-major
     * @param count the number of rows of {@code x}
     * @return the number of units revived: those that fired on no row of the sample (fewer only
     *     when the sample's inputs are all reconstructed exactly)
     */
    public int revive(float[] x, int count, int epoch) {
      int k = model.config().units();
      int d = model.config().inputs();
      int m = Math.min(REVIVAL_SAMPLE, count);
      SplittableRandom random = Shuffles.epochRandom(options.seed(), epoch).split();
      int[] rows = new int[count];
      for (int i = 0; i < count; i++) {
        rows[i] = i;
      }
      // The first m of a partial Fisher-Yates shuffle: m distinct rows.
      for (int i = 0; i < m; i++) {
        int j = random.nextInt(i, count);
        int t = rows[i];
        rows[i] = rows[j];
        rows[j] = t;
      }
      float[] sample = new float[m * d];
      for (int i = 0; i < m; i++) {
        System.arraycopy(x, rows[i] * d, sample, i * d, d);
      }
      Parameters p = model.parameters();
      float[] codes = gradients.codes(p, sample, m);
      int[] fires = new int[k];
      for (int i = 0; i < m; i++) {
        for (int u = 0; u < k; u++) {
          if (codes[i * k + u] > 0) {
            fires[u]++;
          }
        }
      }
      int silent = 0;
      for (int u = 0; u < k; u++) {
        if (fires[u] == 0) {
          silent++;
        }
      }
      if (silent == 0) {
        return 0;
      }
      float[] residuals = residuals(sample, codes, m);
      double[] errors = new double[m];
      double total = 0;
      for (int i = 0; i < m; i++) {
        errors[i] = squaredNorm(residuals, i * d, d);
        total += errors[i];
      }
      Map<String, Float> typical = typicalSquares(fires);
      int revived = 0;
      for (int u = 0; u < k && total > 0; u++) {
        if (fires[u] > 0) {
          continue;
        }
        int chosen = draw(errors, total, random);
        total -= errors[chosen];
        errors[chosen] = 0;
        reinitialise(u, residuals, chosen, typical);
        revived++;
      }
      return revived;
    }

    /** The residuals x − D z of the {@code m} rows of {@code sample} whose codes are {@code z}. */
    private float[] residuals(float[] sample, float[] codes, int m) {
      int k = model.config().units();
      int d = model.config().inputs();
      float[] decoder = model.parameters().get(DrsaeGradients.DECODER);
      float[] out = sample.clone();
      for (int i = 0; i < m; i++) {
        for (int u = 0; u < k; u++) {
          float z = codes[i * k + u];
          if (z != 0) {
            for (int j = 0; j < d; j++) {
              out[i * d + j] -= decoder[j * k + u] * z;
            }
          }
        }
      }
      return out;
    }

    /**
     * An index drawn with probability {@code weights[i] / total}, the last positive on rounding.
     */
    private static int draw(double[] weights, double total, SplittableRandom random) {
      double target = random.nextDouble() * total;
      int last = -1;
      for (int i = 0; i < weights.length; i++) {
        if (weights[i] > 0) {
          last = i;
          target -= weights[i];
          if (target < 0) {
            return i;
          }
        }
      }
      return last;
    }

    /**
     * Unit {@code u} starts again from residual {@code chosen}, as the one-unit solution of the
     * sparse coding problem on what the other units leave: its atom d is the residual's direction,
     * its encoder row d too and its row of S −dᵀD (zero on the diagonal), so its drive is d's
     * projection of the residual the others leave at each step, d·(x − D z); its threshold λ/2,
     * where that drive minus it is the code that minimises ‖r − d z‖² + λ z. Its column of S and
     * its classifier weights are zeroed, its first Adam moments cleared and its second set to the
     * firing units' mean ({@code typicalSquares}), and its entries of the average, when one is
     * kept, set to the new values.
     */
    private void reinitialise(
        int u, float[] residuals, int chosen, Map<String, Float> typicalSquares) {
      int k = model.config().units();
      int d = model.config().inputs();
      int classes = model.config().classes();
      Parameters p = model.parameters();
      float[] encoder = p.get(DrsaeGradients.ENCODER);
      float[] decoder = p.get(DrsaeGradients.DECODER);
      float[] lateral = p.get(DrsaeGradients.LATERAL);
      float[] classifier = p.get(DrsaeGradients.CLASSIFIER);
      double length = Math.sqrt(squaredNorm(residuals, chosen * d, d));
      for (int j = 0; j < d; j++) {
        float direction = (float) (residuals[chosen * d + j] / length);
        decoder[j * k + u] = direction;
        encoder[u * d + j] = direction;
      }
      for (int v = 0; v < k; v++) {
        lateral[v * k + u] = 0;
      }
      double[] row = new double[k];
      for (int j = 0; j < d; j++) {
        double a = decoder[j * k + u];
        for (int v = 0; v < k; v++) {
          row[v] -= a * decoder[j * k + v];
        }
      }
      for (int v = 0; v < k; v++) {
        lateral[u * k + v] = v == u ? 0 : (float) row[v];
      }
      p.get(DrsaeGradients.BIAS)[u] = (float) (model.config().lambda() / 2);
      for (int c = 0; c < classes; c++) {
        classifier[c * k + u] = 0;
      }
      forEachEntry(
          u,
          (name, index) -> {
            first.get(name)[index] = 0;
            second.get(name)[index] = typicalSquares.get(name);
            if (average != null) {
              average.get(name)[index] = p.get(name)[index];
            }
          });
    }

    /**
     * Per tensor, the mean of Adam's second moments over the entries of the units that fire ({@code
     * fires[u] > 0}; 0 when none does). A revived unit's second moments start there rather than at
     * zero: with the bias correction long spent, moments cleared to zero make its first hundred
     * steps several times the rate, enough to silence it again within an epoch.
     */
    private Map<String, Float> typicalSquares(int[] fires) {
      Map<String, double[]> sums = new HashMap<>();
      for (int u = 0; u < fires.length; u++) {
        if (fires[u] > 0) {
          forEachEntry(
              u,
              (name, index) -> {
                double[] s = sums.computeIfAbsent(name, n -> new double[2]);
                s[0] += second.get(name)[index];
                s[1]++;
              });
        }
      }
      Map<String, Float> out = new HashMap<>();
      for (String name : model.parameters().names()) {
        double[] s = sums.get(name);
        out.put(name, s == null ? 0f : (float) (s[0] / s[1]));
      }
      return out;
    }

    /** Calls {@code action} with every parameter entry that belongs to unit {@code u}. */
    private void forEachEntry(int u, ObjIntConsumer<String> action) {
      int k = model.config().units();
      int d = model.config().inputs();
      for (int j = 0; j < d; j++) {
        action.accept(DrsaeGradients.ENCODER, u * d + j);
        action.accept(DrsaeGradients.DECODER, j * k + u);
      }
      for (int v = 0; v < k; v++) {
        action.accept(DrsaeGradients.LATERAL, u * k + v);
        action.accept(DrsaeGradients.LATERAL, v * k + u);
      }
      action.accept(DrsaeGradients.BIAS, u);
      for (int c = 0; c < model.config().classes(); c++) {
        action.accept(DrsaeGradients.CLASSIFIER, c * k + u);
      }
    }

    /** Ends the run: the model takes the parameter average, when one was kept. */
    void finish() {
      if (average != null) {
        model.parameters().assign(average);
        // The average of unit-norm decoder columns is a little shorter than unit norm.
        model.normalize();
      }
    }

    @Override
    public void close() {
      gradients.close();
    }
  }

  /**
   * Moves each of the {@code n} row-major {@code height x width} images in {@code images} by a
   * random whole-pixel offset in [-shift, shift] along each axis, repeating the edge pixels into
   * the space it leaves. Offsets are drawn from {@code random}, two per image, in order.
   */
  static void translate(
      float[] images, int n, int height, int width, int shift, SplittableRandom random) {
    translate(images, n, height, width, shift, random, new float[height * width]);
  }

  /** {@link #translate}, with {@code row} (at least one image long) as its scratch. */
  private static void translate(
      float[] images,
      int n,
      int height,
      int width,
      int shift,
      SplittableRandom random,
      float[] row) {
    int d = height * width;
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

  /** The squared L2 norm of {@code a[from .. from+length)}. */
  private static double squaredNorm(float[] a, int from, int length) {
    double sum = 0;
    for (int i = from; i < from + length; i++) {
      sum += (double) a[i] * a[i];
    }
    return sum;
  }

  /** The arrays of {@code p}'s tensors, in its order. */
  private static float[][] arrays(Parameters p) {
    List<String> names = p.names();
    float[][] out = new float[names.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = p.get(names.get(i));
    }
    return out;
  }
}
