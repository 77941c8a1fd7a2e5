package io.pinwheel.trainer.sparse;

import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.trainer.optim.NativeBuffer;
import io.pinwheel.trainer.optim.Parameters;
import io.pinwheel.trainer.optim.TrainingThreads;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The energy of the group-sparse convolutional auto-encoder and its gradient, written by hand on
 * the extractor's kind of matrix products.
 *
 * <p>Encoder h = g ⊙ ReLU(W_e ∗ x + b) (valid, stride-1 cross-correlation, as the extractor serves
 * it); decoder x̂ = W_d ∗ h, the transposed convolution, so x̂ has the frame's size; energy per
 * frame
 *
 * <pre>  E = ‖x − x̂‖² + λ Σ_j Σ_{u,v} sqrt(ε + Σ_{k∈P_j} w_jk Σ_window h_k²)</pre>
 *
 * averaged over the batch, the group term being the extractor's L2 pooling of h plus ε inside the
 * root. With B the im2col of a chunk of frames ([C·k·k, positions], built by block copies), the
 * whole pass is five products per chunk: Z = W_e B; the decoder's columns W_dᵀ H, folded back into
 * frames (col2im); the code gradient W_d E and ∂W_d = H Eᵀ, with E the im2col of ∂x̂; and ∂W_e = ∂Z
 * Bᵀ. The ReLU mask is the forward pass's, the pooling gradient is in closed form ({@link
 * GroupPooling}), and no gradient is computed for the input.
 *
 * <p>The batch is split over {@link TrainingThreads} workers by position, each with its own {@link
 * ConvWorkspace}; their gradients are summed in worker order, so the same thread count gives the
 * same bytes. Nothing is allocated per step: every buffer belongs to this object, which must be
 * closed.
 *
 * <p>Parameters: {@value #ENCODER} and {@value #DECODER} [K, C, k, k] (the file format's layout),
 * {@value #BIAS} and {@value #GAIN} [K].
 */
public final class ConvGradients implements AutoCloseable {
  /** Encoder filters W_e, [K, C, k, k]. */
  public static final String ENCODER = "encoder";

  /** Encoder bias b, [K]. */
  public static final String BIAS = "bias";

  /** Per-map gain g, the scaling layer, [K]. */
  public static final String GAIN = "gain";

  /** Decoder atoms W_d, [K, C, k, k]. */
  public static final String DECODER = "decoder";

  /** The trainable parameters, in a fixed order. */
  public static final List<String> PARAMETERS = List.of(ENCODER, BIAS, GAIN, DECODER);

  /** Chunks hold about this many code positions: large products, small scratch. */
  static final int TARGET_COLUMNS = 4096;

  /**
   * The shapes of one training problem.
   *
   * @param channels input channels C
   * @param height frame height H
   * @param width frame width W
   * @param kernel filter side k
   * @param maps feature maps K
   */
  public record Geometry(int channels, int height, int width, int kernel, int maps) {
    /** Validates every field. */
    public Geometry {
      if (channels < 1 || maps < 1 || kernel < 1) {
        throw new IllegalArgumentException(
            "channels, maps and kernel must be >= 1, got "
                + channels
                + ", "
                + maps
                + ", "
                + kernel);
      }
      if (height < kernel || width < kernel) {
        throw new IllegalArgumentException(
            "frames of " + height + "x" + width + " are smaller than the kernel " + kernel);
      }
    }

    int depth() {
      return channels * kernel * kernel;
    }

    int codeHeight() {
      return height - kernel + 1;
    }

    int codeWidth() {
      return width - kernel + 1;
    }

    int codeSize() {
      return codeHeight() * codeWidth();
    }

    int frameSize() {
      return channels * height * width;
    }

    int chunkFrames() {
      return Math.max(1, TARGET_COLUMNS / codeSize());
    }

    /** The layout of the parameters, all zero. */
    public Parameters zeroParameters() {
      return Parameters.builder()
          .zeros(ENCODER, maps, channels, kernel, kernel)
          .zeros(BIAS, maps)
          .zeros(GAIN, maps)
          .zeros(DECODER, maps, channels, kernel, kernel)
          .build();
    }
  }

  /**
   * Per-frame means of the energy's terms over a batch.
   *
   * @param reconstruction ‖x − x̂‖²
   * @param sparsity the group-sparsity term, before λ
   * @param signal ‖x‖², for the fraction of signal energy not reconstructed
   */
  public record Terms(double reconstruction, double sparsity, double signal) {
    /** reconstruction + λ·sparsity. */
    public double loss(double lambda) {
      return reconstruction + lambda * sparsity;
    }
  }

  /** The weights a pass reads: the filters as native [K, D] arrays, bias and gain on the heap. */
  static final class Weights {
    final NativeBuffer encoder;
    final NativeBuffer decoder;
    final INDArray encoderMatrix;
    final INDArray decoderMatrix;
    float[] bias;
    float[] gain;
    double lambda;

    private final float[] encoderRows;

    Weights(int maps, int depth) {
      encoderRows = new float[maps * (depth + 1)];
      encoder = new NativeBuffer((long) maps * (depth + 1));
      decoder = new NativeBuffer((long) maps * depth);
      encoderMatrix = encoder.matrix(maps, depth + 1);
      decoderMatrix = decoder.matrix(maps, depth);
    }

    void load(Parameters p, double lambda) {
      float[] e = p.get(ENCODER);
      float[] d = p.get(DECODER);
      bias = p.get(BIAS);
      gain = p.get(GAIN);
      int maps = bias.length;
      int depth = e.length / maps;
      // [W_e | b]: the bias rides as the last column, against a row of ones in the input columns.
      for (int k = 0; k < maps; k++) {
        System.arraycopy(e, k * depth, encoderRows, k * (depth + 1), depth);
        encoderRows[k * (depth + 1) + depth] = bias[k];
      }
      encoder.put(encoderRows, 0, encoderRows.length);
      decoder.put(d, 0, d.length);
      this.lambda = lambda;
    }
  }

  /** Per-frame outputs of a forward pass, for calibration and checks. */
  static final class Outputs {
    final float[] codes;
    final float[] reconstructions;
    final float[] pooled;

    Outputs(int frames, Geometry g, int pooledSize) {
      codes = new float[frames * g.maps() * g.codeSize()];
      reconstructions = new float[frames * g.frameSize()];
      pooled = new float[frames * pooledSize];
    }

    /** Copies a chunk's code ([K, M] rows) and reconstruction into frame order. */
    void take(float[] h, int m, float[] xhat, int first, int frames, Geometry g) {
      int cs = g.codeSize();
      for (int f = 0; f < frames; f++) {
        for (int k = 0; k < g.maps(); k++) {
          System.arraycopy(h, k * m + f * cs, codes, ((first + f) * g.maps() + k) * cs, cs);
        }
      }
      System.arraycopy(xhat, 0, reconstructions, first * g.frameSize(), frames * g.frameSize());
    }
  }

  private final Geometry geometry;
  private final double lambda;
  private final int pooledSize;
  private final TrainingThreads threads;
  private final ConvWorkspace[] workspaces;
  private final Weights weights;
  private final float[] encoderScratch;
  private final float[] decoderScratch;
  private final float[] biasScratch;
  private boolean closed;

  /**
   * Allocates the buffers and starts the worker threads.
   *
   * @param geometry the frames' and filters' shapes
   * @param pool the pooling whose L2 norms make the sparsity term; its groups index the K maps
   * @param lambda the weight of the sparsity term, ≥ 0
   * @param epsilon the smoothing inside the root, > 0
   * @param threads worker threads, ≥ 1
   */
  public ConvGradients(
      Geometry geometry, L2PoolLayer pool, double lambda, double epsilon, int threads) {
    if (!(lambda >= 0) || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
    }
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
    }
    this.geometry = geometry;
    this.lambda = lambda;
    this.threads = new TrainingThreads(threads, "pinwheel-train");
    this.workspaces = new ConvWorkspace[threads];
    GroupPooling probe = pooling(geometry, pool, epsilon);
    this.pooledSize = probe.pooledSize();
    this.weights = new Weights(geometry.maps(), geometry.depth());
    for (int i = 0; i < threads; i++) {
      workspaces[i] =
          new ConvWorkspace(geometry, i == 0 ? probe : pooling(geometry, pool, epsilon), weights);
    }
    this.encoderScratch = new float[geometry.maps() * geometry.depth()];
    this.decoderScratch = new float[geometry.maps() * geometry.depth()];
    this.biasScratch = new float[geometry.maps()];
  }

  private static GroupPooling pooling(Geometry g, L2PoolLayer pool, double epsilon) {
    return new GroupPooling(
        pool, g.maps(), g.codeHeight(), g.codeWidth(), g.chunkFrames(), epsilon);
  }

  /** The shapes this object computes for. */
  public Geometry geometry() {
    return geometry;
  }

  /** The number of worker threads. */
  public int threads() {
    return threads.count();
  }

  /** Pooled values per frame, G · H'' · W''. */
  public int pooledSize() {
    return pooledSize;
  }

  /**
   * The energy's terms on a batch and the gradient of reconstruction + λ·sparsity (batch means)
   * with respect to every parameter, into {@code gradient} (overwritten).
   *
   * @param p the parameters, in the layout of {@link Geometry#zeroParameters}
   * @param frames {@code count} frames [C, H, W], row-major, one after another
   * @param count frames in the batch, ≥ 1
   * @param gradient receives the gradient, same layout as {@code p}
   */
  public Terms gradient(Parameters p, float[] frames, int count, Parameters gradient) {
    Terms t = pass(p, frames, count, true, null);
    gradient.clear();
    float[] de = gradient.get(ENCODER);
    float[] dd = gradient.get(DECODER);
    float[] db = gradient.get(BIAS);
    float[] dg = gradient.get(GAIN);
    for (ConvWorkspace w : workspaces) {
      if (!w.accumulated) {
        continue;
      }
      w.weightGradients(encoderScratch, biasScratch, decoderScratch);
      TrainingThreads.addInto(de, encoderScratch);
      TrainingThreads.addInto(dd, decoderScratch);
      TrainingThreads.addInto(db, biasScratch);
      TrainingThreads.addInto(dg, w.gainGradient);
    }
    return t;
  }

  /** The energy's terms on a batch, without gradients. */
  public Terms terms(Parameters p, float[] frames, int count) {
    return pass(p, frames, count, false, null);
  }

  /** The codes h of {@code count} frames, [count, K, H', W']. */
  public float[] codes(Parameters p, float[] frames, int count) {
    Outputs out = new Outputs(count, geometry, pooledSize);
    pass(p, frames, count, false, out);
    return out.codes;
  }

  /** The reconstructions x̂ of {@code count} frames, [count, C, H, W]. */
  public float[] reconstructions(Parameters p, float[] frames, int count) {
    Outputs out = new Outputs(count, geometry, pooledSize);
    pass(p, frames, count, false, out);
    return out.reconstructions;
  }

  /** The smoothed pooled maps sqrt(ε + pool(h²)) of {@code count} frames, [count, G, H'', W'']. */
  public float[] pooled(Parameters p, float[] frames, int count) {
    Outputs out = new Outputs(count, geometry, pooledSize);
    pass(p, frames, count, false, out);
    return out.pooled;
  }

  private Terms pass(Parameters p, float[] frames, int count, boolean gradient, Outputs out) {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (count < 1 || frames.length < count * geometry.frameSize()) {
      throw new IllegalArgumentException(
          "need " + count + " frames of " + geometry.frameSize() + " values, got " + frames.length);
    }
    weights.load(p, lambda);
    int workers = workspaces.length;
    int chunk = geometry.chunkFrames();
    threads.run(
        w -> {
          ConvWorkspace ws = workspaces[w];
          ws.reset(gradient);
          int from = TrainingThreads.from(count, workers, w);
          int to = TrainingThreads.from(count, workers, w + 1);
          for (int f = from; f < to; f += chunk) {
            ws.chunk(frames, f, Math.min(chunk, to - f), count, gradient, out);
          }
        });
    double rec = 0;
    double sparse = 0;
    double signal = 0;
    for (ConvWorkspace w : workspaces) {
      rec += w.reconstruction;
      sparse += w.sparsity;
      signal += w.signal;
    }
    return new Terms(rec / count, sparse / count, signal / count);
  }

  /** Stops the threads and frees the native buffers; closing twice is harmless. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    threads.close();
    for (ConvWorkspace w : workspaces) {
      w.close();
    }
    weights.encoder.close();
    weights.decoder.close();
  }
}
