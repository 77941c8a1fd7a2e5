package io.pinwheel.trainer.optim;

import java.util.Collection;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Adam (Kingma and Ba 2015) with β₁ = 0.9, β₂ = 0.999 and ε = 1e-8, updating in place. */
public final class Adam {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private Adam() {}

  /**
   * One step on every named parameter, in place. Temporaries are closed at once rather than left to
   * the garbage collector: they are off-heap, and the heap does not feel their weight.
   *
   * @param names the parameters to update
   * @param parameters the parameter arrays, updated
   * @param gradients the loss gradients, by name
   * @param first the first-moment estimates, updated
   * @param second the second-moment estimates, updated
   * @param stepsDone the steps taken before this one (for the bias correction)
   * @param rate the step size
   */
  public static void step(
      Collection<String> names,
      Map<String, INDArray> parameters,
      Map<String, INDArray> gradients,
      Map<String, INDArray> first,
      Map<String, INDArray> second,
      long stepsDone,
      double rate) {
    long t = stepsDone + 1;
    double correction = Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
    for (String name : names) {
      INDArray g = gradients.get(name);
      INDArray m = first.get(name);
      INDArray v = second.get(name);
      m.muli(BETA1);
      try (INDArray scaled = g.mul(1 - BETA1)) {
        m.addi(scaled);
      }
      v.muli(BETA2);
      try (INDArray squared = g.mul(g)) {
        v.addi(squared.muli(1 - BETA2));
      }
      try (INDArray update = Transforms.sqrt(v, true)) {
        update.addi(EPSILON).rdivi(m).muli(rate * correction);
        parameters.get(name).subi(update);
      }
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
