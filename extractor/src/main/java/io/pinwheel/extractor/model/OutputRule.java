package io.pinwheel.extractor.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an output rule emits for a value of the code strictly above its threshold τ; every other
 * value is dropped (zero). Both rules pass the same values, and both keep their order, so top-k
 * picks the same ones either way.
 */
public enum OutputRule {
  /** A hard threshold: the value v itself. A value crossing τ jumps from 0 to at least τ. */
  KEEP,
  /**
   * A soft threshold, the proximal operator of the L1 norm (as in ISTA): v − τ, so the emitted
   * value grows from 0 as v crosses τ and the code moves continuously with the input.
   */
  SHRINK;

  /** The value emitted for {@code value}, which must be strictly greater than {@code threshold}. */
  public float emit(float value, float threshold) {
    return this == KEEP ? value : value - threshold;
  }

  /**
   * Applies the rule to {@code values[from, to)} in place, without top-k: a value strictly above
   * {@code threshold} becomes {@link #emit}, every other value (NaN included) 0.
   */
  public void applyInPlace(float[] values, int from, int to, float threshold) {
    for (int i = from; i < to; i++) {
      float v = values[i];
      values[i] = v > threshold ? emit(v, threshold) : 0f;
    }
  }

  /** The name in the manifest and on the command line: {@code keep} or {@code shrink}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The rule named {@code name} ({@code keep} or {@code shrink}).
   *
   * @throws IllegalArgumentException for any other name; the message lists the allowed ones
   */
  public static OutputRule fromWireName(String name) {
    for (OutputRule r : values()) {
      if (r.wireName().equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("must be one of " + allowed() + ", got \"" + name + "\"");
  }

  /** The allowed names, for messages: {@code keep, shrink}. */
  public static String allowed() {
    return Arrays.stream(values()).map(OutputRule::wireName).collect(Collectors.joining(", "));
  }
}
