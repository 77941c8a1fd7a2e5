package io.pinwheel.topology.reencode;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a re-encoding starts in each partition of the frames topic, when it is not resuming.
 *
 * @param offset the first offset to read in every partition (the partition's start when it holds
 *     nothing that old), or -1 when {@code time} decides
 * @param time the first record timestamp to read, or null when {@code offset} decides
 */
public record ReencodeStart(long offset, Instant time) {

  /** Checks that exactly one of the two is given. */
  public ReencodeStart {
    if ((offset >= 0) == (time != null)) {
      throw new IllegalArgumentException(
          "give a start offset or a start time, not both or neither");
    }
  }

  /**
   * From the first record retained.
   *
   * @return offset 0 in every partition
   */
  public static ReencodeStart beginning() {
    return new ReencodeStart(0, null);
  }

  /**
   * From {@code offset} in every partition.
   *
   * @param offset at least 0
   * @return the start
   */
  public static ReencodeStart atOffset(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("a start offset is at least 0, got " + offset);
    }
    return new ReencodeStart(offset, null);
  }

  /**
   * From the first record whose timestamp is at or after {@code time}, in every partition.
   *
   * @param time the start time
   * @return the start
   */
  public static ReencodeStart atTime(Instant time) {
    return new ReencodeStart(-1, Objects.requireNonNull(time, "time"));
  }

  @Override
  public String toString() {
    return time != null ? "records from " + time : "offset " + offset;
  }
}
