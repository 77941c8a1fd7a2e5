package io.pinwheel.bench;

import java.util.Locale;

/**
 * The pipeline bench's diagnostic lines on standard error, printed only when the system property
 * {@code pinwheel.bench.trace} is true: the CPU each thread group and the JIT used in every
 * throughput run, how long the JIT took to go quiet, and every record of a latency run slower than
 * 50 ms.
 */
final class Trace {
  /** Whether the lines are printed. */
  static final boolean ON = Boolean.getBoolean("pinwheel.bench.trace");

  private Trace() {}

  /** Prints one line, formatted in {@link Locale#ROOT}, when tracing is on. */
  static void line(String format, Object... args) {
    if (ON) {
      System.err.printf(Locale.ROOT, "trace " + format + "%n", args);
    }
  }
}
