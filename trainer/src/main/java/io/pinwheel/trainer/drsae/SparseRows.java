package io.pinwheel.trainer.drsae;

/**
 * The loops {@link DrsaeWorkspace} runs on sparse codes: a ReLU that also lists, per unit, the rows
 * it is active in; the axpy that adds a scaled row to another; transposes between flat row-major
 * matrices and arrays of rows.
 *
 * <p>Rows are separate arrays indexed from 0 on purpose: JDK 17's C2 vectorises {@code y[i] += a *
 * x[i]} but not {@code y[yo + i] += a * x[xo + i]} (it cannot rule out that x and y overlap), which
 * runs about 5 times slower.
 */
final class SparseRows {
  private static final int BLOCK = 16;

  private SparseRows() {}

  /**
   * dst = max(0, src) over the first k entries, and row {@code r} appended to the list of every
   * unit it makes active: unit j's list is {@code rows[j·capacity ... j·capacity + counts[j])}.
   */
  static void relu(float[] src, float[] dst, int k, int r, int[] rows, int[] counts, int capacity) {
    for (int j = 0; j < k; j++) {
      float v = src[j];
      // max(0, v) exactly, as (v + |v|) / 2, without a branch, so it vectorises.
      dst[j] = 0.5f * (v + Math.abs(v));
    }
    for (int j = 0; j < k; j++) {
      rows[j * capacity + counts[j]] = r;
      // + 1 unless the bits are those of +0 (every entry is +0 or positive here), without a branch.
      counts[j] += 1 + ((Float.floatToRawIntBits(dst[j]) - 1) >> 31);
    }
  }

  /** y[0..n) += a · x[0..n). */
  static void axpy(float a, float[] x, float[] y, int n) {
    for (int i = 0; i < n; i++) {
      y[i] += a * x[i];
    }
  }

  /**
   * y[0..n) += a0 · x0 + a1 · x1 + a2 · x2 + a3 · x3: four rows into one, loading and storing y
   * once for all four.
   */
  static void axpy4(
      float a0,
      float[] x0,
      float a1,
      float[] x1,
      float a2,
      float[] x2,
      float a3,
      float[] x3,
      float[] y,
      int n) {
    for (int i = 0; i < n; i++) {
      y[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
    }
  }

  /**
   * y[0..n) += Σ scales[m] · rows[list[m]] for m in [from, to): the rows four at a time, then the
   * rest one by one.
   */
  static void gather(
      float[] scales, int[] list, int from, int to, float[][] rows, float[] y, int n) {
    int m = from;
    for (; m + 4 <= to; m += 4) {
      axpy4(
          scales[m],
          rows[list[m]],
          scales[m + 1],
          rows[list[m + 1]],
          scales[m + 2],
          rows[list[m + 2]],
          scales[m + 3],
          rows[list[m + 3]],
          y,
          n);
    }
    for (; m < to; m++) {
      axpy(scales[m], rows[list[m]], y, n);
    }
  }

  /** y[0..n) += x[0..n). */
  static void add(float[] x, float[] y, int n) {
    for (int i = 0; i < n; i++) {
      y[i] += x[i];
    }
  }

  /**
   * The columns {@code [fromColumn, toColumn)} of the row-major {@code [rows, columns]} matrix
   * {@code src} as the rows {@code [fromColumn, toColumn)} of its transpose {@code dst}.
   */
  static void transpose(
      float[] src, int rows, int columns, float[][] dst, int fromColumn, int toColumn) {
    for (int r0 = 0; r0 < rows; r0 += BLOCK) {
      int r1 = Math.min(rows, r0 + BLOCK);
      for (int c = fromColumn; c < toColumn; c++) {
        float[] out = dst[c];
        for (int r = r0; r < r1; r++) {
          out[r] = src[r * columns + c];
        }
      }
    }
  }

  /**
   * The rows {@code [fromRow, toRow)} of the transpose of {@code src} (rows of {@code rows}
   * entries, {@code columns} of them) into the row-major {@code [rows, columns]} matrix {@code
   * dst}.
   */
  static void transpose(float[][] src, int columns, float[] dst, int fromRow, int toRow) {
    for (int c0 = 0; c0 < columns; c0 += BLOCK) {
      int c1 = Math.min(columns, c0 + BLOCK);
      for (int r = fromRow; r < toRow; r++) {
        int o = r * columns;
        for (int c = c0; c < c1; c++) {
          dst[o + c] = src[c][r];
        }
      }
    }
  }
}
