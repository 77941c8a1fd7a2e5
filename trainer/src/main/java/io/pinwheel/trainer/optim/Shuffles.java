package io.pinwheel.trainer.optim;

import java.util.SplittableRandom;

/**
 * Batch orders that depend only on the seed and the epoch, so a run resumed at an epoch boundary
 * sees exactly the batches an uninterrupted one would.
 */
public final class Shuffles {
  private Shuffles() {}

  /**
   * A random order of {@code 0..n-1} for epoch {@code epoch} (from 0) of a run seeded {@code seed}.
   */
  public static int[] epochOrder(int n, long seed, int epoch) {
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch + 1);
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }
}
