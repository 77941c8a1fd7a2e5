package io.pinwheel.trainer.lateral;

import io.pinwheel.trainer.optim.Adam;
import io.pinwheel.trainer.optim.Parameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The feed-forward encoder of predictive sparse decomposition (Kavukcuoglu, Ranzato &amp; LeCun
 * 2008): z̃ = g ⊙ ReLU(F x − b), trained to predict the codes z* that {@link Fista} infers, by Adam
 * on the batch mean of ‖z̃ − z*‖². One encoder replaces an iterative inference by one matrix
 * product, which is what the extractor can serve: F is a conv layer whose kernel is the whole
 * patch.
 *
 * <p>Parameters, batch-major like the rest of the package: F as [D, K] (so that x·F is [N, K]), b
 * and g as [1, K]. The gain g is kept ≥ 0 after every step: the extractor's L2 pooling serves
 * |g|·ReLU(·), which equals the trained g·ReLU(·) only for g ≥ 0 (and the targets z* are never
 * negative, so a negative gain never helps).
 *
 * <p>Owns its arrays and Adam's moments; close it to free them.
 */
public final class PsdEncoder implements AutoCloseable {
  /** The filters F, [D, K]. */
  public static final String FILTERS = "filters";

  /** The thresholds b, [1, K]; the served conv bias is −b. */
  public static final String BIAS = "bias";

  /** The gains g, [1, K]. */
  public static final String GAIN = "gain";

  /** Every parameter, in a fixed order. */
  public static final List<String> PARAMETERS = List.of(FILTERS, BIAS, GAIN);

  private final Map<String, INDArray> parameters;

  /** The parameters' values on the heap for Adam, then copied back: [values, gradient, m, v]. */
  private final Parameters values;

  private final Parameters gradient;
  private final Parameters first;
  private final Parameters second;
  private long steps;

  private PsdEncoder(Map<String, INDArray> parameters) {
    this.parameters = parameters;
    Parameters.Builder b = Parameters.builder();
    for (String p : PARAMETERS) {
      INDArray a = parameters.get(p);
      b.zeros(p, (int) a.size(0), (int) a.size(1));
    }
    values = b.build();
    gradient = values.zerosLike();
    first = values.zerosLike();
    second = values.zerosLike();
  }

  /**
   * The encoder that is exact for an orthonormal dictionary without inhibition: F = W, b = λ/2, g =
   * 1. FISTA's codes are then max(0, Wᵀx − λ/2), so training starts from the right answer for the
   * part of the problem the dictionary alone explains, and learns the corrections the overlapping
   * atoms and S call for.
   *
   * @param w the dictionary, [D, K]; copied
   * @param lambda the sparsity weight λ of the codes to predict
   * @return a new encoder the caller must close
   */
  public static PsdEncoder initial(INDArray w, double lambda) {
    if (w == null || w.rank() != 2) {
      throw new IllegalArgumentException("w must be a [D, K] matrix");
    }
    Map<String, INDArray> p = new LinkedHashMap<>();
    p.put(FILTERS, w.dup('c'));
    p.put(BIAS, Nd4j.zeros(w.dataType(), 1, w.columns()).assign(lambda / 2));
    p.put(GAIN, Nd4j.ones(w.dataType(), 1, w.columns()));
    return new PsdEncoder(p);
  }

  /**
   * An encoder with the given parameters, e.g. read back from a file.
   *
   * @param filters F, [D, K]
   * @param bias b, [1, K]
   * @param gain g, [1, K], every value ≥ 0
   * @return a new encoder owning copies of the arrays
   */
  public static PsdEncoder of(INDArray filters, INDArray bias, INDArray gain) {
    if (filters == null || filters.rank() != 2) {
      throw new IllegalArgumentException("filters must be a [D, K] matrix");
    }
    long k = filters.columns();
    for (INDArray v : new INDArray[] {bias, gain}) {
      if (v == null || v.rank() != 2 || v.rows() != 1 || v.columns() != k) {
        throw new IllegalArgumentException("bias and gain must be [1, " + k + "]");
      }
    }
    if (gain.minNumber().doubleValue() < 0) {
      throw new IllegalArgumentException("gain must be >= 0 everywhere");
    }
    Map<String, INDArray> p = new LinkedHashMap<>();
    p.put(FILTERS, filters.dup('c'));
    p.put(BIAS, bias.dup('c'));
    p.put(GAIN, gain.dup('c'));
    return new PsdEncoder(p);
  }

  /**
   * A parameter array, owned by this encoder.
   *
   * @param name one of {@link #PARAMETERS}
   * @return the live array; do not close it
   */
  public INDArray parameter(String name) {
    INDArray a = parameters.get(name);
    if (a == null) {
      throw new IllegalArgumentException(
          "no parameter " + name + "; expected one of " + PARAMETERS);
    }
    return a;
  }

  /** The number of units K. */
  public int units() {
    return parameters.get(FILTERS).columns();
  }

  /** The input dimension D. */
  public int inputs() {
    return parameters.get(FILTERS).rows();
  }

