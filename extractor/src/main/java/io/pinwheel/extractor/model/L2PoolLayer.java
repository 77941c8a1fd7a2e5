package io.pinwheel.extractor.model;

/**
 * L2 pooling over groups of feature maps and a square spatial window:
 *
 * <pre>
 * p_j(u,v) = sqrt( sum_i weights[j,i] * sum_{a,b &lt; window} h_{groups[j,i]}(s*u+a, s*v+b)^2 )
 * </pre>
 *
 * <p>Rows of {@code groups} may overlap; that is how topographic maps are made.
 *
 * @param groups [G, m] indices of the maps in each pool
 * @param weights [G, m] non-negative weight of each member
 * @param window the side of the square spatial window, at least 1
 * @param stride the step between windows, at least 1
 */
public record L2PoolLayer(IntTensor groups, FloatTensor weights, int window, int stride)
    implements Layer {

  /** Validates shapes, weights and sizes; messages name the offending field. */
  public L2PoolLayer {
    if (groups.rank() != 2) {
      throw new IllegalArgumentException("l2pool.groups must have shape [G,m], got " + groups);
    }
    if (weights.rank() != 2 || weights.dim(0) != groups.dim(0) || weights.dim(1) != groups.dim(1)) {
      throw new IllegalArgumentException(
          "l2pool.weights must have the shape of l2pool.groups ["
              + groups.dim(0)
              + ","
              + groups.dim(1)
              + "], got "
              + weights);
    }
    LayerChecks.requireFinite("l2pool.weights", weights);
    for (int i = 0; i < weights.size(); i++) {
      if (weights.get(i) < 0) {
        throw new IllegalArgumentException(
            "l2pool.weights must be >= 0, got " + weights.get(i) + " at flat index " + i);
      }
    }
    if (window < 1) {
      throw new IllegalArgumentException("l2pool.window must be >= 1, got " + window);
    }
    if (stride < 1) {
      throw new IllegalArgumentException("l2pool.stride must be >= 1, got " + stride);
    }
  }

  /** Groups with every member weighted 1. */
  public static L2PoolLayer unweighted(IntTensor groups, int window, int stride) {
    return new L2PoolLayer(groups, FloatTensor.filled(groups.shape(), 1f), window, stride);
  }

  /** The number of pools G. */
  public int poolCount() {
    return groups.dim(0);
  }

  /** The number of maps in each pool m. */
  public int groupSize() {
    return groups.dim(1);
  }

  @Override
  public String type() {
    return "l2pool";
  }

  @Override
  public int[] outputShape(int[] in) {
    for (int i = 0; i < groups.size(); i++) {
      int g = groups.get(i);
      if (g < 0 || g >= in[0]) {
        throw new IllegalArgumentException(
            "l2pool.groups index "
                + g
                + " at flat index "
                + i
                + " is not a map in [0, "
                + in[0]
                + ")");
      }
    }
    if (in[1] < window || in[2] < window) {
      throw new IllegalArgumentException(
          "l2pool.window " + window + " is larger than its input " + in[1] + "x" + in[2]);
    }
    return new int[] {poolCount(), (in[1] - window) / stride + 1, (in[2] - window) / stride + 1};
  }
}
