package io.pinwheel.trainer.drsae;

import io.pinwheel.trainer.optim.MatrixProduct;
import io.pinwheel.trainer.optim.NativeBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One training thread's buffers for {@link DrsaeGradients} and the arithmetic on its rows of a
 * batch: the forward pass through the T steps, keeping every step's code and, per unit, the list of
 * rows it is active in, and the backward pass through time.
 *
 * <p>The codes are sparse (most units of a row are silent after each ReLU), so every product with a
 * code, or with a gradient masked by a code, runs as Java loops over the active (row, unit) pairs,
 * each adding a scaled row (of Sᵀ, S, Dᵀ, a code, an input or a gradient) to another: the lateral
 * products zᵗ⁻¹ Sᵀ, the decoder z Dᵀ, ∂Dᵀ += zᵀ ∂x̂, ∂S += ∂aᵀ zᵗ⁻¹, ∂zᵗ⁻¹ = ∂a S and ∂E += ∂uᵀ x.
 * They go unit by unit, so each weight row is read once per step while the batch's rows stay in
 * cache. The two dense products, the drive x Eᵀ and the decoder's code gradient ∂x̂ D, run on
 * libnd4j's matmul ({@link MatrixProduct}) on native buffers allocated once for up to {@code rows}
 * rows: the inputs X [n, D], the drive U [n, K], the reconstruction gradient [n, D] and the code
 * gradient [n, K]. Everything else lives on the heap as arrays of rows ({@link SparseRows} says
 * why), allocated once too.
 */
final class DrsaeWorkspace implements AutoCloseable {
  private final DrsaeConfig config;
  private final DrsaeGradients.Weights weights;
  private final int capacity;
  private final List<NativeBuffer> owned = new ArrayList<>();
  private final NativeBuffer x;
  private final NativeBuffer drive;
  private final NativeBuffer reconstructionGradient;
  private final NativeBuffer codeGradient;

  /** Per row count, the products on that many rows; made on first use. */
  private final Products[] products;

  private final float[] flat;
  private final float[][] inputs;
  private final float[][] u;
  private final float[][] preactivation;
  private final float[][][] z;
  private final int[][] active;
  private final int[][] counts;
  private final float[][] g;
  private final float[][] next;
  private final float[][] driveGradient;
  private final float[][] xhat;
  private final float[] scores;
  private final float[] scales;
  private final int[] rowList;
  private final float[] rowScales;
  final float[][] encoderGradient;
  final float[][] lateralGradient;
  final float[][] decoderGradientT;
  final float[] biasGradient;
  final float[] classifierGradient;
  final float[] classBiasGradient;

  double reconstructionSum;
  double sparsitySum;
  double classificationSum;
  int correct;
  boolean accumulated;

  private record Products(MatrixProduct drive, MatrixProduct codeGradient) {
    void close() {
      drive.close();
      codeGradient.close();
    }
  }

  DrsaeWorkspace(DrsaeConfig config, DrsaeGradients.Weights weights, int rows) {
    this.config = config;
    this.weights = weights;
    this.capacity = rows;
    int k = config.units();
    int d = config.inputs();
    int t = config.steps();
    x = buffer((long) rows * d);
    drive = buffer((long) rows * k);
    reconstructionGradient = buffer((long) rows * d);
    codeGradient = buffer((long) rows * k);
    products = new Products[rows + 1];
    flat = new float[rows * Math.max(k, d)];
    inputs = new float[rows][d];
    u = new float[rows][k];
    preactivation = new float[rows][k];
    z = new float[t][rows][k];
    active = new int[t][k * rows];
    counts = new int[t][k];
    g = new float[rows][k];
    next = new float[rows][k];
    driveGradient = new float[rows][k];
    xhat = new float[rows][d];
    scores = new float[rows * config.classes()];
    scales = new float[k * rows];
    rowList = new int[rows];
    rowScales = new float[rows];
    encoderGradient = new float[k][d];
    lateralGradient = new float[k][k];
    decoderGradientT = new float[k][d];
    biasGradient = new float[k];
    classifierGradient = new float[config.classes() * k];
    classBiasGradient = new float[config.classes()];
  }

