package io.pinwheel.trainer.lateral;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Numbers that check what the lecture expects of a dictionary learned with tree-structured
 * inhibition: atoms along a branch alike (a child refines its parent), and selectivity rising
 * towards the leaves (deeper units fire on fewer patches).
 */
public final class DictionaryStatistics {
  private DictionaryStatistics() {}

  /**
   * How alike the atoms of a tree are, and how often each level fires.
   *
   * @param parentChildAbsCosine the mean |cos(w_parent, w_child)| over the tree's edges
   * @param siblingAbsCosine the mean |cos| over pairs of units with the same parent (NaN when no
   *     unit has a sibling)
   * @param allPairsAbsCosine the mean |cos| over all pairs of distinct units: the baseline a
   *     dictionary without tree structure would show for edges too
   * @param levels per level of the tree, from the root
   */
  public record Tree(
      double parentChildAbsCosine,
      double siblingAbsCosine,
      double allPairsAbsCosine,
      List<Level> levels) {}

  /**
   * One level of a tree.
   *
   * @param level the level, 1 for the roots
   * @param units the units on it
   * @param meanActivity the mean over its units of the fraction of patches on which a unit is
   *     non-zero
   * @param minActivity the least active unit's fraction
   * @param maxActivity the most active unit's fraction
   */
  public record Level(
      int level, int units, double meanActivity, double minActivity, double maxActivity) {}

  /**
   * How much S inhibits.
   *
   * @param freeEntries the off-diagonal entries the pattern leaves free
   * @param mean the mean S_ij over them
   * @param atBound the fraction of them at the upper bound sMax (or, when sMax is 0, all)
   * @param atZero the fraction of them at 0
   * @param absCosineCorrelation the Pearson correlation, over the free pairs, between S_ij and
   *     |cos(w_i, w_j)|: positive when alike atoms inhibit each other more (NaN when S or the
   *     cosines are constant)
   */
  public record Inhibition(
      long freeEntries, double mean, double atBound, double atZero, double absCosineCorrelation) {}

  /**
   * The tree statistics of a dictionary.
   *
   * @param w the dictionary, [D, K]
   * @param parent parent[i] of every unit, −1 for a root
   * @param activity for every unit, the fraction of patches on which it fires
   * @return the statistics
   */
  public static Tree tree(INDArray w, int[] parent, double[] activity) {
    int k = w.columns();
    if (parent.length != k || activity.length != k) {
      throw new IllegalArgumentException(
          "parent and activity must have one entry per unit (" + k + ")");
    }
    double[][] cos = absCosines(w);
    double edges = 0;
    int edgeCount = 0;
    double siblings = 0;
    int siblingCount = 0;
    double all = 0;
    int pairs = 0;
    for (int i = 0; i < k; i++) {
      if (parent[i] >= 0) {
        edges += cos[i][parent[i]];
        edgeCount++;
      }
      for (int j = i + 1; j < k; j++) {
        all += cos[i][j];
        pairs++;
        if (parent[i] >= 0 && parent[i] == parent[j]) {
          siblings += cos[i][j];
          siblingCount++;
        }
      }
    }
    int[] level = new int[k];
    int depth = 0;
    for (int i = 0; i < k; i++) {
      int l = 1;
      for (int a = parent[i]; a >= 0; a = parent[a]) {
        l++;
      }
      level[i] = l;
      depth = Math.max(depth, l);
    }
    List<Level> levels = new ArrayList<>();
    for (int l = 1; l <= depth; l++) {
      int units = 0;
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < k; i++) {
        if (level[i] == l) {
          units++;
          sum += activity[i];
          min = Math.min(min, activity[i]);
          max = Math.max(max, activity[i]);
        }
      }
      levels.add(new Level(l, units, sum / units, min, max));
    }
    return new Tree(
        edgeCount > 0 ? edges / edgeCount : Double.NaN,
        siblingCount > 0 ? siblings / siblingCount : Double.NaN,
        pairs > 0 ? all / pairs : Double.NaN,
        levels);
  }

  /**
   * The statistics of S over the entries the pattern leaves free.
   *
   * @param s the lateral-inhibition matrix, [K, K]
   * @param pattern its pattern
   * @param sMax the bound S was kept under
   * @param w the dictionary, [D, K]
   * @return the statistics (all 0 when no entry is free)
   */
  public static Inhibition inhibition(
      INDArray s, InhibitionPattern pattern, double sMax, INDArray w) {
    double[][] m = s.toDoubleMatrix();
    double[][] cos = absCosines(w);
    long free = 0;
    double sum = 0;
    long bound = 0;
    long zero = 0;
    List<double[]> pairs = new ArrayList<>();
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m.length; j++) {
        if (pattern.free(i, j)) {
          free++;
          sum += m[i][j];
          // float32 S clipped to a double sMax lands on sMax rounded to float.
          bound += m[i][j] >= (float) sMax ? 1 : 0;
          zero += m[i][j] == 0 ? 1 : 0;
          if (i < j) {
            pairs.add(new double[] {m[i][j], cos[i][j]});
          }
        }
      }
    }
    return free == 0
        ? new Inhibition(0, 0, 0, 0, Double.NaN)
        : new Inhibition(
            free, sum / free, bound / (double) free, zero / (double) free, correlation(pairs));
  }

  /** Pearson's correlation of the two columns; NaN when either is constant. */
  private static double correlation(List<double[]> pairs) {
    int n = pairs.size();
    double ma = 0;
    double mb = 0;
    for (double[] p : pairs) {
      ma += p[0] / n;
      mb += p[1] / n;
    }
    double cov = 0;
    double va = 0;
    double vb = 0;
    for (double[] p : pairs) {
      cov += (p[0] - ma) * (p[1] - mb);
      va += (p[0] - ma) * (p[0] - ma);
      vb += (p[1] - mb) * (p[1] - mb);
    }
    return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : Double.NaN;
  }

  /** |cos| between every pair of columns; zero columns have cosine 0 with everything. */
  private static double[][] absCosines(INDArray w) {
    double[][] cols = w.transpose().toDoubleMatrix();
    int k = cols.length;
    double[] norm = new double[k];
    for (int i = 0; i < k; i++) {
      double n = 0;
      for (double v : cols[i]) {
        n += v * v;
      }
      norm[i] = Math.sqrt(n);
    }
    double[][] cos = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        double dot = 0;
        for (int d = 0; d < cols[i].length; d++) {
          dot += cols[i][d] * cols[j][d];
        }
        double c = norm[i] > 0 && norm[j] > 0 ? Math.abs(dot) / (norm[i] * norm[j]) : 0;
        cos[i][j] = c;
        cos[j][i] = c;
      }
    }
    return cos;
  }
}
