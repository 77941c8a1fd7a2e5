package io.pinwheel.extractor.model;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * How the last pooled map becomes a sparse code: values strictly above {@code threshold} pass and
 * are emitted as {@code rule} says (as they are for {@link OutputRule#KEEP}, less the threshold for
 * {@link OutputRule#SHRINK}), then only the {@code topK} largest when set (ties go to the lower
 * index).
 *
 * @param threshold finite; values must be strictly greater to pass
 * @param topK empty for no limit, otherwise at least 1
 * @param rule what a passing value emits
 */
public record OutputSpec(float threshold, OptionalInt topK, OutputRule rule) {
  /** Validates every field. */
  public OutputSpec {
    if (!Float.isFinite(threshold)) {
      throw new IllegalArgumentException("output.threshold must be finite, got " + threshold);
    }
    Objects.requireNonNull(topK, "output.topK");
    if (topK.isPresent() && topK.getAsInt() < 1) {
      throw new IllegalArgumentException(
          "output.topK must be >= 1 or null, got " + topK.getAsInt());
    }
    Objects.requireNonNull(rule, "output.rule");
  }

  /** The {@link OutputRule#KEEP} rule with this threshold and top-k. */
  public OutputSpec(float threshold, OptionalInt topK) {
    this(threshold, topK, OutputRule.KEEP);
  }

  /** Keep every value above {@code threshold}. */
  public static OutputSpec threshold(float threshold) {
    return new OutputSpec(threshold, OptionalInt.empty());
  }

  /** This spec with another threshold, top-k and rule unchanged. */
  public OutputSpec withThreshold(float newThreshold) {
    return new OutputSpec(newThreshold, topK, rule);
  }

  /** This spec with another rule, threshold and top-k unchanged. */
  public OutputSpec withRule(OutputRule newRule) {
    return new OutputSpec(threshold, topK, newRule);
  }
}