  private NativeBuffer buffer(long length) {
    NativeBuffer b = new NativeBuffer(length);
    owned.add(b);
    return b;
  }

  private Products products(int n) {
    Products p = products[n];
    if (p == null) {
      int k = config.units();
      int d = config.inputs();
      p =
          new Products(
              new MatrixProduct(
                  x.matrix(n, d), false, weights.encoder, true, drive.matrix(n, k), 0),
              new MatrixProduct(
                  reconstructionGradient.matrix(n, d),
                  false,
                  weights.decoder,
                  false,
                  codeGradient.matrix(n, k),
                  0));
      products[n] = p;
    }
    return p;
  }

  /** Clears the sums of a new batch. */
  void reset() {
    reconstructionSum = 0;
    sparsitySum = 0;
    classificationSum = 0;
    correct = 0;
    accumulated = false;
  }

  /**
   * The rows {@code first..first+n) of {@code data} (flattened inputs, [count, D]): their loss
   * terms added to the sums, and, when {@code gradient}, their gradient (terms divided by {@code
   * batch}, classification weighted by {@code alpha}) into this worker's accumulators. When {@code
   * codesOut} / {@code scoresOut} are not null, the rows' final codes / class scores go there at the
   * rows' positions.
   */
  void rows(
      float[] data,
      int[] labels,
      int first,
      int n,
      int batch,
      double alpha,
      boolean gradient,
      float[] codesOut,
      float[] scoresOut) {
    if (n > capacity) {
      throw new IllegalArgumentException(n + " rows for a workspace of " + capacity);
    }
    Products p = products(n);
    int k = config.units();
    int d = config.inputs();
    int steps = config.steps();
    x.put(data, first * d, n * d);
    p.drive.run();
    drive.get(flat, 0, n * k);
    float[] bias = weights.bias;
    for (int r = 0; r < n; r++) {
      float[] ur = u[r];
      System.arraycopy(flat, r * k, ur, 0, k);
      for (int j = 0; j < k; j++) {
        ur[j] -= bias[j];
      }
      System.arraycopy(data, (first + r) * d, inputs[r], 0, d);
    }
    activate(u, 0, n);
    float[][] lateralT = weights.lateralT;
    for (int s = 1; s < steps; s++) {
      // a = u + zˢ⁻¹ Sᵀ, unit by unit: unit j's row of Sᵀ, scaled, into the rows where it is on.
      for (int r = 0; r < n; r++) {
        System.arraycopy(u[r], 0, preactivation[r], 0, k);
      }
      float[][] before = z[s - 1];
      int[] on = active[s - 1];
      int[] c = counts[s - 1];
      for (int j = 0; j < k; j++) {
        float[] row = lateralT[j];
        for (int m = j * capacity, end = m + c[j]; m < end; m++) {
          int r = on[m];
          SparseRows.axpy(before[r][j], row, preactivation[r], k);
        }
      }
      activate(preactivation, s, n);
    }
    float[][] code = z[steps - 1];
    if (codesOut != null) {
      for (int r = 0; r < n; r++) {
        System.arraycopy(code[r], 0, codesOut, (first + r) * k, k);
      }
    }
    decode(n, batch);
    classify(labels, first, n, batch, alpha, gradient, scoresOut);
    if (!gradient) {
      return;
    }
    backward(p, n, batch);
    accumulated = true;
  }

  /** Step {@code s}'s code: the ReLU of the pre-activations {@code a}, and its unit lists. */
  private void activate(float[][] a, int s, int n) {
    int k = config.units();
    Arrays.fill(counts[s], 0);
    for (int r = 0; r < n; r++) {
      SparseRows.relu(a[r], z[s][r], k, r, active[s], counts[s], capacity);
    }
  }

