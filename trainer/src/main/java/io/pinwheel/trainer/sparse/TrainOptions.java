package io.pinwheel.trainer.sparse;

import io.pinwheel.trainer.Pooling;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Hyper-parameters of one training run of the group-sparse convolutional auto-encoder. Every field
 * is checked at once and all problems are reported together.
 *
 * @param filters the number of feature maps K
 * @param kernel the filter side k in pixels
 * @param pooling how the K maps are grouped into L2 pools
 * @param poolWindow the pooling window side, in code pixels
 * @param poolStride the pooling stride
 * @param lambda the weight λ of the group-sparsity term
 * @param epsilon the smoothing ε inside each pool's square root
 * @param epochs passes over the training frames (or patch sets)
 * @param batch frames per gradient step
 * @param learningRate Adam's step size at the start; it decays by cosine to a tenth by the end
 * @param density the fraction of pooled outputs the output threshold lets through, on training data
 * @param seed seeds the initial filters, the batch order and the patches
 * @param threads native (BLAS/OpenMP) threads for training
 * @param startLattice 0 to start the filters from random patches of the data; F > 0 (topographic
 *     pooling only, 4F at most the torus side) to start them as Gabor patches whose orientation map
 *     on the torus is a lattice of 4F² pinwheels ({@link PinwheelStart})
 */
public record TrainOptions(
    int filters,
    int kernel,
    Pooling pooling,
    int poolWindow,
    int poolStride,
    double lambda,
    double epsilon,
    int epochs,
    int batch,
    double learningRate,
    double density,
    long seed,
    int threads,
    int startLattice) {

  /** Validates every field, listing every problem in one message. */
  public TrainOptions {
    Objects.requireNonNull(pooling, "pooling");
    List<String> bad = new ArrayList<>();
    check(bad, filters >= 1 && filters <= 4096, "filters must be 1..4096, got " + filters);
    check(bad, kernel >= 1 && kernel <= 64, "kernel must be 1..64, got " + kernel);
    check(bad, poolWindow >= 1, "poolWindow must be >= 1, got " + poolWindow);
    check(bad, poolStride >= 1, "poolStride must be >= 1, got " + poolStride);
    check(
        bad,
        lambda >= 0 && Double.isFinite(lambda),
        "lambda must be finite and >= 0, got " + lambda);
    check(
        bad,
        epsilon > 0 && Double.isFinite(epsilon),
        "epsilon must be finite and > 0, got " + epsilon);
    check(bad, epochs >= 1, "epochs must be >= 1, got " + epochs);
    check(bad, batch >= 1, "batch must be >= 1, got " + batch);
    check(
        bad,
        learningRate > 0 && Double.isFinite(learningRate),
        "learningRate must be finite and > 0, got " + learningRate);
    check(bad, density > 0 && density <= 1, "density must be in (0, 1], got " + density);
    check(bad, threads >= 1, "threads must be >= 1, got " + threads);
    check(bad, startLattice >= 0, "startLattice must be >= 0, got " + startLattice);
    if (startLattice > 0) {
      if (pooling instanceof Pooling.Topographic t) {
        check(
            bad,
            4 * startLattice <= Math.min(t.rows(), t.cols()),
            "startLattice "
                + startLattice
                + " needs a torus at least "
                + 4 * startLattice
                + " cells a side (four a period), got "
                + t.rows()
                + "x"
                + t.cols());
      } else {
        bad.add("startLattice needs topographic pooling (topo:RxC:K), got " + pooling.spec());
      }
    }
    if (bad.isEmpty()) {
      try {
        pooling.layer(filters, poolWindow, poolStride);
      } catch (IllegalArgumentException e) {
        bad.add(
            "pooling "
                + pooling.spec()
                + " does not fit "
                + filters
                + " filters: "
                + e.getMessage());
      }
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", bad));
    }
  }

  /** Options that start the filters from random patches of the data (startLattice 0). */
  public TrainOptions(
      int filters,
      int kernel,
      Pooling pooling,
      int poolWindow,
      int poolStride,
      double lambda,
      double epsilon,
      int epochs,
      int batch,
      double learningRate,
      double density,
      long seed,
      int threads) {
    this(
        filters,
        kernel,
        pooling,
        poolWindow,
        poolStride,
        lambda,
        epsilon,
        epochs,
        batch,
        learningRate,
        density,
        seed,
        threads,
        0);
  }

  private static void check(List<String> bad, boolean ok, String message) {
    if (!ok) {
      bad.add(message);
    }
  }
}
