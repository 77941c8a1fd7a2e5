package io.pinwheel.trainer.lateral;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which entries of the K×K lateral-inhibition matrix S may be learned and which are fixed at zero.
 * The pattern is symmetric and its diagonal is always fixed (a unit never inhibits itself, or the
 * quadratic term would just be a per-unit penalty on z_i²).
 *
 * <p>With a tree pattern, units are nodes of a tree and S_ij is fixed at zero exactly when i and j
 * lie on one root-to-leaf path: a unit then inhibits everything except its own ancestors and
 * descendants, so the codes that survive inhibition are (mostly) unions of branches of the tree.
 */
public final class InhibitionPattern {

  /** Above this many nodes a K×K mask is no longer a reasonable thing to hold in memory. */
  private static final int MAX_UNITS = 4096;

  private final boolean[][] free;

  private InhibitionPattern(boolean[][] free) {
    this.free = free;
  }

  /**
   * Every off-diagonal entry free: each unit may learn to inhibit every other.
   *
   * @param k the number of units K, 1..4096
   * @return the pattern
   */
  public static InhibitionPattern free(int k) {
    if (k < 1 || k > MAX_UNITS) {
      throw new IllegalArgumentException("k must be 1.." + MAX_UNITS + ", got " + k);
    }
    boolean[][] free = new boolean[k][k];
    for (int i = 0; i < k; i++) {
      Arrays.fill(free[i], true);
      free[i][i] = false;
    }
    return new InhibitionPattern(free);
  }

  /**
   * The tree pattern: S_ij is fixed at zero exactly when i == j or one of i, j is an ancestor of
   * the other; every other entry is free. A forest (several roots) is allowed.
   *
   * @param parent parent[i] is the parent of node i, or −1 for a root; must describe a forest
   * @return the pattern over parent.length units
   * @throws IllegalArgumentException if parent is empty, too large, has an entry out of range, or
   *     contains a cycle
   */
  public static InhibitionPattern tree(int[] parent) {
    if (parent == null) {
      throw new IllegalArgumentException("parent must not be null");
    }
    int k = parent.length;
    if (k < 1 || k > MAX_UNITS) {
      throw new IllegalArgumentException("parent must have 1.." + MAX_UNITS + " entries, got " + k);
    }
    for (int i = 0; i < k; i++) {
      if (parent[i] < -1 || parent[i] >= k) {
        throw new IllegalArgumentException(
            "parent[" + i + "] must be -1 or 0.." + (k - 1) + ", got " + parent[i]);
      }
    }
    boolean[][] free = new boolean[k][k];
    for (boolean[] row : free) {
      Arrays.fill(row, true);
    }
    for (int i = 0; i < k; i++) {
      free[i][i] = false;
      int steps = 0;
      // A path of more than k steps must revisit a node, so it is a cycle, not a tree.
      for (int a = parent[i]; a >= 0; a = parent[a]) {
        if (++steps > k || a == i) {
          throw new IllegalArgumentException("parent has a cycle through node " + i);
        }
        free[i][a] = false;
        free[a][i] = false;
      }
    }
    return new InhibitionPattern(free);
  }

  /**
   * The parent array of a complete tree in breadth-first order: node 0 is the root and the children
   * of node p are b·p + 1 .. b·p + b, so parent[i] = (i − 1) / b.
   *
   * @param branching the children per inner node b, at least 1
   * @param depth the number of levels, counting the root as level 1 (depth 1 is a lone root), at
   *     least 1
   * @return parent[i] for the (b^depth − 1) / (b − 1) nodes (depth nodes when b = 1)
   * @throws IllegalArgumentException if branching or depth is below 1, or the tree exceeds 4096
   *     nodes
   */
  public static int[] completeTree(int branching, int depth) {
    if (branching < 1) {
      throw new IllegalArgumentException("branching must be >= 1, got " + branching);
    }
    if (depth < 1) {
      throw new IllegalArgumentException("depth must be >= 1, got " + depth);
    }
    long nodes = 0;
    long level = 1;
    for (int d = 0; d < depth; d++) {
      nodes += level;
      level *= branching;
      if (nodes > MAX_UNITS) {
        throw new IllegalArgumentException(
            "branching "
                + branching
                + " and depth "
                + depth
                + " give more than "
                + MAX_UNITS
                + " nodes");
      }
    }
    int[] parent = new int[(int) nodes];
    parent[0] = -1;
    for (int i = 1; i < parent.length; i++) {
      parent[i] = (i - 1) / branching;
    }
    return parent;
  }

  /**
   * The number of units K.
   *
   * @return K
   */
  public int size() {
    return free.length;
  }

  /**
   * Whether S_ij may be learned.
   *
   * @param i a unit, 0..K−1
   * @param j a unit, 0..K−1
   * @return true if S_ij is free, false if it is fixed at zero
   */
  public boolean free(int i, int j) {
    if (i < 0 || i >= free.length) {
      throw new IndexOutOfBoundsException("i must be 0.." + (free.length - 1) + ", got " + i);
    }
    if (j < 0 || j >= free.length) {
      throw new IndexOutOfBoundsException("j must be 0.." + (free.length - 1) + ", got " + j);
    }
    return free[i][j];
  }

  /**
   * The pattern as a fresh K×K boolean matrix, true where S_ij is free.
   *
   * @return a copy the caller owns
   */
  public boolean[][] mask() {
    boolean[][] copy = new boolean[free.length][];
    for (int i = 0; i < free.length; i++) {
      copy[i] = free[i].clone();
    }
    return copy;
  }

  /**
   * The pattern as a fresh K×K array of 1 (free) and 0 (fixed), for multiplying into S.
   *
   * @param type the floating data type of the array, usually S's
   * @return a new array the caller must close
   */
  public INDArray mask(DataType type) {
    int k = free.length;
    double[] flat = new double[k * k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        flat[i * k + j] = free[i][j] ? 1 : 0;
      }
    }
    return Nd4j.create(flat, new long[] {k, k}, type);
  }
}
