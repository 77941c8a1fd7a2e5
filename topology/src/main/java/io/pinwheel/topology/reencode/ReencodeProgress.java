package io.pinwheel.topology.reencode;

import java.util.Map;

/**
 * How far a re-encoding has come: counts over the committed transactions only, so a crash never
 * counts a frame twice.
 *
 * @param done frames committed (encoded or skipped)
 * @param total frames between the start and the end offsets
 * @param features feature records written
 * @param skipped frames that could not be decoded or encoded, written nowhere
 * @param skippedByReason those frames by reason ({@code undecodable}, {@code truncated}, ...)
 * @param seconds time since this run started
 */
public record ReencodeProgress(
    long done,
    long total,
    long features,
    long skipped,
    Map<String, Long> skippedByReason,
    double seconds) {

  /** Copies the map. */
  public ReencodeProgress {
    skippedByReason = Map.copyOf(skippedByReason);
  }

  /**
   * Returns the frames committed per second in this run.
   *
   * @return the rate, 0 before a second has passed
   */
  public double framesPerSecond() {
    return seconds < 1e-3 ? 0 : done / seconds;
  }
}
