package io.pinwheel.cli.support;

import java.util.Locale;

/**
 * A training run's progress: a one-line bar with the caller's loss terms, throughput of steps and
 * an ETA, redrawn in place on a terminal; elsewhere (logs, CI) one line every ten seconds and at
 * each epoch's end. Epoch summaries go on lines of their own.
 */
public final class ProgressLine {
  private final CliContext context;
  private final boolean terminal;
  private final long runStart = System.nanoTime();
  private long lastPrint;
  private long stepsDone;
  private boolean dirty;

  public ProgressLine(CliContext context, boolean terminal) {
    this.context = context;
    this.terminal = terminal;
  }

  /** After a step: redraws the bar when it is due. {@code terms} is the caller's loss summary. */
  public void step(int epoch, int epochs, int batch, int batches, String terms) {
    stepsDone++;
    long now = System.nanoTime();
    long every = terminal ? 200_000_000L : 10_000_000_000L;
    if (now - lastPrint < every && batch != batches) {
      return;
    }
    lastPrint = now;
    long remaining = (long) (epochs - epoch) * batches + (batches - batch);
    double perStep = (now - runStart) / 1e9 / stepsDone;
    int width = 24;
    int filled = (int) Math.round(width * (double) batch / batches);
    String line =
        String.format(
            Locale.ROOT,
            "epoch %d/%d [%s] %d/%d  %s  ETA %s",
            epoch,
            epochs,
            "#".repeat(filled) + ".".repeat(width - filled),
            batch,
            batches,
            terms,
            duration((long) (remaining * perStep)));
    if (terminal) {
      context.err().print("\r" + line + "\033[K");
      context.err().flush();
      dirty = true;
    } else {
      context.err().println(line);
    }
  }

  /** An epoch's summary, on its own line. */
  public void epoch(String summary) {
    finish();
    context.err().println(summary);
  }

  /** Ends a bar left open on a terminal. */
  public void finish() {
    if (dirty) {
      context.err().println();
      dirty = false;
    }
  }

  /** {@code 1h02m03s} or {@code 2m03s}. */
  public static String duration(long seconds) {
    return seconds >= 3600
        ? String.format(
            Locale.ROOT, "%dh%02dm%02ds", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
  }
}
