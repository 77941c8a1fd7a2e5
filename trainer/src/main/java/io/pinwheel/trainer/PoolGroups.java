package io.pinwheel.trainer;

import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.IntTensor;

/**
 * Index tensors saying which feature maps each L2 pool reads, for {@link
 * io.pinwheel.extractor.model.L2PoolLayer}.
 *
 * <p>Topographic layouts put the K maps row-major on a rows × cols torus: map {@code j} sits at row
 * {@code j / cols}, column {@code j % cols}. Pool {@code j} is centred on map {@code j} and reads
 * the k×k neighbourhood around it, wrapping at the edges, listed row by row from the top-left
 * offset (−h, −h) to (h, h) with h = (k − 1) / 2, so member {@code k*k/2} is the centre. Wrapping
 * keeps every pool the same size, so no map at the border is pooled less than the others.
 */
public final class PoolGroups {
  private PoolGroups() {}

  /**
   * Disjoint consecutive groups: pool {@code g} reads maps {@code g*m .. g*m + m - 1}.
   *
   * @param maps the number of feature maps K, positive and a multiple of {@code m}
   * @param m the group size, positive
   * @return [K/m, m]
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static IntTensor block(int maps, int m) {
    if (maps < 1) {
      throw new IllegalArgumentException("maps must be >= 1, got " + maps);
    }
    if (m < 1) {
      throw new IllegalArgumentException("m must be >= 1, got " + m);
    }
    if (maps % m != 0) {
      throw new IllegalArgumentException("maps (" + maps + ") must be a multiple of m (" + m + ")");
    }
    int[] idx = new int[maps];
    for (int i = 0; i < maps; i++) {
      idx[i] = i;
    }
    return IntTensor.of(new int[] {maps / m, m}, idx);
  }

  /**
   * One pool per map on a rows × cols torus, each reading the k×k neighbourhood of its map.
   *
   * @param rows the torus height, positive
   * @param cols the torus width, positive
   * @param k the neighbourhood side: odd, so the pool has a centre, and at most {@code min(rows,
   *     cols)}, so no map appears twice in a pool
   * @return [rows·cols, k·k]
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static IntTensor topographic(int rows, int cols, int k) {
    checkTorus(rows, cols, k);
    int maps = rows * cols;
    int h = (k - 1) / 2;
    int[] idx = new int[maps * k * k];
    int n = 0;
    for (int j = 0; j < maps; j++) {
      int r = j / cols;
      int c = j % cols;
      for (int dr = -h; dr <= h; dr++) {
        for (int dc = -h; dc <= h; dc++) {
          idx[n++] = Math.floorMod(r + dr, rows) * cols + Math.floorMod(c + dc, cols);
        }
      }
    }
    return IntTensor.of(new int[] {maps, k * k}, idx);
  }

  /**
   * Gaussian weights for the pools of {@link #topographic(int, int, int)}, in the same member
   * order: exp(−(dr² + dc²) / (2σ²)) for a member at offset (dr, dc) from the centre, so the centre
   * weighs 1 and the pool leans on the maps closest to it.
   *
   * @param rows the torus height, positive
   * @param cols the torus width, positive
   * @param k the neighbourhood side, as for {@link #topographic(int, int, int)}
   * @param sigma the standard deviation in grid cells, finite and positive
   * @return [rows·cols, k·k]
   * @throws IllegalArgumentException naming the argument that is out of range
   */
  public static FloatTensor gaussianWeights(int rows, int cols, int k, double sigma) {
    checkTorus(rows, cols, k);
    if (!(sigma > 0) || !Double.isFinite(sigma)) {
      throw new IllegalArgumentException("sigma must be finite and > 0, got " + sigma);
    }
    int h = (k - 1) / 2;
    float[] row = new float[k * k];
    int n = 0;
    for (int dr = -h; dr <= h; dr++) {
      for (int dc = -h; dc <= h; dc++) {
        row[n++] = (float) Math.exp(-(dr * dr + dc * dc) / (2 * sigma * sigma));
      }
    }
    int maps = rows * cols;
    float[] w = new float[maps * row.length];
    for (int j = 0; j < maps; j++) {
      System.arraycopy(row, 0, w, j * row.length, row.length);
    }
    return FloatTensor.of(new int[] {maps, k * k}, w);
  }

  private static void checkTorus(int rows, int cols, int k) {
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be >= 1, got " + rows);
    }
    if (cols < 1) {
      throw new IllegalArgumentException("cols must be >= 1, got " + cols);
    }
    if (k < 1 || k % 2 == 0) {
      throw new IllegalArgumentException("k must be odd and >= 1, got " + k);
    }
    if (k > rows || k > cols) {
      throw new IllegalArgumentException(
          "k ("
              + k
              + ") must be at most rows ("
              + rows
              + ") and cols ("
              + cols
              + "), or a pool would hold a map twice");
    }
  }
}
