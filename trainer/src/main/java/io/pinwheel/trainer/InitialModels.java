package io.pinwheel.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Valid encoder models made without training, so the whole pipeline can run before any trainer has:
 * an oriented {@link GaborBank} followed by L2 pooling over phases (block groups) or over a
 * topographic neighbourhood.
 *
 * <p>The choices, and why:
 *
 * <ul>
 *   <li>Input normalization is local contrast normalization with σ = {@value #LCN_SIGMA} pixels: a
 *       13-pixel window, close to the 9-pixel filters, so the filters see contrast relative to what
 *       surrounds them and respond alike in dark and bright parts of an image.
 *   <li>Conv bias {@value #BIAS} and gain 1: after LCN and unit-norm filters a response has roughly
 *       unit standard deviation, so a small negative bias lets ReLU zero the weakest responses.
 *   <li>L2 pooling window {@value #POOL_WINDOW}, stride {@value #POOL_STRIDE}.
 *   <li>Output threshold, unless given: {@link #defaultThreshold}.
 * </ul>
 */
public final class InitialModels {
  /** The default model name. */
  public static final String DEFAULT_NAME = "gabor";

  /** The LCN Gaussian's standard deviation in pixels. */
  public static final double LCN_SIGMA = 2.0;

  /** Every map's conv bias. */
  public static final float BIAS = -0.1f;

  /** The L2 pooling window side. */
  public static final int POOL_WINDOW = 2;

  /** The L2 pooling stride. */
  public static final int POOL_STRIDE = 2;

  /**
   * The default threshold per unit of pool mass, see {@link #defaultThreshold}. Chosen by running
   * this model on seeded synthetic 96×96 gray images, first through a NumPy reference of LCN, conv
   * and pooling, then checked through the real {@code FrameDecoder} and {@code Encoder}: at 1.25
   * about 9% of outputs pass on dead-leaves images (random occluding discs, which have natural
   * images' edges and flat regions) and about 30% on band-limited 1/f noise, which is texture
   * everywhere; within a point of that for block:4, topo:8x8:3 and a Gaussian-weighted topo:8x8:3.
   * In the reference, 1.0 gave 13% on dead leaves and 1.5 gave 6%.
   */
  public static final double THRESHOLD_PER_UNIT = 1.25;

  private static final ObjectMapper JSON = new ObjectMapper();

  private InitialModels() {}

  /** The reference model: {@link GaborModelOptions#defaults()}. */
  public static EncoderModel gabor() {
    return gabor(GaborModelOptions.defaults());
  }

  /** An analytic Gabor model created now. */
  public static EncoderModel gabor(GaborModelOptions options) {
    return gabor(options, Instant.now());
  }

  /**
   * An analytic Gabor model.
   *
   * @param options what to build
   * @param createdAt the model's creation time, fixed by callers that need identical bytes
   * @throws IllegalArgumentException if the options do not make a valid model; the message names
   *     the offending option or model field
   */
  public static EncoderModel gabor(GaborModelOptions options, Instant createdAt) {
    InputSpec input =
        new InputSpec(
            options.size(), options.size(), options.channels(), new Normalization.Lcn(LCN_SIGMA));
    GaborBank bank = GaborBank.standard(options.filters(), options.kernel(), options.channels());
    int maps = bank.filterCount();
    ConvLayer conv =
        new ConvLayer(
            bank.weights(),
            FloatTensor.filled(new int[] {maps}, BIAS),
            FloatTensor.filled(new int[] {maps}, 1f));
    L2PoolLayer pool = options.pooling().layer(maps, POOL_WINDOW, POOL_STRIDE);
    boolean explicit = options.threshold().isPresent();
    float threshold = explicit ? (float) options.threshold().getAsDouble() : defaultThreshold(pool);

    ObjectNode training = JSON.createObjectNode();
    training.put("method", "analytic-gabor");
    training.put("filters", maps);
    training.put("kernel", bank.size());
    training.put("orientations", bank.orientations());
    training.put("phases", bank.phases());
    var wavelengths = training.putArray("wavelengths");
    for (double lambda : bank.wavelengths()) {
      wavelengths.add(lambda);
    }
    training.put("sigma", bank.sigma());
    training.put("bias", BIAS);
    training.put("lcnSigma", LCN_SIGMA);
    training.put("pooling", options.pooling().spec());
    training.put("poolWindow", POOL_WINDOW);
    training.put("poolStride", POOL_STRIDE);
    training.put("threshold", threshold);
    training.put(
        "thresholdRule",
        explicit ? "explicit" : THRESHOLD_PER_UNIT + " * sqrt(pool weight sum * window^2)");

    return new EncoderModel(
        options.name(),
        options.version(),
        createdAt,
        input,
        List.<Layer>of(conv, pool),
        OutputSpec.threshold(threshold),
        training.toString(),
        Map.of());
  }

  /**
   * {@link #THRESHOLD_PER_UNIT} × sqrt(S · window²), with S the largest sum of member weights of
   * any pool. A pooled value is the root of a weighted sum of S·window² squared activations, so
   * dividing by that root gives an RMS activation per pooled member; thresholding that, rather than
   * the raw value, keeps the code density about the same whether pools hold 4 maps or a weighted
   * 3×3 neighbourhood. For the reference workload (groups of 4, 2×2 window) it is 1.25 × 4 = 5.
   */
  public static float defaultThreshold(L2PoolLayer pool) {
    double mass = 0;
    int m = pool.groupSize();
    FloatTensor w = pool.weights();
    for (int g = 0; g < pool.poolCount(); g++) {
      double sum = 0;
      for (int i = 0; i < m; i++) {
        sum += w.get(g * m + i);
      }
      mass = Math.max(mass, sum);
    }
    return (float) (THRESHOLD_PER_UNIT * Math.sqrt(mass * pool.window() * pool.window()));
  }
}
