package io.pinwheel.trainer.sparse;

import io.pinwheel.extractor.model.L2PoolLayer;
import java.util.Arrays;

/**
 * The group-sparsity term Σ_j Σ_{p,q} sqrt(ε + Σ_{k∈P_j} w_jk Σ_window h_k²) of a chunk of frames'
 * codes and its gradient in closed form, on the heap.
 *
 * <p>The window sum and the pool's weighted sum over its members commute, so each map is summed
 * over its windows first (W_k, at the pooled resolution) and the pools combine those: P_j = Σ_i
 * w_ji W_{g_ji}, on as many positions as the pooled output has (a sixteenth of the code's for 4×4
 * windows with stride 4). Backward, ∂/∂h_k(u,v) = h_k(u,v) · Σ_{(p,q) ∋ (u,v)} A_k(p,q) with A_k =
 * Σ_{(j,i): g_ji = k} w_ji / sqrt(ε + P_j), again combined at the pooled resolution and then spread
 * over each window.
 *
 * <p>A map's code for the whole chunk is one row of a [K, columns] array, frame after frame, each
 * frame's plane row-major {@code height x width}. The window sums run down the columns over the
 * whole row (shifted copies and adds: a window never leaves its frame, so sums that mix two frames
 * are never read), then across each window at its top-left corner; the spread runs the same way
 * backwards. Every long loop indexes its arrays from 0 with one index, the shifted operand being a
 * block copy: HotSpot's C2 (JDK 17) vectorizes a loop only when it can tell its loads and stores
 * apart, and operands at different unknown offsets defeat that.
 *
 * <p>One instance per thread: it owns scratch for up to {@code frames} frames.
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
  private final int poolPlane;
  private final float epsilon;

  /** Per map, the (pool, member) pairs that read it: flat indices j * m + i. */
  private final int[][] readers;

  /** Per map that some pool reads, its window sums of h² for the chunk, [K][f · H''W'']. */
  private final float[][] windowSums;

  /** Per pool, sqrt(ε + P_j) after the forward pass, then its inverse, [G][f · H''W'']. */
  private final float[][] values;

  /** One map's row for the chunk: h, h², then the spread gradient factor, [f · H'W']. */
  private final float[] row;

  /** Column sums down each window, then the pooled factor at the window corners, [f · H'W']. */
  private final float[] down;

  /** A shifted copy of {@link #row} or {@link #down}, [f · H'W']. */
  private final float[] shifted;

  /** One map's A_k, [f · H''W'']. */
  private final float[] factor;

  GroupPooling(L2PoolLayer pool, int maps, int height, int width, int frames, double epsilon) {
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
    this.poolPlane = poolHeight * poolWidth;
    this.epsilon = (float) epsilon;
    int[] count = new int[maps];
    for (int g : groups) {
      count[g]++;
    }
    readers = new int[maps][];
    windowSums = new float[maps][];
    for (int k = 0; k < maps; k++) {
      readers[k] = new int[count[k]];
      if (count[k] > 0) {
        windowSums[k] = new float[frames * poolPlane];
      }
    }
    int[] filled = new int[maps];
    for (int ji = 0; ji < groups.length; ji++) {
      int k = groups[ji];
      readers[k][filled[k]++] = ji;
    }
    values = new float[pools][frames * poolPlane];
    row = new float[frames * plane];
    down = new float[frames * plane];
    shifted = new float[frames * plane];
    factor = new float[frames * poolPlane];
  }

  /** Pooled values per frame: G · H'' · W''. */
  int pooledSize() {
    return pools * poolPlane;
  }

  /**
   * The chunk's sparsity term, Σ sqrt(ε + pool energy) over its frames, and, when {@code pooled} is
   * not null, each frame's smoothed pool values into {@code pooled[pooledOffset...]} (frame after
   * frame, each planar [G, H'', W'']). Keeps what {@link #backward} needs.
   *
   * @param h the code, [K, columns]; map k's row holds the chunk's frames from {@code k * columns}
   * @param frames frames in the chunk
   */
  double forward(float[] h, int columns, int frames, float[] pooled, int pooledOffset) {
    int n = frames * plane;
    int np = frames * poolPlane;
    for (int k = 0; k < maps; k++) {
      if (windowSums[k] == null) {
        continue;
      }
      System.arraycopy(h, k * columns, row, 0, n);
      for (int i = 0; i < n; i++) {
        row[i] *= row[i];
      }
      columnSums(row, n);
      float[] w = windowSums[k];
      for (int f = 0; f < frames; f++) {
        acrossWindows(f * plane, w, f * poolPlane);
      }
    }
    double sum = 0;
    for (int j = 0; j < pools; j++) {
      float[] v = values[j];
      groupSum(j, v, np);
      for (int q = 0; q < np; q++) {
        v[q] = (float) Math.sqrt(epsilon + v[q]);
      }
      sum += sum(v, np);
      if (pooled != null) {
        for (int f = 0; f < frames; f++) {
          System.arraycopy(
              v,
              f * poolPlane,
              pooled,
              pooledOffset + f * pools * poolPlane + j * poolPlane,
              poolPlane);
        }
      }
      for (int q = 0; q < np; q++) {
        v[q] = 1f / v[q];
      }
    }
    return sum;
  }

  /**
   * Writes {@code scale} times the sparsity term's gradient with respect to the code of the chunk
   * last passed to {@link #forward} into {@code out} (layout of {@code h}): h_k · spread(A_k) for
   * the maps some pool reads, zero for the others.
   */
  void backward(float[] h, float[] out, int columns, int frames, float scale) {
    int n = frames * plane;
    int np = frames * poolPlane;
    for (int k = 0; k < maps; k++) {
      int base = k * columns;
      int[] r = readers[k];
      if (r.length == 0) {
        Arrays.fill(out, base, base + n, 0f);
        continue;
      }
      combine(r, scale, np);
      // A_k at each window's rows, spread across the window's columns; then down its rows.
      Arrays.fill(down, 0, n, 0f);
      for (int f = 0; f < frames; f++) {
        spreadAcross(f * poolPlane, f * plane);
      }
      System.arraycopy(down, 0, row, 0, n);
      for (int a = 1; a < window; a++) {
        int shift = a * width;
        if (shift >= n) {
          break;
        }
        Arrays.fill(shifted, 0, shift, 0f);
        System.arraycopy(down, 0, shifted, shift, n - shift);
        for (int i = 0; i < n; i++) {
          row[i] += shifted[i];
        }
      }
      System.arraycopy(h, base, shifted, 0, n);
      for (int i = 0; i < n; i++) {
        row[i] *= shifted[i];
      }
      System.arraycopy(row, 0, out, base, n);
    }
  }

  /** down[i] = Σ_{a < window} src[i + a·width] over the row (sums past its end are never read). */
  private void columnSums(float[] src, int n) {
    System.arraycopy(src, 0, down, 0, n);
    for (int a = 1; a < window; a++) {
      int shift = a * width;
      if (shift >= n) {
        break;
      }
      System.arraycopy(src, shift, shifted, 0, n - shift);
      for (int i = 0; i < n - shift; i++) {
        down[i] += shifted[i];
      }
    }
  }

  /** Each window's sum from the column sums at its top row, into {@code w[to...]}. */
  private void acrossWindows(int from, float[] w, int to) {
    int c = to;
    for (int pu = 0; pu < poolHeight; pu++) {
      int top = from + pu * stride * width;
      for (int pv = 0; pv < poolWidth; pv++) {
        int left = top + pv * stride;
        float s = 0;
        for (int b = 0; b < window; b++) {
          s += down[left + b];
        }
        w[c++] = s;
      }
    }
  }

  /** A frame's A_k over each window's columns on the window's top row of {@link #down}. */
  private void spreadAcross(int from, int to) {
    int c = from;
    for (int pu = 0; pu < poolHeight; pu++) {
      int top = to + pu * stride * width;
      for (int pv = 0; pv < poolWidth; pv++) {
        float a = factor[c++];
        int left = top + pv * stride;
        for (int b = 0; b < window; b++) {
          down[left + b] += a;
        }
      }
    }
  }

  /** v = Σ_i w_ji W_{g_ji}, four members to a pass. */
  private void groupSum(int j, float[] v, int n) {
    Arrays.fill(v, 0, n, 0f);
    int i = 0;
    for (; i + 4 <= members; i += 4) {
      int g = j * members + i;
      float[] s0 = windowSums[groups[g]];
      float[] s1 = windowSums[groups[g + 1]];
      float[] s2 = windowSums[groups[g + 2]];
      float[] s3 = windowSums[groups[g + 3]];
      float w0 = weights[g];
      float w1 = weights[g + 1];
      float w2 = weights[g + 2];
      float w3 = weights[g + 3];
      for (int q = 0; q < n; q++) {
        v[q] += w0 * s0[q] + w1 * s1[q] + w2 * s2[q] + w3 * s3[q];
      }
    }
    for (; i < members; i++) {
      int g = j * members + i;
      float[] s = windowSums[groups[g]];
      float w = weights[g];
      for (int q = 0; q < n; q++) {
        v[q] += w * s[q];
      }
    }
  }

  /** A_k = scale · Σ w_ji / sqrt(ε + P_j) over the pools that read map k, into {@link #factor}. */
  private void combine(int[] r, float scale, int n) {
    float[] a = factor;
    Arrays.fill(a, 0, n, 0f);
    int i = 0;
    for (; i + 4 <= r.length; i += 4) {
      float w0 = weights[r[i]] * scale;
      float w1 = weights[r[i + 1]] * scale;
      float w2 = weights[r[i + 2]] * scale;
      float w3 = weights[r[i + 3]] * scale;
      float[] c0 = values[r[i] / members];
      float[] c1 = values[r[i + 1] / members];
      float[] c2 = values[r[i + 2] / members];
      float[] c3 = values[r[i + 3] / members];
      for (int q = 0; q < n; q++) {
        a[q] += w0 * c0[q] + w1 * c1[q] + w2 * c2[q] + w3 * c3[q];
      }
    }
    for (; i < r.length; i++) {
      float w = weights[r[i]] * scale;
      float[] c = values[r[i] / members];
      for (int q = 0; q < n; q++) {
        a[q] += w * c[q];
      }
    }
  }

  /** Σ v[0..n) in double, four partial sums in a fixed order. */
  private static double sum(float[] v, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      s0 += v[i];
      s1 += v[i + 1];
      s2 += v[i + 2];
      s3 += v[i + 3];
    }
    for (; i < n; i++) {
      s0 += v[i];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
