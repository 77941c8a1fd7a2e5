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
    SplittableRandom rnd = new SplittableRandom(epochSeed(seed, epoch));
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    shuffle(p, rnd);
    return p;
  }

  /** Shuffles {@code a} in place (Fisher-Yates, from the last element down) with {@code rnd}. */
  public static void shuffle(int[] a, SplittableRandom rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
  }

  /**
   * A generator for the other random draws of epoch {@code epoch} (such as data augmentation): a
   * function of the seed and the epoch only, and a different stream from {@link #epochOrder}'s.
   */
  public static SplittableRandom epochRandom(long seed, int epoch) {
    return new SplittableRandom(epochSeed(seed, epoch)).split();
  }

  private static long epochSeed(long seed, int epoch) {
    return seed * 0x9E3779B97F4A7C15L + epoch + 1;
  }
}
