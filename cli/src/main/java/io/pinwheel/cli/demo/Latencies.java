package io.pinwheel.cli.demo;

import java.util.Arrays;

/**
 * Latency samples in milliseconds, with exact percentiles. A demo produces thousands, not millions,
 * so keeping every sample and sorting a copy is simpler than a histogram and exact. Beyond {@value
 * #MAX_SAMPLES} samples further ones are dropped. Not thread-safe.
 */
final class Latencies {
  static final int MAX_SAMPLES = 2_000_000;

  private long[] samples = new long[1024];
  private int size;

  void add(long millis) {
    if (size == samples.length) {
      if (size >= MAX_SAMPLES) {
        return;
      }
      samples = Arrays.copyOf(samples, Math.min(MAX_SAMPLES, size * 2));
    }
    samples[size++] = millis;
  }

  int size() {
    return size;
  }

  void clear() {
    size = 0;
  }

  /**
   * Nearest-rank percentiles: for each p, the smallest sample with at least p% of the samples at or
   * below it.
   *
   * @param ps percentages in (0, 100]
   * @return one value per p; -1 each when there are no samples
   */
  long[] percentiles(double... ps) {
    long[] out = new long[ps.length];
    if (size == 0) {
      Arrays.fill(out, -1);
      return out;
    }
    long[] sorted = Arrays.copyOf(samples, size);
    Arrays.sort(sorted);
    for (int i = 0; i < ps.length; i++) {
      int rank = (int) Math.ceil(ps[i] / 100.0 * size);
      out[i] = sorted[Math.max(0, Math.min(size - 1, rank - 1))];
    }
    return out;
  }
}
