package io.pinwheel.trainer.sparse;

import io.pinwheel.extractor.model.L2PoolLayer;
import java.util.Arrays;

/**
 * The group-sparsity term Σ_j Σ_{p,q} sqrt(ε + Σ_{k∈P_j} w_jk Σ_window h_k²) of one frame's code
 * and its gradient in closed form, on the heap.
 *
 * <p>With P_j(p,q) the smoothed pool value, ∂/∂h_k(u,v) = h_k(u,v) · Σ_{(j,i): g_ji = k} w_ji ·
 * S_j(u,v), where S_j(u,v) = Σ 1/P_j(p,q) over the windows (p,q) that cover (u,v). So the backward
 * pass is one scatter of 1/P over the windows and one weighted sum over pool members.
 *
 * <p>Windows that do not overlap (stride ≥ window) are summed, and their 1/P spread, directly.
 * Overlapping ones use separable shifted sums over a whole plane: down the columns for every row,
 * then along the rows for every position, of which only the window corners are read (sums that run
 * past a row's end are never read); the scatter of 1/P runs the same way backwards from the
 * corners, and stays inside the plane because every window does. Every loop indexes its arrays from
 * 0 with one index, the shifted operand being a block copy: HotSpot's C2 (JDK 17) vectorizes a loop
 * only when it can tell its loads and stores apart, and operands at different unknown offsets
 * defeat that (measured: about 4x slower).
 *
 * <p>A code frame is read from rows of a [K, columns] array: map k's plane starts at {@code k *
 * columns + offset}, row-major {@code height x width}. One instance per thread: it owns scratch.
 */
final class GroupPooling {
  private final int maps;
  private final int pools;
  private final int members;
  private final int[] groups;
  private final float[] weights;
  private final int window;
  private final int stride;
  private final int width;
  private final int plane;
  private final int poolHeight;
  private final int poolWidth;
  private final float epsilon;

  /** Whether the windows do not overlap (stride ≥ window): sums and scatter then go direct. */
  private final boolean disjoint;

  /** Per map, the (pool, member) pairs that read it: flat indices j * m + i. */
  private final int[][] readers;

  /** This frame's code per map that some pool reads, [K][plane]; null for unread maps. */
  private final float[][] code;

  /** h² per read map, [K][plane]. */
  private final float[][] squares;

  /** Per pool, the group energy Σ_i w_ji h²_{g_ji}, then S_j, [G][plane]. */
  private final float[][] energy;

  /** Plane-sized scratch: a shifted copy, window sums, the weighted S of one map. */
  private final float[] shifted;

  private final float[] down;
  private final float[] across;

  /** One frame's pooled values, [G · H'' · W'']. */
  private final float[] values;

  GroupPooling(L2PoolLayer pool, int maps, int height, int width, double epsilon) {
    this.maps = maps;
    this.pools = pool.poolCount();
    this.members = pool.groupSize();
    this.groups = pool.groups().toArray();
    this.weights = pool.weights().toArray();
    this.window = pool.window();
    this.stride = pool.stride();
    this.width = width;
    this.plane = height * width;
    int[] out = pool.outputShape(new int[] {maps, height, width});
    this.poolHeight = out[1];
    this.poolWidth = out[2];
    this.epsilon = (float) epsilon;
    this.disjoint = stride >= window;
    int[] count = new int[maps];
    for (int g : groups) {
      count[g]++;
    }
    readers = new int[maps][];
    code = new float[maps][];
    squares = new float[maps][];
    for (int k = 0; k < maps; k++) {
      readers[k] = new int[count[k]];
      if (count[k] > 0) {
        code[k] = new float[plane];
        squares[k] = new float[plane];
      }
    }
    int[] filled = new int[maps];
    for (int ji = 0; ji < groups.length; ji++) {
      int k = groups[ji];
      readers[k][filled[k]++] = ji;
    }
    energy = new float[pools][plane];
    shifted = new float[plane];
    down = new float[plane];
    across = new float[plane];
    values = new float[pools * poolHeight * poolWidth];
  }