  /**
   * The reconstruction z Dᵀ over the active units, its error added to the sums and, in its place in
   * {@link #xhat}, the error's gradient; the L1 sum.
   */
  private void decode(int n, int batch) {
    int k = config.units();
    int d = config.inputs();
    int last = config.steps() - 1;
    float[][] code = z[last];
    int[] on = active[last];
    int[] c = counts[last];
    float[][] decoderT = weights.decoderT;
    for (int r = 0; r < n; r++) {
      Arrays.fill(xhat[r], 0f);
    }
    double l1 = 0;
    for (int j = 0; j < k; j++) {
      float[] atom = decoderT[j];
      for (int m = j * capacity, end = m + c[j]; m < end; m++) {
        int r = on[m];
        float v = code[r][j];
        l1 += v;
        SparseRows.axpy(v, atom, xhat[r], d);
      }
    }
    sparsitySum += l1;
    float scale = -2f / batch;
    double rec = 0;
    for (int r = 0; r < n; r++) {
      float[] xr = inputs[r];
      float[] hr = xhat[r];
      for (int i = 0; i < d; i++) {
        float e = xr[i] - hr[i];
        rec += (double) e * e;
        hr[i] = scale * e;
      }
    }
    reconstructionSum += rec;
  }

  /**
   * Scores, cross-entropy and, when {@code gradient}, the gradient of α·CE/batch with respect to
   * the scores, in their place.
   */
  private void classify(
      int[] labels,
      int first,
      int n,
      int batch,
      double alpha,
      boolean gradient,
      float[] scoresOut) {
    int k = config.units();
    int classes = config.classes();
    int last = config.steps() - 1;
    float[][] code = z[last];
    int[] on = active[last];
    int[] count = counts[last];
    float[] c = weights.classifier;
    float[] cb = weights.classBias;
    for (int r = 0; r < n; r++) {
      System.arraycopy(cb, 0, scores, r * classes, classes);
    }
    for (int j = 0; j < k; j++) {
      for (int m = j * capacity, end = m + count[j]; m < end; m++) {
        int r = on[m];
        float v = code[r][j];
        for (int y = 0; y < classes; y++) {
          scores[r * classes + y] += v * c[y * k + j];
        }
      }
    }
    double ce = 0;
    for (int r = 0; r < n; r++) {
      int so = r * classes;
      float max = Float.NEGATIVE_INFINITY;
      for (int y = 0; y < classes; y++) {
        max = Math.max(max, scores[so + y]);
      }
      double sum = 0;
      int best = 0;
      for (int y = 0; y < classes; y++) {
        sum += Math.exp(scores[so + y] - max);
        if (scores[so + y] > scores[so + best]) {
          best = y;
        }
      }
      int label = labels[first + r];
      if (best == label) {
        correct++;
      }
      double logZ = Math.log(sum);
      ce -= scores[so + label] - max - logZ;
      if (scoresOut != null) {
        System.arraycopy(scores, so, scoresOut, (first + r) * classes, classes);
      }
      if (gradient) {
        for (int y = 0; y < classes; y++) {
          double pr = Math.exp(scores[so + y] - max - logZ);
          scores[so + y] = (float) (alpha * (pr - (y == label ? 1 : 0)) / batch);
        }
      }
    }
    classificationSum += ce;
  }

