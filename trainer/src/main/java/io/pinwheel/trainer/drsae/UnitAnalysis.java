package io.pinwheel.trainer.drsae;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Splits a trained DrSAE's units into the two kinds Rolfe &amp; LeCun describe: <i>part</i> units,
 * which behave like an ordinary sparse coder's (the encoder row points the way the decoder atom
 * does, and the atom is a local stroke or part), and <i>categorical</i> units, whose decoder atoms
 * are prototypes of whole classes and which are driven mostly through the recurrence S rather than
 * by their own encoder row.
 *
 * <p>The split uses the statistic the paper shows to be bimodal: the cosine between unit k's
 * encoder row E[k,:] and its decoder column D[:,k]. The threshold is the midpoint of the two means
 * that one-dimensional two-means finds, so no hand-set constant decides it, and {@link
 * #separation()} (Ashman's D) says whether the two groups are really apart or the statistic is
 * unimodal. Three further statistics are reported per group so the split can be checked rather than
 * trusted: how much the atom looks like a class mean (max cosine over the classes' mean inputs),
 * the self-connection S_kk, and the norm of the unit's classifier weights.
 *
 * @param encoderDecoderCosine per unit, cos(E[k,:], D[:,k])
 * @param prototypeCosine per unit, max over classes of cos(D[:,k], mean input of the class)
 * @param selfConnection per unit, S_kk
 * @param classifierNorm per unit, ‖C[:,k]‖
 * @param active per unit, whether it is non-zero on any of the examples analysed; silent units
 *     belong to neither group
 * @param threshold units with an encoder/decoder cosine below it are categorical
 */
public record UnitAnalysis(
    double[] encoderDecoderCosine,
    double[] prototypeCosine,
    double[] selfConnection,
    double[] classifierNorm,
    boolean[] active,
    double threshold) {

  /** Means of the statistics over one group of units. */
  public record Group(
      int units,
      double encoderDecoderCosine,
      double prototypeCosine,
      double selfConnection,
      double classifierNorm) {}

  /**
   * Analyses a model from its parameters.
   *
   * @param e encoder [K, D], row-major
   * @param s lateral [K, K], row-major
   * @param d decoder [D, K], row-major
   * @param c classifier [classes, K], row-major
   * @param k units
   * @param dim input dimension D
   * @param classes classes
   * @param classMeans the mean (normalized) input of each class, [classes, D] row-major
   * @param active per unit, whether it ever fires on the analysed examples
   */
  public static UnitAnalysis of(
      float[] e,
      float[] s,
      float[] d,
      float[] c,
      int k,
      int dim,
      int classes,
      float[] classMeans,
      boolean[] active) {
    double[] encDec = new double[k];
    double[] proto = new double[k];
    double[] self = new double[k];
    double[] cls = new double[k];
    for (int u = 0; u < k; u++) {
      double dot = 0;
      double ee = 0;
      double dd = 0;
      for (int i = 0; i < dim; i++) {
        double ev = e[u * dim + i];
        double dv = d[i * k + u];
        dot += ev * dv;
        ee += ev * ev;
        dd += dv * dv;
      }
      encDec[u] = cosine(dot, ee, dd);
      double best = -1;
      for (int m = 0; m < classes; m++) {
        double pd = 0;
        double pp = 0;
        for (int i = 0; i < dim; i++) {
          double p = classMeans[m * dim + i];
          pd += p * d[i * k + u];
          pp += p * p;
        }
        best = Math.max(best, cosine(pd, pp, dd));
      }
      proto[u] = best;
      self[u] = s[u * k + u];
      double n = 0;
      for (int m = 0; m < classes; m++) {
        n += (double) c[m * k + u] * c[m * k + u];
      }
      cls[u] = Math.sqrt(n);
    }
    double[] live =
        IntStream.range(0, k).filter(u -> active[u]).mapToDouble(u -> encDec[u]).toArray();
    return new UnitAnalysis(encDec, proto, self, cls, active.clone(), twoMeansThreshold(live));
  }

  /** Whether unit {@code u} is categorical: active, with encoder and decoder pointing apart. */
  public boolean categorical(int u) {
    return active[u] && encoderDecoderCosine[u] < threshold;
  }

  /** Whether unit {@code u} is a part unit: active, with encoder and decoder alike. */
  public boolean part(int u) {
    return active[u] && encoderDecoderCosine[u] >= threshold;
  }

  /** The categorical units' statistics. */
  public Group categoricalGroup() {
    return group(this::categorical);
  }

  /** The part units' statistics. */
  public Group partGroup() {
    return group(this::part);
  }

  /** Units that never fired on the analysed examples. */
  public int silent() {
    int n = 0;
    for (boolean a : active) {
      n += a ? 0 : 1;
    }
    return n;
  }

  /**
   * The units in picture order: categorical first, then part units, then silent ones, each by
   * ascending encoder/decoder cosine.
   */
  public int[] order() {
    return IntStream.range(0, active.length)
        .boxed()
        .sorted(
            Comparator.<Integer>comparingInt(u -> categorical(u) ? 0 : part(u) ? 1 : 2)
                .thenComparingDouble(u -> encoderDecoderCosine[u]))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /**
   * Ashman's D between the two groups' encoder/decoder cosines: |μ₁ − μ₂| / √((σ₁² + σ₂²)/2). Above
   * 2 the groups are cleanly separated; well below it the statistic is unimodal and the split is
   * only a cut through one group. NaN when a group is empty.
   */
  public double separation() {
    int[] cat = IntStream.range(0, active.length).filter(this::categorical).toArray();
    int[] par = IntStream.range(0, active.length).filter(this::part).toArray();
    if (cat.length == 0 || par.length == 0) {
      return Double.NaN;
    }
    double m1 = mean(encoderDecoderCosine, cat);
    double m2 = mean(encoderDecoderCosine, par);
    double v1 = variance(encoderDecoderCosine, cat, m1);
    double v2 = variance(encoderDecoderCosine, par, m2);
    return Math.abs(m1 - m2) / Math.sqrt((v1 + v2) / 2);
  }

  private static double variance(double[] v, int[] units, double mean) {
    double s = 0;
    for (int u : units) {
      s += (v[u] - mean) * (v[u] - mean);
    }
    return s / units.length;
  }

  private Group group(java.util.function.IntPredicate member) {
    int[] units = IntStream.range(0, active.length).filter(member).toArray();
    return new Group(
        units.length,
        mean(encoderDecoderCosine, units),
        mean(prototypeCosine, units),
        mean(selfConnection, units),
        mean(classifierNorm, units));
  }

  private static double mean(double[] v, int[] units) {
    return units.length == 0
        ? Double.NaN
        : Arrays.stream(units).mapToDouble(u -> v[u]).average().orElse(Double.NaN);
  }

  private static double cosine(double dot, double aa, double bb) {
    return aa == 0 || bb == 0 ? 0 : dot / Math.sqrt(aa * bb);
  }

  /**
   * The midpoint between the two cluster means of one-dimensional two-means (Lloyd's iterations
   * from the extremes; exact enough in 1-D, where they converge to a split at a gap). With fewer
   * than two distinct values there is no split, and everything counts as a part unit.
   */
  static double twoMeansThreshold(double[] values) {
    if (values.length == 0) {
      return Double.NEGATIVE_INFINITY;
    }
    double lo = Arrays.stream(values).min().getAsDouble();
    double hi = Arrays.stream(values).max().getAsDouble();
    if (lo == hi) {
      return Double.NEGATIVE_INFINITY;
    }
    double t = (lo + hi) / 2;
    for (int iter = 0; iter < 100; iter++) {
      double sl = 0;
      double sh = 0;
      int nl = 0;
      int nh = 0;
      for (double v : values) {
        if (v < t) {
          sl += v;
          nl++;
        } else {
          sh += v;
          nh++;
        }
      }
      double next = (sl / nl + sh / nh) / 2;
      if (next == t) {
        break;
      }
      t = next;
    }
    return t;
  }
}
