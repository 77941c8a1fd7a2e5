package io.pinwheel.trainer.drsae;

/**
 * The architecture of a DrSAE and the weight of its sparsity term.
 *
 * @param units the number of hidden units K, ≥ 1
 * @param inputs the input dimension D (784 for flattened 28×28 images), ≥ 1
 * @param classes the number of classes of the classifier, ≥ 2
 * @param steps the number T of ReLU applications, the initial one included, ≥ 1
 * @param lambda the weight λ of the L1 term, finite and ≥ 0
 */
public record DrsaeConfig(int units, int inputs, int classes, int steps, double lambda) {
  /** The paper's recurrence depth. */
  public static final int DEFAULT_STEPS = 11;

  /** The paper's number of hidden units for MNIST. */
  public static final int DEFAULT_UNITS = 400;

  /** Validates every field. */
  public DrsaeConfig {
    if (units < 1) {
      throw new IllegalArgumentException("units must be >= 1, got " + units);
    }
    if (inputs < 1) {
      throw new IllegalArgumentException("inputs must be >= 1, got " + inputs);
    }
    if (classes < 2) {
      throw new IllegalArgumentException("classes must be >= 2, got " + classes);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    if (!(lambda >= 0) || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
    }
  }
}
