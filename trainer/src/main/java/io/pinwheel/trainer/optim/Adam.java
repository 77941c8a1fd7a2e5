package io.pinwheel.trainer.optim;

/**
 * Adam (Kingma and Ba 2015) with β₁ = 0.9, β₂ = 0.999 and ε = 1e-8, updating float arrays in place:
 * p ← p − rate · m̂ / (sqrt(v̂) + ε), with the bias-corrected moments m̂ and v̂ folded into one
 * step size, as in the paper's section 2.
 */
public final class Adam {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private Adam() {}

  /**
   * One step on every tensor of {@code parameters}, in place.
   *
   * @param parameters updated
   * @param gradients the loss gradients, same layout
   * @param first the first-moment estimates, same layout, updated
   * @param second the second-moment estimates, same layout, updated
   * @param stepsDone the steps taken before this one (for the bias correction)
   * @param rate the step size
   */
  public static void step(
      Parameters parameters,
      Parameters gradients,
      Parameters first,
      Parameters second,
      long stepsDone,
      double rate) {
    for (String name : parameters.names()) {
      step(
          parameters.get(name),
          gradients.get(name),
          first.get(name),
          second.get(name),
          stepsDone,
          rate);
    }
  }

  /**
   * One step on one array, in place.
   *
   * @param p the parameters, updated
   * @param grad their gradient
   * @param m the first-moment estimates, updated
   * @param v the second-moment estimates, updated
   * @param stepsDone the steps taken before this one
   * @param rate the step size
   */
  public static void step(
      float[] p, float[] grad, float[] m, float[] v, long stepsDone, double rate) {
    step(p, grad, m, v, 0, p.length, stepsDone, rate);
  }

  /**
   * One step on the elements {@code [from, to)} of one array, in place: the same arithmetic,
   * element by element, as {@link #step(float[], float[], float[], float[], long, double)}, so
   * workers that update disjoint ranges give the same bytes as one that updates all.
   */
  public static void step(
      float[] p,
      float[] grad,
      float[] m,
      float[] v,
      int from,
      int to,
      long stepsDone,
      double rate) {
    long t = stepsDone + 1;
    double c1 = 1 - Math.pow(BETA1, t);
    double c2 = 1 - Math.pow(BETA2, t);
    float a = (float) (rate * Math.sqrt(c2) / c1);
    float b1 = (float) BETA1;
    float b2 = (float) BETA2;
    float eps = (float) (EPSILON * Math.sqrt(c2));
    for (int i = from; i < to; i++) {
      float gi = grad[i];
      m[i] = b1 * m[i] + (1 - b1) * gi;
      v[i] = b2 * v[i] + (1 - b2) * gi * gi;
      p[i] -= a * m[i] / ((float) Math.sqrt(v[i]) + eps);
    }
  }

  /**
   * The step size at {@code step} of {@code totalSteps}: cosine decay from {@code rate} to a tenth
   * of it, so the last steps refine rather than jump.
   */
  public static double cosineRate(double rate, long step, long totalSteps) {
    double t = Math.min(1, step / (double) Math.max(1, totalSteps - 1));
    return rate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * t)));
  }
}