  /** Back through the decoder, the classifier and the T steps, then into E and b. */
  private void backward(Products p, int n, int batch) {
    int k = config.units();
    int d = config.inputs();
    int classes = config.classes();
    int last = config.steps() - 1;
    float[][] code = z[last];
    int[] on = active[last];
    int[] count = counts[last];
    // ∂z = ∂x̂ D, dense, on libnd4j.
    for (int r = 0; r < n; r++) {
      System.arraycopy(xhat[r], 0, flat, r * d, d);
    }
    reconstructionGradient.put(flat, 0, n * d);
    p.codeGradient.run();
    codeGradient.get(flat, 0, n * k);
    for (int r = 0; r < n; r++) {
      System.arraycopy(flat, r * k, g[r], 0, k);
    }
    // ∂Dᵀ = zᵀ ∂x̂; the classifier: ∂C = ∂sᵀ z, ∂c = Σ ∂s, ∂z += ∂s C; λ‖z‖₁ adds λ/batch where
    // z > 0. Only the active entries of ∂z matter: the last ReLU masks the rest.
    for (float[] row : decoderGradientT) {
      Arrays.fill(row, 0f);
    }
    Arrays.fill(classifierGradient, 0f);
    Arrays.fill(classBiasGradient, 0f);
    float[] c = weights.classifier;
    float l1 = (float) (config.lambda() / batch);
    for (int j = 0; j < k; j++) {
      int from = j * capacity;
      int end = from + count[j];
      for (int m = from; m < end; m++) {
        int r = on[m];
        float v = code[r][j];
        scales[m] = v;
        float dz = l1;
        for (int y = 0; y < classes; y++) {
          float ds = scores[r * classes + y];
          classifierGradient[y * k + j] += ds * v;
          dz += ds * c[y * k + j];
        }
        g[r][j] += dz;
      }
      SparseRows.gather(scales, on, from, end, xhat, decoderGradientT[j], d);
    }
    for (int r = 0; r < n; r++) {
      for (int y = 0; y < classes; y++) {
        classBiasGradient[y] += scores[r * classes + y];
      }
    }
    through(n);
    // u = x Eᵀ − b: ∂E = ∂uᵀ x over the non-zero entries of ∂u, ∂b = −Σ ∂u.
    for (int j = 0; j < k; j++) {
      float[] de = encoderGradient[j];
      Arrays.fill(de, 0f);
      float db = 0;
      int listed = 0;
      for (int r = 0; r < n; r++) {
        float du = driveGradient[r][j];
        db -= du;
        if (du != 0) {
          rowList[listed] = r;
          rowScales[listed++] = du;
        }
      }
      SparseRows.gather(rowScales, rowList, 0, listed, inputs, de, d);
      biasGradient[j] = db;
    }
  }

  /**
   * Back through time from ∂z of the last step in {@link #g}: for t = T−1 … 1, ∂a = ∂zᵗ on zᵗ's
   * active units, ∂u += ∂a, ∂S += ∂aᵀ zᵗ⁻¹ and ∂zᵗ⁻¹ = ∂a S; then ∂u += ∂z⁰ on z⁰'s active units.
   */
  private void through(int n) {
    int k = config.units();
    int steps = config.steps();
    float[][] lateral = weights.lateralRows;
    for (float[] row : lateralGradient) {
      Arrays.fill(row, 0f);
    }
    for (int r = 0; r < n; r++) {
      Arrays.fill(driveGradient[r], 0f);
    }
    float[][] cur = g;
    float[][] nxt = next;
    for (int s = steps - 1; s >= 1; s--) {
      int[] on = active[s];
      int[] c = counts[s];
      float[][] before = z[s - 1];
      for (int r = 0; r < n; r++) {
        Arrays.fill(nxt[r], 0f);
      }
      // Unit by unit, so unit i's rows of S and ∂S are read once per step.
      for (int i = 0; i < k; i++) {
        float[] si = lateral[i];
        int from = i * capacity;
        int end = from + c[i];
        for (int m = from; m < end; m++) {
          int r = on[m];
          float da = cur[r][i];
          scales[m] = da;
          driveGradient[r][i] += da;
          SparseRows.axpy(da, si, nxt[r], k);
        }
        SparseRows.gather(scales, on, from, end, before, lateralGradient[i], k);
      }
      float[][] t = cur;
      cur = nxt;
      nxt = t;
    }
    int[] on = active[0];
    int[] c = counts[0];
    for (int i = 0; i < k; i++) {
      for (int m = i * capacity, end = m + c[i]; m < end; m++) {
        int r = on[m];
        driveGradient[r][i] += cur[r][i];
      }
    }
  }

  @Override
  public void close() {
    for (Products p : products) {
      if (p != null) {
        p.close();
      }
    }
    owned.forEach(NativeBuffer::close);
  }
}
