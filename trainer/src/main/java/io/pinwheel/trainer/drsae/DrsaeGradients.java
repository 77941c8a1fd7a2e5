package io.pinwheel.trainer.drsae;

import io.pinwheel.trainer.optim.NativeBuffer;
import io.pinwheel.trainer.optim.Parameters;
import io.pinwheel.trainer.optim.TrainingThreads;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The DrSAE loss and its gradient, written by hand: the T-step recurrence forward, keeping every
 * step's code, and back-propagation through time, on buffers allocated once ({@link
 * DrsaeWorkspace}). Every ReLU output is sparse, so the products with codes (and with gradients
 * masked by them) run as Java loops over the active units; the dense x Eᵀ and ∂x̂ D run on
 * libnd4j's matmul.
 *
 * <p>On inputs x [N, D]:
 *
 * <pre>
 *   z⁰      = ReLU(x Eᵀ − b)
 *   zᵗ⁺¹    = ReLU(x Eᵀ + zᵗ Sᵀ − b)        t = 0 … T−2
 *   loss    = (1/N) Σₙ ‖x − z Dᵀ‖² + λ ‖z‖₁ + α · CE(softmax(z Cᵀ + c), y)
 * </pre>
 *
 * with z the last of the T codes. Backward: ∂z from the decoder (∂x̂ D), the L1 term (λ where z
 * &gt; 0) and the classifier (∂s C); then for t = T−1 … 1, ∂aᵗ = ∂zᵗ ⊙ [zᵗ &gt; 0], ∂S += ∂aᵗᵀ
 * zᵗ⁻¹, ∂zᵗ⁻¹ = ∂aᵗ S, and the drive's gradient ∂u = Σₜ ∂aᵗ; finally ∂E = ∂uᵀ x and ∂b = −Σ ∂u.
 *
 * <p>The batch is split over {@link TrainingThreads} workers by rows; their gradients are summed in
 * worker order, so the same thread count gives the same bytes. The rest of a pass runs on the same
 * workers, each on a fixed range of units or elements: copying the weights in (and transposing S
 * and D) before it, summing the workers' gradients after it.
 *
 * <p>Parameters (float32, row-major): {@value #ENCODER} E [K, D], {@value #LATERAL} S [K, K],
 * {@value #BIAS} b [K], {@value #DECODER} D [D, K] (column k is unit k's atom), {@value
 * #CLASSIFIER} C [classes, K], {@value #CLASS_BIAS} c [classes].
 */
public final class DrsaeGradients implements AutoCloseable {
  /** Encoder E, [K, D]. */
  public static final String ENCODER = "encoder";

  /** Lateral (recurrent) matrix S, [K, K]. */
  public static final String LATERAL = "lateral";

  /** Threshold b, [K], subtracted before every ReLU. */
  public static final String BIAS = "bias";

  /** Decoder D, [D, K]; column k is unit k's atom. */
  public static final String DECODER = "decoder";

  /** Classifier weights C, [classes, K]. */
  public static final String CLASSIFIER = "classifier";

  /** Classifier bias c, [classes]. */
  public static final String CLASS_BIAS = "classBias";

  /**
   * Per-example means of the loss's terms on a batch.
   *
   * @param reconstruction mean ‖x − z Dᵀ‖²
   * @param sparsity mean ‖z‖₁ (before λ)
   * @param classification mean cross-entropy of softmax(z Cᵀ + c) against the labels (before α)
   */
  public record Terms(double reconstruction, double sparsity, double classification) {
    /** The loss these terms make with weights λ and α. */
    public double loss(double lambda, double alpha) {
      return reconstruction + lambda * sparsity + alpha * classification;
    }
  }

  /**
   * The weights a pass reads: E and D copied to native matrices for the two dense products; S, Sᵀ
   * and Dᵀ as heap arrays of rows (the rows of the last two are S's and D's columns); the rest as
   * the parameters' own arrays. {@link #load} fills one worker's share, so the copies run on all
   * workers.
   */
  static final class Weights {
    private final int units;
    private final int inputs;
    private final NativeBuffer encoderBuffer;
    private final NativeBuffer decoderBuffer;
    final INDArray encoder;
    final INDArray decoder;
    final float[][] lateralT;
    final float[][] lateralRows;
    final float[][] decoderT;
    float[] bias;
    float[] classifier;
    float[] classBias;
    private float[] encoderValues;
    private float[] lateralValues;
    private float[] decoderValues;

    Weights(DrsaeConfig c) {
      units = c.units();
      inputs = c.inputs();
      encoderBuffer = new NativeBuffer((long) units * inputs);
      decoderBuffer = new NativeBuffer((long) inputs * units);
      encoder = encoderBuffer.matrix(units, inputs);
      decoder = decoderBuffer.matrix(inputs, units);
      lateralT = new float[units][units];
      lateralRows = new float[units][units];
      decoderT = new float[units][inputs];
    }

    /** Takes the parameters' arrays; {@link #load} then copies them, worker by worker. */
    void use(Parameters p) {
      encoderValues = p.get(ENCODER);
      lateralValues = p.get(LATERAL);
      decoderValues = p.get(DECODER);
      bias = p.get(BIAS);
      classifier = p.get(CLASSIFIER);
      classBias = p.get(CLASS_BIAS);
    }

    /** Worker {@code w} of {@code workers}: its share of the copies and transposes. */
    void load(int w, int workers) {
      int k = units;
      int d = inputs;
      int a = TrainingThreads.from(k, workers, w);
      int b = TrainingThreads.from(k, workers, w + 1);
      encoderBuffer.put(a * d, encoderValues, a * d, (b - a) * d);
      SparseRows.transpose(lateralValues, k, k, lateralT, a, b);
      for (int j = a; j < b; j++) {
        System.arraycopy(lateralValues, j * k, lateralRows[j], 0, k);
      }
      SparseRows.transpose(decoderValues, d, k, decoderT, a, b);
      int i0 = TrainingThreads.from(d, workers, w);
      int i1 = TrainingThreads.from(d, workers, w + 1);
      decoderBuffer.put(i0 * k, decoderValues, i0 * k, (i1 - i0) * k);
    }

    void close() {
      encoderBuffer.close();
      decoderBuffer.close();
    }
  }

  private final DrsaeConfig config;
  private final int batch;
  private final TrainingThreads threads;
  private final Weights weights;
  private final DrsaeWorkspace[] workspaces;
  private final IntConsumer load;
  private final IntConsumer compute;
  private final IntConsumer reduce;
  private final IntConsumer transpose;
  private int correct;
  private boolean closed;

  // The arguments of the pass under way, for the workers' tasks (made once, so a pass allocates
  // nothing); the barriers of TrainingThreads.run publish them.
  private float[] passX;
  private int[] passLabels;
  private int passFirst;
  private int passRows;
  private double passAlpha;
  private boolean passGradient;
  private float[] passCodes;
  private float[] passScores;
  private Parameters passOut;
  private int passHead;

  /**
   * Allocates the buffers for batches of up to {@code batch} examples and starts the workers.
   *
   * @param config the architecture and λ
   * @param batch the largest batch, ≥ 1
   * @param threads worker threads, ≥ 1
   */
  public DrsaeGradients(DrsaeConfig config, int batch, int threads) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    this.config = config;
    this.batch = batch;
    this.threads = new TrainingThreads(threads, "pinwheel-drsae");
    this.weights = new Weights(config);
    int rows = (batch + threads - 1) / threads;
    this.workspaces = new DrsaeWorkspace[threads];
    for (int i = 0; i < threads; i++) {
      workspaces[i] = new DrsaeWorkspace(config, weights, rows);
    }
    load = w -> weights.load(w, workspaces.length);
    compute = this::compute;
    reduce = this::reduce;
    transpose = this::transposeDecoder;
  }

  /** The architecture. */
  public DrsaeConfig config() {
    return config;
  }

  /** The largest batch a pass takes. */
  public int batch() {
    return batch;
  }

  /**
   * The loss's terms on a batch and the gradient of reconstruction + λ·sparsity + α·classification
   * (batch means) with respect to every parameter, into {@code gradient} (overwritten).
   *
   * @param p the parameters
   * @param x {@code n} inputs [n, D], row-major
   * @param labels the n class labels
   * @param n the batch size, 1 … {@link #batch()}
   * @param alpha the classification weight, ≥ 0
   */
  public Terms gradient(
      Parameters p, float[] x, int[] labels, int n, double alpha, Parameters gradient) {
    Terms t = pass(p, x, labels, 0, n, alpha, true, null, null);
    passOut = gradient;
    passHead = 0;
    while (!workspaces[passHead].accumulated) {
      passHead++;
    }
    threads.run(reduce);
    threads.run(transpose);
    passOut = null;
    return t;
  }

  /**
   * Worker {@code w}'s share of the sum of the workers' gradients, in worker order: a fixed range
   * of every tensor (of units for E, S and Dᵀ), so the same thread count gives the same bytes. E's
   * and S's rows are summed into the first worker's and copied out; Dᵀ's stay there for {@link
   * #transposeDecoder}.
   */
  private void reduce(int w) {
    int workers = workspaces.length;
    int k = config.units();
    int a = TrainingThreads.from(k, workers, w);
    int b = TrainingThreads.from(k, workers, w + 1);
    DrsaeWorkspace head = workspaces[passHead];
    float[] encoder = passOut.get(ENCODER);
    float[] lateral = passOut.get(LATERAL);
    int d = config.inputs();
    // Rows of the first worker with rows take the later ones', in worker order.
    for (int i = a; i < b; i++) {
      for (int v = passHead + 1; v < workers; v++) {
        DrsaeWorkspace ws = workspaces[v];
        if (!ws.accumulated) {
          continue;
        }
        SparseRows.add(ws.encoderGradient[i], head.encoderGradient[i], d);
        SparseRows.add(ws.lateralGradient[i], head.lateralGradient[i], k);
        SparseRows.add(ws.decoderGradientT[i], head.decoderGradientT[i], d);
      }
      System.arraycopy(head.encoderGradient[i], 0, encoder, i * d, d);
      System.arraycopy(head.lateralGradient[i], 0, lateral, i * k, k);
    }
    sum(passOut.get(BIAS), ws -> ws.biasGradient, w, workers);
    sum(passOut.get(CLASSIFIER), ws -> ws.classifierGradient, w, workers);
    sum(passOut.get(CLASS_BIAS), ws -> ws.classBiasGradient, w, workers);
  }

  private void sum(float[] total, Function<DrsaeWorkspace, float[]> part, int w, int workers) {
    int from = TrainingThreads.from(total.length, workers, w);
    int to = TrainingThreads.from(total.length, workers, w + 1);
    Arrays.fill(total, from, to, 0f);
    for (DrsaeWorkspace ws : workspaces) {
      if (ws.accumulated) {
        TrainingThreads.addInto(total, part.apply(ws), from, to);
      }
    }
  }

  /** Worker {@code w}'s rows of ∂D, from the summed ∂Dᵀ. */
  private void transposeDecoder(int w) {
    int k = config.units();
    int d = config.inputs();
    int workers = workspaces.length;
    SparseRows.transpose(
        workspaces[passHead].decoderGradientT,
        k,
        passOut.get(DECODER),
        TrainingThreads.from(d, workers, w),
        TrainingThreads.from(d, workers, w + 1));
  }

  /**
   * Runs {@code task} once on every worker thread, with the worker's index, and waits for all: for
   * a step's other work on parameter ranges, such as the optimiser's.
   */
  void onWorkers(IntConsumer task) {
    threads.run(task);
  }

  /** The number of worker threads. */
  int workers() {
    return workspaces.length;
  }

  /** The loss's terms on {@code n} examples (any number), without gradients. */
  public Terms terms(Parameters p, float[] x, int[] labels, int n) {
    double[] sums = new double[3];
    forEachBatch(p, x, labels, n, null, null, sums);
    return new Terms(sums[0] / n, sums[1] / n, sums[2] / n);
  }

  /** The codes z of {@code n} examples, [n, K]. */
  public float[] codes(Parameters p, float[] x, int n) {
    float[] out = new float[n * config.units()];
    forEachBatch(p, x, new int[n], n, out, null, new double[3]);
    return out;
  }

  /** The class scores z Cᵀ + c of {@code n} examples, [n, classes]. */
  public float[] scores(Parameters p, float[] x, int n) {
    float[] out = new float[n * config.classes()];
    forEachBatch(p, x, new int[n], n, null, out, new double[3]);
    return out;
  }

  /**
   * The fraction of {@code labels} the model's own classifier gets right (argmax of the scores).
   */
  public double accuracy(Parameters p, float[] x, int[] labels) {
    if (labels.length == 0) {
      throw new IllegalArgumentException("labels must not be empty");
    }
    int right = forEachBatch(p, x, labels, labels.length, null, null, new double[3]);
    return right / (double) labels.length;
  }

  /** Runs every batch of {@code n} rows forward; returns how many the classifier got right. */
  private int forEachBatch(
      Parameters p, float[] x, int[] labels, int n, float[] codes, float[] scores, double[] sums) {
    int right = 0;
    for (int from = 0; from < n; from += batch) {
      int m = Math.min(batch, n - from);
      Terms t = pass(p, x, labels, from, m, 0, false, codes, scores);
      sums[0] += t.reconstruction() * m;
      sums[1] += t.sparsity() * m;
      sums[2] += t.classification() * m;
      right += correct;
    }
    return right;
  }

  private Terms pass(
      Parameters p,
      float[] x,
      int[] labels,
      int first,
      int n,
      double alpha,
      boolean gradient,
      float[] codes,
      float[] scores) {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (n < 1 || n > batch) {
      throw new IllegalArgumentException("a batch must hold 1.." + batch + " rows, got " + n);
    }
    if (x.length < (first + n) * config.inputs() || labels.length < first + n) {
      throw new IllegalArgumentException("x or labels hold fewer than " + (first + n) + " rows");
    }
    weights.use(p);
    threads.run(load);
    passX = x;
    passLabels = labels;
    passFirst = first;
    passRows = n;
    passAlpha = alpha;
    passGradient = gradient;
    passCodes = codes;
    passScores = scores;
    threads.run(compute);
    passX = null;
    passLabels = null;
    passCodes = null;
    passScores = null;
    double rec = 0;
    double sparse = 0;
    double cls = 0;
    correct = 0;
    for (DrsaeWorkspace w : workspaces) {
      rec += w.reconstructionSum;
      sparse += w.sparsitySum;
      cls += w.classificationSum;
      correct += w.correct;
    }
    return new Terms(rec / n, sparse / n, cls / n);
  }

  /** Worker {@code w}'s rows of the pass under way. */
  private void compute(int w) {
    DrsaeWorkspace ws = workspaces[w];
    ws.reset();
    int workers = workspaces.length;
    int from = TrainingThreads.from(passRows, workers, w);
    int to = TrainingThreads.from(passRows, workers, w + 1);
    if (to > from) {
      ws.rows(
          passX,
          passLabels,
          passFirst + from,
          to - from,
          passRows,
          passAlpha,
          passGradient,
          passCodes,
          passScores);
    }
  }

  /** Stops the workers and frees the native buffers; closing twice is harmless. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    threads.close();
    for (DrsaeWorkspace w : workspaces) {
      w.close();
    }
    weights.close();
  }
}