  /**
   * z̃ = g ⊙ ReLU(x F − b) for a batch.
   *
   * @param x the inputs, [N, D]
   * @return the predicted codes, [N, K]; the caller must close them
   */
  public INDArray encode(INDArray x) {
    checkInput(x);
    INDArray a = x.mmul(parameters.get(FILTERS)).subiRowVector(parameters.get(BIAS));
    Transforms.relu(a, false);
    return a.muliRowVector(parameters.get(GAIN));
  }

  /**
   * The loss and its gradients at the current parameters.
   *
   * @param loss the batch mean of ‖z̃ − z*‖²
   * @param gradients ∂loss/∂parameter by name, shaped like the parameters; the caller must close
   *     them
   */
  public record Gradients(double loss, Map<String, INDArray> gradients) {}

  /**
   * The batch mean of ‖z̃ − z*‖² and its gradients. With a = xF − b, r = ReLU(a) and e = g⊙r − z*:
   * ∂/∂g = (2/N)Σ_n e⊙r, ∂/∂a = (2/N) e⊙g⊙[a &gt; 0], ∂/∂F = xᵀ ∂/∂a, ∂/∂b = −Σ_n ∂/∂a.
   *
   * @param x the inputs, [N, D]
   * @param target the codes to predict, [N, K]
   * @return the loss and gradients
   */
  public Gradients gradients(INDArray x, INDArray target) {
    checkInput(x);
    if (target == null
        || target.rank() != 2
        || target.rows() != x.rows()
        || target.columns() != units()) {
      throw new IllegalArgumentException("target must be [" + x.rows() + ", " + units() + "]");
    }
    double scale = 2.0 / x.rows();
    try (INDArray a = x.mmul(parameters.get(FILTERS)).subiRowVector(parameters.get(BIAS));
        INDArray r = Transforms.relu(a, true);
        INDArray e = r.mulRowVector(parameters.get(GAIN)).subi(target);
        INDArray er = e.mul(r);
        INDArray active = Transforms.step(a, true)) {
      double loss = e.norm2Number().doubleValue();
      loss = loss * loss / x.rows();
      Map<String, INDArray> g = new LinkedHashMap<>();
      g.put(GAIN, er.sum(true, 0).muli(scale));
      // da = scale · e ⊙ g ⊙ [a > 0], built in e's storage since e is not needed after.
      INDArray da = e.muliRowVector(parameters.get(GAIN)).muli(active).muli(scale);
      g.put(FILTERS, x.transpose().mmul(da));
      g.put(BIAS, da.sum(true, 0).negi());
      return new Gradients(loss, g);
    }
  }

  /**
   * One Adam step towards {@code target}, then g clipped at 0.
   *
   * @param x the inputs, [N, D]
   * @param target the codes to predict, [N, K]
   * @param rate Adam's step size for this step
   * @return the batch mean of ‖z̃ − z*‖² before the step
   */
  public double step(INDArray x, INDArray target, double rate) {
    Gradients g = gradients(x, target);
    try {
      for (String p : PARAMETERS) {
        read(parameters.get(p), values.get(p));
        read(g.gradients().get(p), gradient.get(p));
      }
      Adam.step(values, gradient, first, second, steps, rate);
      for (String p : PARAMETERS) {
        write(values.get(p), parameters.get(p));
      }
    } finally {
      g.gradients().values().forEach(INDArray::close);
    }
    steps++;
    Transforms.max(parameters.get(GAIN), 0, false);
    return g.loss();
  }

  /** Copies a (float or double) array's values into {@code dst}, row-major. */
  private static void read(INDArray a, float[] dst) {
    if (a.ordering() != 'c' || a.isView()) {
      try (INDArray c = a.dup('c')) {
        read(c, dst);
      }
      return;
    }
    if (a.dataType() == DataType.FLOAT) {
      a.data().asNioFloat().get(0, dst, 0, dst.length);
    } else {
      java.nio.DoubleBuffer b = a.data().asNioDouble();
      for (int i = 0; i < dst.length; i++) {
        dst[i] = (float) b.get(i);
      }
    }
  }

  /** Copies {@code src} into a parameter array (row-major, float or double) in place. */
  private static void write(float[] src, INDArray a) {
    if (a.dataType() == DataType.FLOAT) {
      a.data().asNioFloat().put(0, src, 0, src.length);
    } else {
      java.nio.DoubleBuffer b = a.data().asNioDouble();
      for (int i = 0; i < src.length; i++) {
        b.put(i, src[i]);
      }
    }
  }

  /** The data type of the parameters. */
  public DataType dataType() {
    return parameters.get(FILTERS).dataType();
  }

  @Override
  public void close() {
    parameters.values().forEach(INDArray::close);
  }

  private void checkInput(INDArray x) {
    if (x == null || x.rank() != 2 || x.columns() != inputs()) {
      throw new IllegalArgumentException("x must be [N, " + inputs() + "]");
    }
    if (x.dataType() != dataType()) {
      throw new IllegalArgumentException(
          "x must be " + dataType() + " like the encoder, got " + x.dataType());
    }
  }
}
