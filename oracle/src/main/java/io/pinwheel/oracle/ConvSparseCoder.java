package io.pinwheel.oracle;

import io.pinwheel.extractor.model.L2PoolLayer;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The group-sparse convolutional auto-encoder as a SameDiff graph: the oracle that the trainer's
 * hand-written gradients ({@code io.pinwheel.trainer.sparse.ConvGradients}) are checked against
 * (SameDiff differentiates the graph itself), and what the trainer ran on before them.
 *
 * <p>Encoder h = gain ⊙ ReLU(W_e ∗ x + b) (valid, stride-1 cross-correlation, as the extractor
 * serves it); decoder x̂ = W_d ∗ h, the transposed convolution, so x̂ has the frame's size; energy
 * per frame
 *
 * <pre>  E = ‖x − x̂‖² + λ Σ_j Σ_{u,v} sqrt(ε + Σ_{k∈P_j} w_jk Σ_window h_k²)</pre>
 *
 * averaged over the batch. The group term is the extractor's L2 pooling of h (same groups, weights,
 * window and stride) summed over pools and positions, plus ε inside the root so its gradient is
 * finite where a whole pool is zero.
 *
 * <p>The variables are {@value #ENCODER} and {@value #DECODER}, both stored [kh, kw, C, K] (YXIO:
 * libnd4j's transposed convolution reads that layout, and SameDiff 1.0.0-M2.1 computes gradients of
 * the wrong shape for conv2d's [K, C, kh, kw] option), {@value #BIAS} [K] and {@value #GAIN} [K].
 * {@link #variableLayout} turns filters in the file format's [K, C, kh, kw] layout into the
 * variables' layout; {@link #encoderFilters()}, {@link #decoderAtoms()} and {@link #filters} give
 * them back.
 */
public final class ConvSparseCoder {
  /** The name of the input placeholder, [N, C, H, W]. */
  public static final String INPUT = "x";

  /** Encoder filters W_e, [kh, kw, C, K]. */
  public static final String ENCODER = "encoder";

  /** Encoder bias b, [K]. */
  public static final String BIAS = "bias";

  /** Per-map gain, the scaling layer, [K]. */
  public static final String GAIN = "gain";

  /** Decoder atoms W_d, [kh, kw, C, K]. */
  public static final String DECODER = "decoder";

  /** The trainable variables, in a fixed order. */
  public static final List<String> PARAMETERS = List.of(ENCODER, BIAS, GAIN, DECODER);

  private static final String RECONSTRUCTION = "reconstruction";
  private static final String SPARSITY = "sparsity";
  private static final String LOSS = "loss";
  private static final String CODE = "code";
  private static final String POOLED = "pooled";
  private static final String RECONSTRUCTED = "xhat";

  private final SameDiff sd;
  private final int maps;
  private final int channels;
  private final int kernel;

  /**
   * Builds the graph with the given initial parameters; the arrays become the graph's variables and
   * are updated in place by training.
   *
   * @param encoder [k, k, C, K]
   * @param bias [K]
   * @param gain [K]
   * @param decoder [k, k, C, K]
   * @param pool the pooling whose L2 norms make the sparsity term; its groups index the K maps
   * @param lambda the weight of the sparsity term, ≥ 0
   * @param epsilon the smoothing inside the root, > 0
   */
  public ConvSparseCoder(
      INDArray encoder,
      INDArray bias,
      INDArray gain,
      INDArray decoder,
      L2PoolLayer pool,
      double lambda,
      double epsilon) {
    long[] e = encoder.shape();
    if (e.length != 4 || e[0] != e[1]) {
      throw new IllegalArgumentException(
          "encoder must be [k, k, C, K], got " + java.util.Arrays.toString(e));
    }
    kernel = (int) e[0];
    channels = (int) e[2];
    maps = (int) e[3];
    requireShape("bias", bias, maps);
    requireShape("gain", gain, maps);
    requireShape("decoder", decoder, kernel, kernel, channels, maps);
    if (!(lambda >= 0) || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
    }
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
    }
    for (int j = 0; j < pool.groups().size(); j++) {
      if (pool.groups().get(j) >= maps) {
        throw new IllegalArgumentException(
            "pool groups index map " + pool.groups().get(j) + " but the encoder has " + maps);
      }
    }
    DataType type = encoder.dataType();
    sd = SameDiff.create();
    SDVariable x = sd.placeHolder(INPUT, type, -1, channels, -1, -1);
    SDVariable we = sd.var(ENCODER, encoder);
    SDVariable b = sd.var(BIAS, bias);
    SDVariable g = sd.var(GAIN, gain);
    SDVariable wd = sd.var(DECODER, decoder);

    Conv2DConfig conv =
        Conv2DConfig.builder()
            .kH(kernel)
            .kW(kernel)
            .sH(1)
            .sW(1)
            .paddingMode(PaddingMode.VALID)
            .dataFormat(Conv2DConfig.NCHW)
            .weightsFormat(WeightsFormat.YXIO)
            .build();
    SDVariable s = sd.cnn().conv2d(x, we, b, conv);
    SDVariable h = sd.nn().relu(s, 0).mul(CODE, g.reshape(1, maps, 1, 1));

    DeConv2DConfig deconv =
        DeConv2DConfig.builder()
            .kH(kernel)
            .kW(kernel)
            .sH(1)
            .sW(1)
            .isSameMode(false)
            .dataFormat(DeConv2DConfig.NCHW)
            .build();
    SDVariable xhat = sd.cnn().deconv2d(RECONSTRUCTED, h, wd, deconv);
    SDVariable batch = sd.sizeAt(x, 0).castTo(type);
    SDVariable rec = sd.math().square(x.sub(xhat)).sum().div(RECONSTRUCTION, batch);

    SDVariable poolWeights = sd.constant(poolMatrix(pool, maps, type));
    Conv2DConfig window =
        Conv2DConfig.builder()
            .kH(pool.window())
            .kW(pool.window())
            .sH(pool.stride())
            .sW(pool.stride())
            .paddingMode(PaddingMode.VALID)
            .dataFormat(Conv2DConfig.NCHW)
            .weightsFormat(WeightsFormat.YXIO)
            .build();
    SDVariable energy = sd.cnn().conv2d(h.mul(h), poolWeights, window);
    SDVariable pooled = sd.math().sqrt(POOLED, energy.add(epsilon));
    SDVariable sparsity = pooled.sum().div(SPARSITY, batch);
    rec.add(LOSS, sparsity.mul(lambda));
    sd.setLossVariables(LOSS);
    QuietGradients.create(sd);
  }

  /**
   * The pooling as convolution weights [G, K, n, n]: pool j reads map k with the summed weight of
   * its members that are k, at every window position. Summing repeated members keeps rows of {@code
   * groups} that repeat a map exactly equal to the extractor's pooling.
   */
  private static INDArray poolMatrix(L2PoolLayer pool, int maps, DataType type) {
    int pools = pool.poolCount();
    int m = pool.groupSize();
    int n = pool.window();
    double[] p = new double[pools * maps];
    for (int j = 0; j < pools; j++) {
      for (int i = 0; i < m; i++) {
        p[j * maps + pool.groups().get(j * m + i)] += pool.weights().get(j * m + i);
      }
    }
    double[] w = new double[pools * maps * n * n];
    for (int jk = 0; jk < pools * maps; jk++) {
      java.util.Arrays.fill(w, jk * n * n, (jk + 1) * n * n, p[jk]);
    }
    return Nd4j.create(w, new long[] {pools, maps, n, n}, DataType.DOUBLE)
        .permute(2, 3, 1, 0)
        .dup('c')
        .castTo(type);
  }

  private static void requireShape(String name, INDArray a, long... shape) {
    if (!java.util.Arrays.equals(a.shape(), shape)) {
      throw new IllegalArgumentException(
          name
              + " must have shape "
              + java.util.Arrays.toString(shape)
              + ", got "
              + java.util.Arrays.toString(a.shape()));
    }
  }

  /** The number of feature maps K. */
  public int maps() {
    return maps;
  }

  /** The number of input channels C. */
  public int channels() {
    return channels;
  }

  /** The filter side k. */
  public int kernel() {
    return kernel;
  }

  /** The live array of a variable in {@link #PARAMETERS}; training updates it in place. */
  public INDArray parameter(String name) {
    if (!PARAMETERS.contains(name)) {
      throw new IllegalArgumentException(
          "no parameter " + name + "; expected one of " + PARAMETERS);
    }
    return sd.getVariable(name).getArr();
  }

  /** The encoder filters as [K, C, kh, kw], the layout of the file format. */
  public INDArray encoderFilters() {
    return filters(parameter(ENCODER));
  }

  /** The decoder atoms as [K, C, kh, kw], the layout of the file format. */
  public INDArray decoderAtoms() {
    return filters(parameter(DECODER));
  }

  /** A [kh, kw, C, K] filter array as a new [K, C, kh, kw] one. */
  public static INDArray filters(INDArray yxio) {
    return yxio.permute(3, 2, 0, 1).dup('c');
  }

  /** A [K, C, kh, kw] filter array as a new [kh, kw, C, K] one, the layout of the variables. */
  public static INDArray variableLayout(INDArray oiyx) {
    return oiyx.permute(2, 3, 1, 0).dup('c');
  }

  /**
   * The energy's two terms and the gradient of their weighted sum with respect to every parameter,
   * for a batch [N, C, H, W].
   */
  public Step step(INDArray batch) {
    OutAndGrad r =
        sd.calculateGradientsAndOutputs(
            Map.of(INPUT, batch), List.of(RECONSTRUCTION, SPARSITY), PARAMETERS);
    Map<String, INDArray> out = r.getOutputs();
    Step step =
        new Step(
            out.get(RECONSTRUCTION).getDouble(0), out.get(SPARSITY).getDouble(0), r.getGradients());
    out.values().forEach(INDArray::close);
    return step;
  }

  /** The two terms of the energy for a batch, without gradients. */
  public Terms terms(INDArray batch) {
    Map<String, INDArray> out = sd.output(Map.of(INPUT, batch), RECONSTRUCTION, SPARSITY);
    return new Terms(out.get(RECONSTRUCTION).getDouble(0), out.get(SPARSITY).getDouble(0));
  }

  /** The code h = gain ⊙ ReLU(W_e ∗ x + b) of a batch, [N, K, H−k+1, W−k+1]. */
  public INDArray code(INDArray batch) {
    return sd.output(Map.of(INPUT, batch), CODE).get(CODE);
  }

  /** The reconstruction x̂ = W_d ∗ h of a batch, [N, C, H, W]. */
  public INDArray reconstruct(INDArray batch) {
    return sd.output(Map.of(INPUT, batch), RECONSTRUCTED).get(RECONSTRUCTED);
  }

  /** The smoothed pooled map sqrt(ε + pool(h²)) of a batch, [N, G, H', W']. */
  public INDArray pooled(INDArray batch) {
    return sd.output(Map.of(INPUT, batch), POOLED).get(POOLED);
  }

  /**
   * Rescales every decoder atom to unit L2 norm, so the sparsity term cannot be lowered by
   * shrinking h while growing W_d. Atoms that are exactly zero are left alone.
   */
  public void normalizeDecoder() {
    INDArray wd = parameter(DECODER);
    INDArray flat = wd.reshape('c', (long) kernel * kernel * channels, maps);
    INDArray norms = flat.norm2(0);
    norms.addi(norms.eq(0).castTo(norms.dataType()));
    flat.diviRowVector(norms);
  }

  /** Per-batch means of the two energy terms. */
  public record Terms(double reconstruction, double sparsity) {}

  /**
   * One evaluation of the energy with its gradients.
   *
   * @param reconstruction mean ‖x − x̂‖² per frame
   * @param sparsity mean group-sparsity term per frame (before λ)
   * @param gradients d(reconstruction + λ·sparsity)/d(parameter), by {@link #PARAMETERS} name
   */
  public record Step(double reconstruction, double sparsity, Map<String, INDArray> gradients) {}
}
