package io.pinwheel.extractor.model;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * How the last pooled map becomes a sparse code: values strictly above {@code threshold} pass and
 * are emitted as {@code rule} says (as they are for {@link OutputRule#KEEP}, less the threshold for
 * {@link OutputRule#SHRINK}), then only the {@code topK} largest when set (ties go to the lower
 * index).
 *
 * <p>With {@code minActive} k, each frame is cut at its {@link #effectiveThreshold}: the smaller of
 * the threshold and the (k+1)-th largest value of the frame's code, but never below 0 (unless the
 * threshold is), so that at least the k largest values pass. The rule is applied with that
 * threshold (shrink subtracts it). It differs from the threshold only on frames where at most k
 * values exceed the threshold; on those with exactly k, the same k values pass as without the
 * floor, and under shrink emit a little more. Taking the smaller of the two keeps the emitted code
 * a continuous function of the pooled values, as shrink's is without a floor: a frame whose
 * (k+1)-th value falls below the threshold sees its cut follow it down smoothly. Ties and NaN:
 * values equal to the lowered threshold do not pass (they would emit 0 under shrink), so when the
 * k-th and (k+1)-th largest values are equal, fewer than k pass; a code whose values are all 0 (a
 * blank frame) still emits nothing; NaN never passes and is not ranked.
 *
 * @param threshold finite; values must be strictly greater to pass
 * @param topK empty for no limit, otherwise at least 1
 * @param rule what a passing value emits
 * @param minActive empty for no floor, otherwise at least 1 and at most {@code topK} when set
 */
public record OutputSpec(
    float threshold, OptionalInt topK, OutputRule rule, OptionalInt minActive) {
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
    Objects.requireNonNull(minActive, "output.minActive");
    if (minActive.isPresent() && minActive.getAsInt() < 1) {
      throw new IllegalArgumentException(
          "output.minActive must be >= 1, got " + minActive.getAsInt());
    }
    if (minActive.isPresent() && topK.isPresent() && minActive.getAsInt() > topK.getAsInt()) {
      throw new IllegalArgumentException(
          "output.minActive must be <= output.topK ("
              + topK.getAsInt()
              + "), got "
              + minActive.getAsInt());
    }
  }

  /** This threshold, top-k and rule, with no floor. */
  public OutputSpec(float threshold, OptionalInt topK, OutputRule rule) {
    this(threshold, topK, rule, OptionalInt.empty());
  }

  /** The {@link OutputRule#KEEP} rule with this threshold and top-k, with no floor. */
  public OutputSpec(float threshold, OptionalInt topK) {
    this(threshold, topK, OutputRule.KEEP);
  }

  /** Keep every value above {@code threshold}. */
  public static OutputSpec threshold(float threshold) {
    return new OutputSpec(threshold, OptionalInt.empty());
  }

  /** This spec with another threshold, everything else unchanged. */
  public OutputSpec withThreshold(float newThreshold) {
    return new OutputSpec(newThreshold, topK, rule, minActive);
  }

  /** This spec with another rule, everything else unchanged. */
  public OutputSpec withRule(OutputRule newRule) {
    return new OutputSpec(threshold, topK, newRule, minActive);
  }

  /** This spec with another floor (empty for none), everything else unchanged. */
  public OutputSpec withMinActive(OptionalInt newMinActive) {
    return new OutputSpec(threshold, topK, rule, newMinActive);
  }

  /**
   * The length of the scratch array {@link #effectiveThreshold} and {@link #loweredThreshold} need:
   * {@code minActive + 1}, or 0 without a floor.
   */
  public int scratchLength() {
    return minActive.isPresent() ? minActive.getAsInt() + 1 : 0;
  }

  /**
   * The threshold the rule applies to one frame's code {@code code[from, to)}: {@link #threshold},
   * unless {@code minActive} is k and at most k values exceed it; then {@link #loweredThreshold},
   * which is then at most the threshold: min(threshold, lowered) in every case.
   *
   * @param scratch at least {@link #scratchLength()} floats, overwritten (so that a caller that
   *     keeps one allocates nothing per frame)
   */
  public float effectiveThreshold(float[] code, int from, int to, float[] scratch) {
    if (minActive.isEmpty()) {
      return threshold;
    }
    int above = 0;
    for (int i = from; i < to; i++) {
      if (code[i] > threshold) {
        above++;
      }
    }
    return floors(above) ? loweredThreshold(code, from, to, scratch) : threshold;
  }

  /**
   * Whether the floor lowers the cut of a frame on which {@code passing} values exceed {@link
   * #threshold}: there is a floor k and at most k values pass.
   */
  public boolean floors(int passing) {
    return minActive.isPresent() && passing <= minActive.getAsInt();
  }

  /**
   * The floor's threshold for one frame's code {@code code[from, to)}, for a frame on which at most
   * {@code minActive} = k values exceed {@link #threshold}: the (k+1)-th largest value (NaN not
   * ranked; equal values counted one by one), but not below min(threshold, 0), which it is when the
   * code has at most k values that are not NaN. Exactly the k largest values exceed it unless the
   * k-th and (k+1)-th are equal or not above 0.
   *
   * @param scratch at least {@link #scratchLength()} floats, overwritten
   * @throws IllegalStateException if this spec has no {@code minActive}
   */
  public float loweredThreshold(float[] code, int from, int to, float[] scratch) {
    if (minActive.isEmpty()) {
      throw new IllegalStateException("output.minActive is not set");
    }
    int m = minActive.getAsInt() + 1;
    // A min-heap of the m largest values seen so far: its root is the m-th largest.
    int size = 0;
    for (int i = from; i < to; i++) {
      float v = code[i];
      if (v != v) {
        continue;
      }
      if (size < m) {
        int at = size++;
        while (at > 0 && scratch[(at - 1) >> 1] > v) {
          scratch[at] = scratch[(at - 1) >> 1];
          at = (at - 1) >> 1;
        }
        scratch[at] = v;
      } else if (v > scratch[0]) {
        siftDown(scratch, m, v);
      }
    }
    float floor = Math.min(threshold, 0f);
    return size < m ? floor : Math.max(scratch[0], floor);
  }

  /** Replaces the root of the min-heap {@code heap[0, size)} by {@code v} and restores it. */
  private static void siftDown(float[] heap, int size, float v) {
    int at = 0;
    while (true) {
      int child = 2 * at + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heap[child + 1] < heap[child]) {
        child++;
      }
      if (heap[child] >= v) {
        break;
      }
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = v;
  }

  /**
   * Applies the rule to one frame's code {@code code[from, to)} in place, with the frame's {@link
   * #effectiveThreshold} and without top-k ({@link OutputRule#applyInPlace}).
   *
   * @param scratch at least {@link #scratchLength()} floats, overwritten
   */
  public void applyInPlace(float[] code, int from, int to, float[] scratch) {
    rule.applyInPlace(code, from, to, effectiveThreshold(code, from, to, scratch));
  }
}
