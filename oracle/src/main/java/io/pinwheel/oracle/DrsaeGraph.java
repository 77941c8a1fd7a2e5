package io.pinwheel.oracle;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The discriminative recurrent sparse auto-encoder (Rolfe &amp; LeCun, 2013) as a SameDiff graph,
 * which gives its gradients through the unrolled recurrence: the oracle the trainer's hand-written
 * back-propagation through time ({@code io.pinwheel.trainer.drsae.DrsaeGradients}) is checked
 * against, and what the trainer ran on before it.
 *
 * <p>On inputs x [N, D]:
 *
 * <pre>
 *   z⁰      = ReLU(x Eᵀ − b)
 *   zᵗ⁺¹    = ReLU(x Eᵀ + zᵗ Sᵀ − b)        t = 0 … T−2
 *   loss    = (1/N) Σₙ ‖x − z Dᵀ‖² + λ ‖z‖₁ + α · CE(softmax(z Cᵀ + c), y)
 * </pre>
 *
 * with z the last of the T codes. The variables are {@value #ENCODER} E [K, D], {@value #LATERAL} S
 * [K, K], {@value #BIAS} b [K], {@value #DECODER} D [D, K], {@value #CLASSIFIER} C [classes, K] and
 * {@value #CLASS_BIAS} c [classes]. The class weight α is a placeholder, so one graph serves both
 * the unsupervised phase (α = 0) and the discriminative one; labels are fed one-hot, built in Java,
 * because SameDiff would otherwise try to differentiate an integer one-hot op.
 */
public final class DrsaeGraph {
  /** The input placeholder, [N, D]. */
  public static final String INPUT = "x";

  /** The one-hot label placeholder, [N, classes]. */
  public static final String LABELS = "y";

  /** The scalar placeholder α, the weight of the classification term. */
  public static final String ALPHA = "alpha";

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

  /** The trainable variables, in a fixed order. */
  public static final List<String> PARAMETERS =
      List.of(ENCODER, LATERAL, BIAS, DECODER, CLASSIFIER, CLASS_BIAS);

  private static final String RECONSTRUCTION = "reconstruction";
  private static final String SPARSITY = "sparsity";
  private static final String CLASSIFICATION = "classification";
  private static final String LOSS = "loss";
  private static final String CODE = "code";
  private static final String SCORES = "scores";
  private static final int EVAL_BATCH = 1000;

  private final SameDiff sd;
  private final Shape config;
  private final DataType type;

  /**
   * Builds the graph over the given parameters; the arrays become the graph's variables and are
   * updated in place by training.
   *
   * @param config the sizes and λ
   * @param parameters one array per name in {@link #PARAMETERS}, all of one floating type
   */
  public DrsaeGraph(Shape config, Map<String, INDArray> parameters) {
    this.config = config;
    int k = config.units();
    int d = config.inputs();
    int classes = config.classes();
    for (String name : PARAMETERS) {
      if (!parameters.containsKey(name)) {
        throw new IllegalArgumentException("parameters lack " + name);
      }
    }
    type = parameters.get(ENCODER).dataType();
    if (!type.isFPType()) {
      throw new IllegalArgumentException("parameters must be floating point, got " + type);
    }
    requireShape(parameters, ENCODER, k, d);
    requireShape(parameters, LATERAL, k, k);
    requireShape(parameters, BIAS, k);
    requireShape(parameters, DECODER, d, k);
    requireShape(parameters, CLASSIFIER, classes, k);
    requireShape(parameters, CLASS_BIAS, classes);

    sd = SameDiff.create();
    SDVariable x = sd.placeHolder(INPUT, type, -1, d);
    SDVariable y = sd.placeHolder(LABELS, type, -1, classes);
    SDVariable alpha = sd.placeHolder(ALPHA, type);
    SDVariable e = sd.var(ENCODER, parameters.get(ENCODER));
    SDVariable s = sd.var(LATERAL, parameters.get(LATERAL));
    SDVariable b = sd.var(BIAS, parameters.get(BIAS));
    SDVariable dec = sd.var(DECODER, parameters.get(DECODER));
    SDVariable cw = sd.var(CLASSIFIER, parameters.get(CLASSIFIER));
    SDVariable cb = sd.var(CLASS_BIAS, parameters.get(CLASS_BIAS));

    // The input drive x Eᵀ − b is the same at every step, so it is computed once.
    SDVariable drive = sd.mmul(x, e, false, true, false).sub(b);
    SDVariable z = sd.nn().relu(drive, 0);
    for (int t = 1; t < config.steps(); t++) {
      z = sd.nn().relu(drive.add(sd.mmul(z, s, false, true, false)), 0);
    }
    z = z.add(CODE, 0.0);

    SDVariable batch = sd.sizeAt(x, 0).castTo(type);
    SDVariable xhat = sd.mmul(z, dec, false, true, false);
    SDVariable rec = sd.math().square(x.sub(xhat)).sum().div(RECONSTRUCTION, batch);
    SDVariable sparsity = sd.math().abs(z).sum().div(SPARSITY, batch);
    SDVariable scores = sd.mmul(z, cw, false, true, false).add(SCORES, cb);
    // log-softmax by hand: SameDiff 1.0.0-M2.1's logSoftmax with an axis fails to build. Shifting
    // by the row maximum keeps exp finite; its gradient cancels exactly, so it needs no stop.
    SDVariable shifted = scores.sub(sd.max(scores, true, 1));
    SDVariable logZ = sd.math().log(sd.math().exp(shifted).sum(true, 1));
    SDVariable ce = y.mul(shifted.sub(logZ)).sum().neg().div(CLASSIFICATION, batch);
    rec.add(sparsity.mul(config.lambda())).add(LOSS, ce.mul(alpha));
    sd.setLossVariables(LOSS);
    QuietGradients.create(sd);
  }

  /**
   * The sizes of a DrSAE and the weight of its L1 term.
   *
   * @param units hidden units K
   * @param inputs the input dimension D
   * @param classes the classifier's classes
   * @param steps the number T of ReLU applications, the first included
   * @param lambda the L1 weight λ
   */
  public record Shape(int units, int inputs, int classes, int steps, double lambda) {}

  private static void requireShape(Map<String, INDArray> p, String name, long... shape) {
    INDArray a = p.get(name);
    if (!Arrays.equals(a.shape(), shape)) {
      throw new IllegalArgumentException(
          name
              + " must have shape "
              + Arrays.toString(shape)
              + ", got "
              + Arrays.toString(a.shape()));
    }
    if (a.dataType() != p.get(ENCODER).dataType()) {
      throw new IllegalArgumentException(
          name
              + " must be "
              + p.get(ENCODER).dataType()
              + " like the encoder, got "
              + a.dataType());
    }
  }

  /** The architecture and λ. */
  public Shape config() {
    return config;
  }

  /** The floating type of the parameters, which inputs must share. */
  public DataType dataType() {
    return type;
  }

  /** The live array of a variable in {@link #PARAMETERS}; training updates it in place. */
  public INDArray parameter(String name) {
    if (!PARAMETERS.contains(name)) {
      throw new IllegalArgumentException(
          "no parameter " + name + "; expected one of " + PARAMETERS);
    }
    return sd.getVariable(name).getArr();
  }

  /** The live arrays of all parameters, in {@link #PARAMETERS} order. */
  public Map<String, INDArray> parameters() {
    Map<String, INDArray> p = new LinkedHashMap<>();
    for (String name : PARAMETERS) {
      p.put(name, parameter(name));
    }
    return p;
  }

  /**
   * The loss's three terms on a batch and the gradient of the full loss (reconstruction + λ
   * sparsity + α classification) with respect to every parameter.
   *
   * @param x inputs [N, D], of {@link #dataType()}
   * @param labels N class indices in [0, classes)
   * @param alpha the weight of the classification term, ≥ 0; 0 in the unsupervised phase
   */
  public Step step(INDArray x, int[] labels, double alpha) {
    Map<String, INDArray> in = feed(x, labels, alpha);
    OutAndGrad r =
        sd.calculateGradientsAndOutputs(
            in, List.of(RECONSTRUCTION, SPARSITY, CLASSIFICATION), PARAMETERS);
    in.get(LABELS).close();
    in.get(ALPHA).close();
    Map<String, INDArray> out = r.getOutputs();
    Map<String, INDArray> gradients = new HashMap<>(r.getGradients());
    // With T = 1 the graph never reads S, and SameDiff gives no gradient for it: it is zero.
    for (String name : PARAMETERS) {
      gradients.computeIfAbsent(name, n -> parameter(n).like().assign(0));
    }
    Step step =
        new Step(
            new Terms(
                out.get(RECONSTRUCTION).getDouble(0),
                out.get(SPARSITY).getDouble(0),
                out.get(CLASSIFICATION).getDouble(0)),
            gradients);
    out.values().forEach(INDArray::close);
    return step;
  }

  /** The loss's three terms on a batch, without gradients. */
  public Terms terms(INDArray x, int[] labels) {
    Map<String, INDArray> in = feed(x, labels, 0);
    in.remove(ALPHA).close();
    Map<String, INDArray> out = sd.output(in, RECONSTRUCTION, SPARSITY, CLASSIFICATION);
    Terms t =
        new Terms(
            out.get(RECONSTRUCTION).getDouble(0),
            out.get(SPARSITY).getDouble(0),
            out.get(CLASSIFICATION).getDouble(0));
    out.values().forEach(INDArray::close);
    in.get(LABELS).close();
    return t;
  }

  /** The code z after the T steps, [N, K]. */
  public INDArray codes(INDArray x) {
    return sd.output(Map.of(INPUT, requireInput(x)), CODE).get(CODE);
  }

  /** The class scores z Cᵀ + c (logits, before the softmax), [N, classes]. */
  public INDArray scores(INDArray x) {
    return sd.output(Map.of(INPUT, requireInput(x)), SCORES).get(SCORES);
  }

  /**
   * The fraction of {@code labels} the model's own classifier gets right, as the argmax of {@link
   * #scores}; evaluated in batches so large test sets do not hold every step's codes at once.
   */
  public double accuracy(INDArray x, int[] labels) {
    requireInput(x);
    if (labels.length != x.size(0)) {
      throw new IllegalArgumentException(
          "labels has " + labels.length + " entries for " + x.size(0) + " inputs");
    }
    if (labels.length == 0) {
      throw new IllegalArgumentException("labels must not be empty");
    }
    int right = 0;
    for (int from = 0; from < labels.length; from += EVAL_BATCH) {
      int to = Math.min(labels.length, from + EVAL_BATCH);
      INDArray rows = x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
      try (INDArray s = scores(rows);
          INDArray best = Nd4j.argMax(s, 1)) {
        for (int i = from; i < to; i++) {
          if (best.getInt(i - from) == labels[i]) {
            right++;
          }
        }
      }
    }
    return right / (double) labels.length;
  }

  /**
   * Projects onto the paper's bounded norms: every decoder column to unit L2 norm, and every
   * encoder row to norm at most 1. Without the first, the L1 term could be lowered for free by
   * shrinking z while growing D; the second keeps the recurrence's input drive from growing without
   * bound as the encoder grows to match. Zero columns are left alone.
   */
  public void normalize() {
    INDArray dec = parameter(DECODER);
    try (INDArray norms = dec.norm2(0);
        INDArray zero = norms.eq(0).castTo(norms.dataType())) {
      norms.addi(zero);
      dec.diviRowVector(norms);
    }
    INDArray enc = parameter(ENCODER);
    try (INDArray norms = enc.norm2(1);
        INDArray bounded = Transforms.max(norms, 1.0, true)) {
      enc.diviColumnVector(bounded.reshape(bounded.length(), 1));
    }
  }

  private INDArray requireInput(INDArray x) {
    if (x.rank() != 2 || x.size(1) != config.inputs()) {
      throw new IllegalArgumentException(
          "x must be [N, " + config.inputs() + "], got " + Arrays.toString(x.shape()));
    }
    if (x.dataType() != type) {
      throw new IllegalArgumentException("x must be " + type + ", got " + x.dataType());
    }
    return x;
  }

  private Map<String, INDArray> feed(INDArray x, int[] labels, double alpha) {
    requireInput(x);
    if (labels.length != x.size(0)) {
      throw new IllegalArgumentException(
          "labels has " + labels.length + " entries for " + x.size(0) + " inputs");
    }
    if (!(alpha >= 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
    }
    int classes = config.classes();
    double[] hot = new double[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "labels[" + i + "] = " + labels[i] + " is outside [0, " + classes + ")");
      }
      hot[i * classes + labels[i]] = 1;
    }
    Map<String, INDArray> in = new HashMap<>();
    in.put(INPUT, x);
    in.put(
        LABELS,
        Nd4j.create(hot, new long[] {labels.length, classes}, DataType.DOUBLE).castTo(type));
    in.put(ALPHA, Nd4j.scalar(DataType.DOUBLE, alpha).castTo(type));
    return in;
  }

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
   * One evaluation of the loss with its gradients.
   *
   * @param terms the loss's terms on the batch
   * @param gradients d(loss)/d(parameter), by {@link #PARAMETERS} name
   */
  public record Step(Terms terms, Map<String, INDArray> gradients) {}
}
