package io.pinwheel.extractor.model;

import java.util.OptionalInt;

/**
 * How the last pooled map becomes a sparse code: keep values above {@code threshold}, then only the
 * {@code topK} largest when set (ties go to the lower index).
 *
 * @param threshold finite; values must be strictly greater to be kept
 * @param topK empty for no limit, otherwise at least 1
 */
public record OutputSpec(float threshold, OptionalInt topK) {
  /** Validates both fields. */
  public OutputSpec {
    if (!Float.isFinite(threshold)) {
      throw new IllegalArgumentException("output.threshold must be finite, got " + threshold);
    }
    if (topK.isPresent() && topK.getAsInt() < 1) {
      throw new IllegalArgumentException(
          "output.topK must be >= 1 or null, got " + topK.getAsInt());
    }
  }

  /** Keep every value above {@code threshold}. */
  public static OutputSpec threshold(float threshold) {
    return new OutputSpec(threshold, OptionalInt.empty());
  }
}
