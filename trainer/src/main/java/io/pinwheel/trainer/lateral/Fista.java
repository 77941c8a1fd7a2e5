package io.pinwheel.trainer.lateral;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Inference of non-negative lateral-inhibition codes by fixed-iteration FISTA (Beck & Teboulle
 * 2009). For each row x of a batch it minimises
 *
 * <pre>
 *   E(x, z) = ‖x − W z‖² + λ Σ_i z_i + zᵀ S z      over z ≥ 0
 * </pre>
 *
 * splitting E into the smooth part f(z) = ‖x − Wz‖² + zᵀSz, with gradient 2Wᵀ(Wz − x) + 2Sz (S
 * symmetric), and the non-smooth part λΣz + indicator(z ≥ 0), whose prox at step t is z = max(0, v
 * − λt).
 *
 * <p><b>Convexity.</b> f has Hessian 2(WᵀW + S). It is convex only when WᵀW + S is positive
 * semi-definite, which an entrywise non-negative S with zero diagonal does not guarantee: strong
 * inhibition between two correlated units makes the energy a saddle along their difference. Then
 * FISTA is a local method: it still decreases E in practice from z = 0, but it may stop in one of
 * several local minima (e.g. it picks one of two mutually inhibiting units) and its convergence
 * rate guarantee is lost. The bound S_ij ≤ sMax kept by {@link LateralInhibition} limits how
 * indefinite WᵀW + S can become, nothing more: with unit-norm columns the 2×2 principal block of
 * units i, j is [[1, c + S_ij], [c + S_ij, 1]] with c = w_iᵀw_j, positive definite only while |c +
 * S_ij| &lt; 1, so even a small sMax leaves near-duplicate atoms non-convex, and larger blocks can
 * fail where every 2×2 block passes.
 *
 * <p><b>Step size.</b> The step is 1 / L with L = 2·(‖W‖₂² + ‖S‖₂), an upper bound on the Lipschitz
 * constant of ∇f. Both spectral norms are estimated by {@value #POWER_ITERATIONS} power iterations
 * from a start vector drawn with the fixed seed {@value #SEED}, so inference is deterministic.
 * Power iteration approaches the norm from below, so the estimate is raised by {@value #MARGIN}
 * relative and then capped by the Frobenius norms (‖W‖_F², ‖S‖_F), which are true upper bounds; an
 * under-estimate left after that could make the first iterations overshoot.
 */
public final class Fista {

  /** Power iterations per spectral-norm estimate; enough for a few-percent estimate on K ≤ 4096. */
  public static final int POWER_ITERATIONS = 50;

  /** Seed of the power iterations' start vector. */
  public static final long SEED = 20110101L;

  /** Relative safety margin on the power-iteration estimate, which is never above the true norm. */
  public static final double MARGIN = 0.05;

  private Fista() {}

  /**
   * Inference options.
   *
   * @param iterations the number of FISTA iterations, 1..1000000; there is no convergence test, so
   *     the cost is fixed and the result deterministic
   * @param lambda the sparsity weight λ, finite and ≥ 0
   */
  public record Options(int iterations, double lambda) {

    /** Checks both fields. */
    public Options {
      if (iterations < 1 || iterations > 1_000_000) {
        throw new IllegalArgumentException("iterations must be 1..1000000, got " + iterations);
      }
      if (!(lambda >= 0) || !Double.isFinite(lambda)) {
        throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
      }
    }
  }

  /**
   * The outcome of inference.
   *
   * @param codes the codes z, [N, K], all ≥ 0; the caller owns and must close them
   * @param energy the mean over the batch of E(x, z) at the returned codes
   */
  public record Result(INDArray codes, double energy) {

    /** Checks that codes are present. */
    public Result {
      if (codes == null) {
        throw new IllegalArgumentException("codes must not be null");
      }
    }
  }

  /**
   * Infers codes for a batch by FISTA started from z = 0.
   *
   * @param x the inputs, [N, D]
   * @param w the dictionary, [D, K]; columns are expected to have unit norm but need not
   * @param s the lateral-inhibition matrix, [K, K], expected symmetric (only then is the gradient
   *     used here the true gradient)
   * @param options iterations and λ
   * @return the codes and their mean energy
   * @throws IllegalArgumentException if shapes or data types disagree
   */
  public static Result infer(INDArray x, INDArray w, INDArray s, Options options) {
    if (options == null) {
      throw new IllegalArgumentException("options must not be null");
    }
    checkShapes(x, w, s);
    long n = x.rows();
    long k = w.columns();
    DataType type = x.dataType();
    double step = 1 / lipschitz(w, s);
    double shrink = options.lambda() * step;
    INDArray z = Nd4j.zeros(type, n, k);
    try (INDArray h = w.transpose().mmul(w).addi(s);
        INDArray b = x.mmul(w);
        INDArray y = Nd4j.zeros(type, n, k);
        INDArray next = Nd4j.zeros(type, n, k)) {
      double t = 1;
      for (int it = 0; it < options.iterations(); it++) {
        // next = max(0, y − step·∇f(y) − λ·step) with ∇f(y) = 2(y(WᵀW + S) − XW), row-wise.
        y.mmul(h, next);
        next.subi(b).muli(-2 * step).addi(y).subi(shrink);
        Transforms.max(next, 0, false);
        double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
        double momentum = (t - 1) / tNext;
        // y = next + momentum·(next − z), then z = next, without allocating per iteration.
        y.assign(next).subi(z).muli(momentum).addi(next);
        z.assign(next);
        t = tNext;
      }
    }
    return new Result(z, energy(x, w, s, z, options.lambda()));
  }

  /**
   * The mean over the batch of E(x, z) = ‖x − Wz‖² + λΣz + zᵀSz.
   *
   * @param x the inputs, [N, D]
   * @param w the dictionary, [D, K]
   * @param s the lateral-inhibition matrix, [K, K]
   * @param z the codes, [N, K]
   * @param lambda the sparsity weight λ
   * @return the mean energy
   */
  public static double energy(INDArray x, INDArray w, INDArray s, INDArray z, double lambda) {
    return terms(x, w, s, z).energy(lambda);
  }

  /**
   * The three terms of E(x, z), each the mean over a batch, the sparsity one without λ, so that a
   * caller can report them apart.
   *
   * @param reconstruction the mean of ‖x − Wz‖²
   * @param sparsity the mean of Σ_i z_i (not multiplied by λ)
   * @param inhibition the mean of zᵀSz
   */
  public record Terms(double reconstruction, double sparsity, double inhibition) {

    /**
     * The mean energy these terms make with sparsity weight λ.
     *
     * @param lambda the sparsity weight λ
     * @return reconstruction + λ·sparsity + inhibition
     */
    public double energy(double lambda) {
      return reconstruction + lambda * sparsity + inhibition;
    }
  }

  /**
   * The batch means of the terms of E(x, z).
   *
   * @param x the inputs, [N, D]
   * @param w the dictionary, [D, K]
   * @param s the lateral-inhibition matrix, [K, K]
   * @param z the codes, [N, K]
   * @return ‖x − Wz‖², Σz and zᵀSz, each averaged over the N rows
   */
  public static Terms terms(INDArray x, INDArray w, INDArray s, INDArray z) {
    checkShapes(x, w, s);
    if (z == null || z.rank() != 2 || z.rows() != x.rows() || z.columns() != w.columns()) {
      throw new IllegalArgumentException(
          "z must be [" + x.rows() + ", " + w.columns() + "], got " + shape(z));
    }
    try (INDArray residual = z.mmul(w.transpose()).subi(x);
        INDArray zs = z.mmul(s)) {
      double n = x.rows();
      return new Terms(
          frobeniusSquared(residual) / n,
          z.sumNumber().doubleValue() / n,
          zs.muli(z).sumNumber().doubleValue() / n);
    }
  }

  /**
   * The step-size constant L = 2·(‖W‖₂² + ‖S‖₂) as estimated here (see the class comment).
   *
   * @param w the dictionary, [D, K]
   * @param s the lateral-inhibition matrix, [K, K]
   * @return L, &gt; 0
   */
  public static double lipschitz(INDArray w, INDArray s) {
    if (w == null || w.rank() != 2) {
      throw new IllegalArgumentException("w must be a matrix, got " + shape(w));
    }
    if (s == null || s.rank() != 2 || s.rows() != w.columns() || s.columns() != w.columns()) {
      throw new IllegalArgumentException(
          "s must be [" + w.columns() + ", " + w.columns() + "], got " + shape(s));
    }
    double wSquared;
    double sNorm;
    try (INDArray wtw = w.transpose().mmul(w)) {
      wSquared = Math.min((1 + MARGIN) * powerNorm(wtw), frobeniusSquared(w));
    }
    sNorm = Math.min((1 + MARGIN) * powerNorm(s), Math.sqrt(frobeniusSquared(s)));
    double l = 2 * (wSquared + sNorm);
    // An all-zero W and S makes f constant; any positive step is then exact.
    return l > 0 ? l : 1;
  }

  /** The largest |eigenvalue| of a symmetric matrix a, by power iteration. */
  private static double powerNorm(INDArray a) {
    int k = a.rows();
    SplittableRandom rnd = new SplittableRandom(SEED);
    double[] start = new double[k];
    for (int i = 0; i < k; i++) {
      start[i] = rnd.nextDouble(-1, 1);
    }
    double estimate = 0;
    try (INDArray v = Nd4j.create(start, new long[] {k, 1}, a.dataType());
        INDArray av = Nd4j.zeros(a.dataType(), k, 1)) {
      v.divi(v.norm2Number());
      for (int it = 0; it < POWER_ITERATIONS; it++) {
        a.mmul(v, av);
        estimate = av.norm2Number().doubleValue();
        if (estimate == 0) {
          return 0;
        }
        v.assign(av).divi(estimate);
      }
    }
    return estimate;
  }

  private static double frobeniusSquared(INDArray a) {
    double f = a.norm2Number().doubleValue();
    return f * f;
  }

  private static void checkShapes(INDArray x, INDArray w, INDArray s) {
    if (w == null || w.rank() != 2) {
      throw new IllegalArgumentException("w must be a [D, K] matrix, got " + shape(w));
    }
    if (x == null || x.rank() != 2 || x.columns() != w.rows()) {
      throw new IllegalArgumentException(
          "x must be [N, " + w.rows() + "] to match w, got " + shape(x));
    }
    if (s == null || s.rank() != 2 || s.rows() != w.columns() || s.columns() != w.columns()) {
      throw new IllegalArgumentException(
          "s must be [" + w.columns() + ", " + w.columns() + "] to match w, got " + shape(s));
    }
    if (!x.dataType().isFPType() || w.dataType() != x.dataType() || s.dataType() != x.dataType()) {
      throw new IllegalArgumentException(
          "x, w and s must share one floating data type, got "
              + x.dataType()
              + ", "
              + w.dataType()
              + ", "
              + s.dataType());
    }
  }

  private static String shape(INDArray a) {
    return a == null ? "null" : java.util.Arrays.toString(a.shape());
  }
}