  /** Pooled values per frame: G · H'' · W''. */
  int pooledSize() {
    return values.length;
  }

  /**
   * The frame's sparsity term, Σ sqrt(ε + pool energy), and, when {@code pooled} is not null, each
   * smoothed pool value into {@code pooled[pooledOffset...]} (planar [G, H'', W'']). Leaves S_j in
   * place for {@link #backward}.
   *
   * @param h the code, [K, columns]
   * @param columns the row length of {@code h}
   * @param offset where this frame's planes start within each row
   */
  double forward(float[] h, int columns, int offset, float[] pooled, int pooledOffset) {
    for (int k = 0; k < maps; k++) {
      if (code[k] != null) {
        float[] c = code[k];
        float[] sq = squares[k];
        System.arraycopy(h, k * columns + offset, c, 0, plane);
        for (int p = 0; p < plane; p++) {
          sq[p] = c[p] * c[p];
        }
      }
    }
    int c = 0;
    for (int j = 0; j < pools; j++) {
      float[] e = energy[j];
      groupEnergy(j, e);
      if (disjoint) {
        c = windowSums(e, c);
        continue;
      }
      shiftedSum(e, down, width);
      shiftedSum(down, across, 1);
      for (int pu = 0; pu < poolHeight; pu++) {
        int row = pu * stride * width;
        for (int pv = 0; pv < poolWidth; pv++) {
          values[c++] = across[row + pv * stride];
        }
      }
    }
    for (int i = 0; i < c; i++) {
      values[i] = (float) Math.sqrt(epsilon + values[i]);
    }
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 4 <= c; i += 4) {
      s0 += values[i];
      s1 += values[i + 1];
      s2 += values[i + 2];
      s3 += values[i + 3];
    }
    for (; i < c; i++) {
      s0 += values[i];
    }
    double sum = (s0 + s1) + (s2 + s3);
    if (pooled != null) {
      System.arraycopy(values, 0, pooled, pooledOffset, c);
    }
    // S_j: 1/P at the window corners, spread along the rows, then down the columns.
    c = 0;
    if (disjoint) {
      for (int j = 0; j < pools; j++) {
        c = fillWindows(energy[j], c);
      }
      return sum;
    }
    for (int j = 0; j < pools; j++) {
      Arrays.fill(down, 0f);
      for (int pu = 0; pu < poolHeight; pu++) {
        int row = pu * stride * width;
        for (int pv = 0; pv < poolWidth; pv++) {
          down[row + pv * stride] = 1f / values[c++];
        }
      }
      spread(down, across, 1);
      spread(across, energy[j], width);
    }
    return sum;
  }

  /**
   * Windows that do not overlap (stride ≥ window): each window's sum straight from the plane into
   * {@link #values} from {@code c}, in a few adds per position. Returns the next free index.
   */
  private int windowSums(float[] e, int c) {
    for (int pu = 0; pu < poolHeight; pu++) {
      // The window's rows summed down each column first: independent adds, no long chain.
      int top = pu * stride * width;
      System.arraycopy(e, top, down, 0, width);
      for (int a = 1; a < window; a++) {
        int row = top + a * width;
        for (int x = 0; x < width; x++) {
          down[x] += e[row + x];
        }
      }
      for (int pv = 0; pv < poolWidth; pv++) {
        int left = pv * stride;
        float sum = 0;
        for (int b = 0; b < window; b++) {
          sum += down[left + b];
        }
        values[c++] = sum;
      }
    }
    return c;
  }

  /**
   * For windows that do not overlap, S is 1/P on each window's positions and 0 where no window
   * reaches. Returns the next index into {@link #values}.
   */
  private int fillWindows(float[] s, int c) {
    Arrays.fill(s, 0f);
    for (int pu = 0; pu < poolHeight; pu++) {
      for (int pv = 0; pv < poolWidth; pv++) {
        float inverse = 1f / values[c++];
        int corner = pu * stride * width + pv * stride;
        for (int a = 0; a < window; a++) {
          int row = corner + a * width;
          for (int b = 0; b < window; b++) {
            s[row + b] = inverse;
          }
        }
      }
    }
    return c;
  }

  /** dst[i] = Σ_{a < window} src[i + a·step] where i + a·step is in the plane. */
  private void shiftedSum(float[] src, float[] dst, int step) {
    System.arraycopy(src, 0, dst, 0, plane);
    for (int a = 1; a < window; a++) {
      int n = plane - a * step;
      if (n <= 0) {
        break;
      }
      System.arraycopy(src, a * step, shifted, 0, n);
      for (int i = 0; i < n; i++) {
        dst[i] += shifted[i];
      }
    }
  }

  /** dst[i] = Σ_{a < window} src[i − a·step] where i − a·step is in the plane. */
  private void spread(float[] src, float[] dst, int step) {
    System.arraycopy(src, 0, dst, 0, plane);
    for (int a = 1; a < window; a++) {
      int shift = a * step;
      if (shift >= plane) {
        break;
      }
      Arrays.fill(shifted, 0, shift, 0f);
      System.arraycopy(src, 0, shifted, shift, plane - shift);
      for (int i = 0; i < plane; i++) {
        dst[i] += shifted[i];
      }
    }
  }

  /** e = Σ_i w_ji h²_{g_ji}, four members to a pass. */
  private void groupEnergy(int j, float[] e) {
    Arrays.fill(e, 0f);
    int i = 0;
    for (; i + 4 <= members; i += 4) {
      int g = j * members + i;
      float[] s0 = squares[groups[g]];
      float[] s1 = squares[groups[g + 1]];
      float[] s2 = squares[groups[g + 2]];
      float[] s3 = squares[groups[g + 3]];
      float w0 = weights[g];
      float w1 = weights[g + 1];
      float w2 = weights[g + 2];
      float w3 = weights[g + 3];
      for (int p = 0; p < plane; p++) {
        e[p] += w0 * s0[p] + w1 * s1[p] + w2 * s2[p] + w3 * s3[p];
      }
    }
    for (; i < members; i++) {
      int g = j * members + i;
      float[] s = squares[groups[g]];
      float w = weights[g];
      for (int p = 0; p < plane; p++) {
        e[p] += w * s[p];
      }
    }
  }

  /**
   * Writes {@code scale} times the sparsity term's gradient with respect to the code of the frame
   * last passed to {@link #forward} into {@code out} (layout of {@code h}): h_k · Σ w_ji S_j for
   * the maps some pool reads, zero for the others.
   */
  void backward(float[] out, int columns, int offset, float scale) {
    float[] a = shifted;
    for (int k = 0; k < maps; k++) {
      int[] r = readers[k];
      int base = k * columns + offset;
      if (r.length == 0) {
        Arrays.fill(out, base, base + plane, 0f);
        continue;
      }
      Arrays.fill(a, 0f);
      int i = 0;
      for (; i + 4 <= r.length; i += 4) {
        float w0 = weights[r[i]] * scale;
        float w1 = weights[r[i + 1]] * scale;
        float w2 = weights[r[i + 2]] * scale;
        float w3 = weights[r[i + 3]] * scale;
        float[] c0 = energy[r[i] / members];
        float[] c1 = energy[r[i + 1] / members];
        float[] c2 = energy[r[i + 2] / members];
        float[] c3 = energy[r[i + 3] / members];
        for (int p = 0; p < plane; p++) {
          a[p] += w0 * c0[p] + w1 * c1[p] + w2 * c2[p] + w3 * c3[p];
        }
      }
      for (; i < r.length; i++) {
        float w = weights[r[i]] * scale;
        float[] c = energy[r[i] / members];
        for (int p = 0; p < plane; p++) {
          a[p] += w * c[p];
        }
      }
      float[] hk = code[k];
      for (int p = 0; p < plane; p++) {
        a[p] *= hk[p];
      }
      System.arraycopy(a, 0, out, base, plane);
    }
  }
}
