package io.pinwheel.cli.support;

import java.util.Arrays;

/**
 * Latency samples in milliseconds with exact nearest-rank percentiles over a whole run. Every
 * sample is kept (up to {@value #MAX_SAMPLES}; later ones are dropped from the percentiles but
 * still counted), which for a console tool is simpler than a histogram and exact. Not thread-safe.
 */
public final class LatencyStats {
  /** The most samples kept: 16 MiB of longs. */
  public static final int MAX_SAMPLES = 2_000_000;

  private long[] samples = new long[1024];
  private int size;
  private long count;

  /** Creates an empty set. */
  public LatencyStats() {}

  /**
   * Adds one sample.
   *
   * @param millis a latency; negative values (clock skew between hosts) are kept as they are
   */
  public void add(long millis) {
    count++;
    if (size == samples.length) {
      if (size >= MAX_SAMPLES) {
        return;
      }
      samples = Arrays.copyOf(samples, Math.min(MAX_SAMPLES, size * 2));
    }
    samples[size++] = millis;
  }

  /**
   * Returns how many samples were added.
   *
   * @return the count, dropped ones included
   */
  public long count() {
    return count;
  }

  /** Forgets every sample, for a new window of a running measurement. */
  public void clear() {
    size = 0;
    count = 0;
  }

  /**
   * Nearest-rank percentiles: for each p, the smallest sample with at least p% of the samples at or
   * below it.
   *
   * @param ps percentages in (0, 100]
   * @return one value per p; -1 each when there are no samples
   */
  public long[] percentiles(double... ps) {
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
