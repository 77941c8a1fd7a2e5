package io.pinwheel.oracle;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Builds a SameDiff graph's backward pass with standard output muted: SameDiff 1.0.0-M2.1 prints a
 * line per differentiated op to {@code System.out}, which would corrupt the JSON lines the CLI
 * writes there. Done once per graph, at construction, so the mute lasts milliseconds.
 */
final class QuietGradients {
  private static final Object STDOUT_LOCK = new Object();

  private QuietGradients() {}

  /** {@code sd.createGradFunction()}, without its console output. */
  static void create(SameDiff sd) {
    synchronized (STDOUT_LOCK) {
      PrintStream out = System.out;
      System.setOut(
          new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8));
      try {
        sd.createGradFunction();
      } finally {
        System.setOut(out);
      }
    }
  }
}
