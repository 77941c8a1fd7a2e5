package io.pinwheel.extractor;

import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import java.util.Arrays;

/**
 * The model's output rule on a dense code: the values above the frame's threshold pass and are
 * emitted as the rule says ({@link io.pinwheel.extractor.model.OutputRule#emit}), then the top k by
 * emitted value (ties to the lower index), indices ascending. The frame's threshold is the model's,
 * or, with {@code minActive} k and at most k values above it, the lower one {@link
 * OutputSpec#loweredThreshold} picks among the dense values (only then). Holds its scratch arrays,
 * so a frame allocates only the code it returns; not thread-safe.
 */
final class Sparsifier {
  private final int[] shape;
  private final OutputSpec rule;
  private final long[] keys;
  private final float[] emitted;
  private final float[] largest;

  Sparsifier(int[] shape, OutputSpec rule) {
    this.shape = shape;
    this.rule = rule;
    this.keys = new long[shape[0] * shape[1] * shape[2]];
    this.emitted = new float[keys.length];
    this.largest = new float[rule.scratchLength()];
  }

  SparseCode apply(float[] dense, float[] scores, String label) {
    float tau = rule.threshold();
    int n = pass(dense, tau);
    if (rule.floors(n)) {
      // Every value is finite here: pass refused the others.
      float lowered = rule.loweredThreshold(dense, 0, dense.length, largest);
      if (lowered < tau) {
        n = pass(dense, lowered);
      }
    }
    int keep = n;
    var topK = rule.topK();
    if (topK.isPresent() && n > topK.getAsInt()) {
      Arrays.sort(keys, 0, n);
      keep = topK.getAsInt();
    }
    int[] indices = new int[keep];
    for (int i = 0; i < keep; i++) {
      indices[i] = (int) keys[i];
    }
    if (keep != n) {
      Arrays.sort(indices);
    }
    float[] values = new float[keep];
    for (int i = 0; i < keep; i++) {
      values[i] = emitted[indices[i]];
    }
    return new SparseCode(shape, indices, values, scores, label);
  }

  /**
   * Fills {@link #emitted} and the first n {@link #keys} for the values strictly above {@code tau}
   * and returns n; refuses a non-finite value.
   */
  private int pass(float[] dense, float tau) {
    OutputRule emit = rule.rule();
    int n = 0;
    for (int i = 0; i < dense.length; i++) {
      float v = dense[i];
      if (v > tau) {
        if (v == Float.POSITIVE_INFINITY) {
          throw nonFinite(v, i);
        }
        float e = emit.emit(v, tau);
        if (e == Float.POSITIVE_INFINITY) {
          throw nonFinite(e, i);
        }
        emitted[i] = e;
        // Sort key: emitted value descending, then index ascending. Values are finite, so the
        // order-preserving int of their bits, negated, sorts them high to low.
        int bits = Float.floatToIntBits(e);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
        keys[n++] = ((long) ~ordered << 32) | i;
      } else if (v != v || v == Float.NEGATIVE_INFINITY) {
        throw nonFinite(v, i);
      }
    }
    return n;
  }

  /**
   * A model whose finite weights overflow the float range on a frame gives infinities, and NaN
   * where oneDNN multiplies one by a zero group weight: refused, so that it never passes for an
   * empty code.
   */
  private static ArithmeticException nonFinite(float v, int index) {
    return new ArithmeticException(
        "the dense code has the non-finite value "
            + v
            + " at flat index "
            + index
            + ": the model's weights overflow the float range on this frame");
  }
}
