package io.pinwheel.trainer.lateral;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The learning step of lateral-inhibition sparse coding (Gregor, Szlam &amp; LeCun 2011), taken
 * after {@link Fista} has inferred codes z for a batch x at the current W and S.
 *
 * <p>W is learned by gradient <i>descent</i> on the batch-mean energy, ∂E/∂W = −2(x − Wz)zᵀ, after
 * which every column is rescaled to unit norm (otherwise W could grow and z shrink to dodge the
 * sparsity penalty). S is learned by gradient <i>ascent</i>, ∂E/∂S_ij = z_i z_j: units that fire
 * together are made to inhibit each other more, which pushes co-active units apart unless the
 * pattern forbids it (a unit's own branch of a tree).
 *
 * <p><b>Bounded S.</b> z ≥ 0, so ∂E/∂S_ij ≥ 0 and unconstrained ascent would grow S without limit.
 * After every step S is projected onto the feasible set: symmetrised, zeroed on the diagonal and
 * wherever the {@link InhibitionPattern} fixes it, and clipped to [0, sMax]. A small sMax also
 * limits how far S can push the inference problem away from convexity, without ruling it out (see
 * {@link Fista}).
 */
public final class LateralInhibition {

  /** Column norms below this are left unscaled rather than blown up. */
  private static final double TINY_NORM = 1e-12;

  private final InhibitionPattern pattern;
  private final Options options;

  /**
   * Learning rates and the bound on S.
   *
   * @param wRate the descent step on W, finite and &gt; 0
   * @param sRate the ascent step on S, finite and &gt; 0
   * @param sMax the upper bound on every S_ij, finite and ≥ 0
   */
  public record Options(double wRate, double sRate, double sMax) {

    /** Checks every field. */
    public Options {
      if (!(wRate > 0) || !Double.isFinite(wRate)) {
        throw new IllegalArgumentException("wRate must be finite and > 0, got " + wRate);
      }
      if (!(sRate > 0) || !Double.isFinite(sRate)) {
        throw new IllegalArgumentException("sRate must be finite and > 0, got " + sRate);
      }
      if (!(sMax >= 0) || !Double.isFinite(sMax)) {
        throw new IllegalArgumentException("sMax must be finite and >= 0, got " + sMax);
      }
    }
  }

  /**
   * A learner for one pattern.
   *
   * @param pattern which entries of S are free
   * @param options learning rates and the bound on S
   */
  public LateralInhibition(InhibitionPattern pattern, Options options) {
    if (pattern == null) {
      throw new IllegalArgumentException("pattern must not be null");
    }
    if (options == null) {
      throw new IllegalArgumentException("options must not be null");
    }
    this.pattern = pattern;
    this.options = options;
  }

  /**
   * One learning step, in place: W ← normalise(W − wRate·∂E/∂W), S ← project(S + sRate·∂E/∂S), both
   * gradients averaged over the batch and taken at the given codes.
   *
   * @param x the inputs, [N, D]
   * @param z the codes inferred for x, [N, K]
   * @param w the dictionary, [D, K]; updated in place
   * @param s the lateral-inhibition matrix, [K, K]; updated in place
   * @throws IllegalArgumentException if shapes disagree with each other or with the pattern
   */
  public void step(INDArray x, INDArray z, INDArray w, INDArray s) {
    checkShapes(x, z, w, s);
    stepDictionary(x, z, w);
    try (INDArray gs = gradientS(z)) {
      s.addi(gs.muli(options.sRate()));
    }
    project(s, pattern, options.sMax());
  }

  /**
   * The W half of {@link #step} alone, for an S that is set by hand rather than learned: W ←
   * normalise(W − wRate·∂E/∂W), in place.
   *
   * @param x the inputs, [N, D]
   * @param z the codes inferred for x, [N, K]
   * @param w the dictionary, [D, K]; updated in place
   * @throws IllegalArgumentException if shapes disagree with each other or with the pattern
   */
  public void stepDictionary(INDArray x, INDArray z, INDArray w) {
    checkBatch(x, z, w);
    if (w.columns() != pattern.size()) {
      throw new IllegalArgumentException(
          "w must have " + pattern.size() + " columns to match the pattern, got " + w.columns());
    }
    try (INDArray gw = gradientW(x, z, w)) {
      w.subi(gw.muli(options.wRate()));
    }
    normaliseColumns(w);
  }

  /**
   * ∂E/∂W averaged over the batch: (2/N)·(ZWᵀ − X)ᵀZ, i.e. the mean of −2(x − Wz)zᵀ.
   *
   * @param x the inputs, [N, D]
   * @param z the codes, [N, K]
   * @param w the dictionary, [D, K]
   * @return a new [D, K] array the caller must close
   */
  public static INDArray gradientW(INDArray x, INDArray z, INDArray w) {
    checkBatch(x, z, w);
    try (INDArray residual = z.mmul(w.transpose()).subi(x)) {
      return residual.transpose().mmul(z).muli(2.0 / x.rows());
    }
  }

  /**
   * ∂E/∂S averaged over the batch, each S_ij taken as an independent entry: (1/N)·ZᵀZ, i.e. the
   * mean of z_i z_j. (For a symmetric parametrisation with one value per pair it would be twice
   * this off the diagonal; the step size absorbs the factor.)
   *
   * @param z the codes, [N, K]
   * @return a new [K, K] array the caller must close
   */
  public static INDArray gradientS(INDArray z) {
    if (z == null || z.rank() != 2 || z.rows() < 1) {
      throw new IllegalArgumentException("z must be a non-empty [N, K] matrix");
    }
    return z.transpose().mmul(z).muli(1.0 / z.rows());
  }

  /**
   * Projects S in place onto the feasible set: (S + Sᵀ)/2, then 0 where the pattern fixes it
   * (including the diagonal), then clipped to [0, sMax].
   *
   * @param s the matrix to project, [K, K]
   * @param pattern which entries are free
   * @param sMax the upper bound, finite and ≥ 0
   */
  public static void project(INDArray s, InhibitionPattern pattern, double sMax) {
    if (pattern == null) {
      throw new IllegalArgumentException("pattern must not be null");
    }
    int k = pattern.size();
    if (s == null || s.rank() != 2 || s.rows() != k || s.columns() != k) {
      throw new IllegalArgumentException("s must be [" + k + ", " + k + "] to match the pattern");
    }
    if (!(sMax >= 0) || !Double.isFinite(sMax)) {
      throw new IllegalArgumentException("sMax must be finite and >= 0, got " + sMax);
    }
    // The transpose is a view of s, so it must be copied before s is written.
    try (INDArray st = s.transpose().dup();
        INDArray mask = pattern.mask(s.dataType())) {
      s.addi(st).muli(0.5).muli(mask);
    }
    Transforms.max(s, 0, false);
    Transforms.min(s, sMax, false);
  }

  /**
   * Rescales every column of W in place to unit Euclidean norm; a column of norm below 1e-12 is
   * left as it is, since it has no direction to keep.
   *
   * @param w the dictionary, [D, K]
   */
  public static void normaliseColumns(INDArray w) {
    if (w == null || w.rank() != 2) {
      throw new IllegalArgumentException("w must be a [D, K] matrix");
    }
    double[] norms;
    try (INDArray n = w.norm2(0)) {
      norms = n.toDoubleVector();
    }
    for (int j = 0; j < norms.length; j++) {
      // Dividing a near-zero column by 1 leaves it untouched instead of blowing it up.
      norms[j] = norms[j] < TINY_NORM ? 1 : norms[j];
    }
    try (INDArray divisor = Nd4j.create(norms, new long[] {1, norms.length}, w.dataType())) {
      w.diviRowVector(divisor);
    }
  }

  private void checkShapes(INDArray x, INDArray z, INDArray w, INDArray s) {
    checkBatch(x, z, w);
    int k = pattern.size();
    if (w.columns() != k) {
      throw new IllegalArgumentException(
          "w must have " + k + " columns to match the pattern, got " + w.columns());
    }
    if (s == null || s.rank() != 2 || s.rows() != k || s.columns() != k) {
      throw new IllegalArgumentException("s must be [" + k + ", " + k + "] to match the pattern");
    }
  }

  private static void checkBatch(INDArray x, INDArray z, INDArray w) {
    if (w == null || w.rank() != 2) {
      throw new IllegalArgumentException("w must be a [D, K] matrix");
    }
    if (x == null || x.rank() != 2 || x.columns() != w.rows() || x.rows() < 1) {
      throw new IllegalArgumentException("x must be a non-empty [N, " + w.rows() + "] matrix");
    }
    if (z == null || z.rank() != 2 || z.rows() != x.rows() || z.columns() != w.columns()) {
      throw new IllegalArgumentException(
          "z must be [" + x.rows() + ", " + w.columns() + "] to match x and w");
    }
  }
}
