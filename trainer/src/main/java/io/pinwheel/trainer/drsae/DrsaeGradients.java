package io.pinwheel.trainer.drsae;

import io.pinwheel.trainer.optim.NativeBuffer;
import io.pinwheel.trainer.optim.Parameters;
import io.pinwheel.trainer.optim.TrainingThreads;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The DrSAE loss and its gradient, written by hand: the T-step recurrence forward, keeping every
 * step's code, and back-propagation through time as matrix products over the batch, on libnd4j's
 * matmul with buffers allocated once ({@link DrsaeWorkspace}).
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
 * worker order, so the same thread count gives the same bytes.
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

  /** The weights a pass reads: E, S and D as native matrices, the rest on the heap. */
  static final class Weights {
    private final NativeBuffer encoderBuffer;
    private final NativeBuffer lateralBuffer;
    private final NativeBuffer decoderBuffer;
    final INDArray encoder;
    final INDArray lateral;
    final INDArray decoder;
    float[] bias;
    float[] classifier;
    float[] classBias;

    Weights(DrsaeConfig c) {
      int k = c.units();
      int d = c.inputs();
      encoderBuffer = new NativeBuffer((long) k * d);
      lateralBuffer = new NativeBuffer((long) k * k);
      decoderBuffer = new NativeBuffer((long) d * k);
      encoder = encoderBuffer.matrix(k, d);
      lateral = lateralBuffer.matrix(k, k);
      decoder = decoderBuffer.matrix(d, k);
    }

    void load(Parameters p) {
      float[] e = p.get(ENCODER);
      float[] s = p.get(LATERAL);
      float[] d = p.get(DECODER);
      encoderBuffer.put(e, 0, e.length);
      lateralBuffer.put(s, 0, s.length);
      decoderBuffer.put(d, 0, d.length);
      bias = p.get(BIAS);
      classifier = p.get(CLASSIFIER);
      classBias = p.get(CLASS_BIAS);
    }

    void close() {
      encoderBuffer.close();
      lateralBuffer.close();
      decoderBuffer.close();
    }
  }

  private final DrsaeConfig config;
  private final int batch;
  private final TrainingThreads threads;
  private final Weights weights;
  private final DrsaeWorkspace[] workspaces;
  private final float[] scratchEncoder;
  private final float[] scratchLateral;
  private final float[] scratchDecoder;
  private int correct;
  private boolean closed;

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
    int k = config.units();
    scratchEncoder = new float[k * config.inputs()];
    scratchLateral = new float[k * k];
    scratchDecoder = new float[config.inputs() * k];
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
    gradient.clear();
    float[] de = gradient.get(ENCODER);
    float[] ds = gradient.get(LATERAL);
    float[] dd = gradient.get(DECODER);
    for (DrsaeWorkspace w : workspaces) {
      if (!w.accumulated) {
        continue;
      }
      w.encoderGradient.get(scratchEncoder, 0, scratchEncoder.length);
      w.lateralGradient.get(scratchLateral, 0, scratchLateral.length);
      w.decoderGradient.get(scratchDecoder, 0, scratchDecoder.length);
      TrainingThreads.addInto(de, scratchEncoder);
      TrainingThreads.addInto(ds, scratchLateral);
      TrainingThreads.addInto(dd, scratchDecoder);
      TrainingThreads.addInto(gradient.get(BIAS), w.biasGradient);
      TrainingThreads.addInto(gradient.get(CLASSIFIER), w.classifierGradient);
      TrainingThreads.addInto(gradient.get(CLASS_BIAS), w.classBiasGradient);
    }
    return t;
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
    weights.load(p);
    int workers = workspaces.length;
    threads.run(
        w -> {
          DrsaeWorkspace ws = workspaces[w];
          ws.reset();
          int from = TrainingThreads.from(n, workers, w);
          int to = TrainingThreads.from(n, workers, w + 1);
          if (to > from) {
            ws.rows(x, labels, first + from, to - from, n, alpha, gradient, codes, scores);
          }
        });
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
