package io.pinwheel.extractor;

import io.pinwheel.extractor.model.OutputSpec;
import java.util.Arrays;

/**
 * The model's output rule on a dense code: keep the values above the threshold, then the top k
 * (ties to the lower index), indices ascending. Holds one scratch array; not thread-safe.
 */
final class Sparsifier {
  private final int[] shape;
  private final OutputSpec rule;
  private final long[] keys;

  Sparsifier(int[] shape, OutputSpec rule) {
    this.shape = shape;
    this.rule = rule;
    this.keys = new long[shape[0] * shape[1] * shape[2]];
  }

  SparseCode apply(float[] dense, float[] scores, String label) {
    float tau = rule.threshold();
    int n = 0;
    for (int i = 0; i < dense.length; i++) {
      float v = dense[i];
      if (v > tau) {
        if (v == Float.POSITIVE_INFINITY) {
          throw nonFinite(v, i);
        }
        // Sort key: value descending, then index ascending. Values are finite, so the
        // order-preserving int of their bits, negated, sorts them high to low.
        int bits = Float.floatToIntBits(v);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
        keys[n++] = ((long) ~ordered << 32) | i;
      } else if (v != v || v == Float.NEGATIVE_INFINITY) {
        throw nonFinite(v, i);
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
      values[i] = dense[indices[i]];
    }
    return new SparseCode(shape, indices, values, scores, label);
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
