package io.pinwheel.trainer.drsae;

import io.pinwheel.trainer.optim.MatrixProduct;
import io.pinwheel.trainer.optim.NativeBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One training thread's buffers for {@link DrsaeGradients} and the arithmetic on its rows of a
 * batch: the forward pass through the T steps, keeping every step's code, and the backward pass
 * through time, all as products over the rows.
 *
 * <p>Native buffers, allocated once for up to {@code rows} rows: the inputs X [n, D]; the drive U
 * [n, K]; a pre-activation buffer [n, K] that each lateral product adds Z Sᵀ into, preloaded with
 * U; the T codes Z⁰ … Z^{T−1} [n, K]; the reconstruction [n, D] and its gradient [n, D]; the code
 * gradient [n, K]; the pre-activation gradient [n, K]; the drive's gradient [n, K]; and the
 * gradients of E, S and D. On the heap: the same codes and gradients, where the ReLUs, masks and
 * classifier run.
 */
final class DrsaeWorkspace implements AutoCloseable {
  private static final float MASK_SCALE = 0x1p126f;

  private final DrsaeConfig config;
  private final DrsaeGradients.Weights weights;
  private final int capacity;
  private final List<NativeBuffer> owned = new ArrayList<>();
  private final NativeBuffer x;
  private final NativeBuffer drive;
  private final NativeBuffer preactivation;
  private final NativeBuffer[] codes;
  private final NativeBuffer reconstruction;
  private final NativeBuffer reconstructionGradient;
  private final NativeBuffer codeGradient;
  private final NativeBuffer preactivationGradient;
  private final NativeBuffer driveGradientBuffer;
  final NativeBuffer encoderGradient;
  final NativeBuffer lateralGradient;
  final NativeBuffer decoderGradient;

  /** Per row count, the products on that many rows; made on first use. */
  private final Products[] products;

  private final float[] u;
  private final float[][] z;
  private final float[] g;
  private final float[] driveGradient;
  private final float[] xhat;
  private final float[] scores;
  final float[] biasGradient;
  final float[] classifierGradient;
  final float[] classBiasGradient;
  private final float[] zeros;

  double reconstructionSum;
  double sparsitySum;
  double classificationSum;
  int correct;
  boolean accumulated;

  private record Products(
      MatrixProduct drive,
      MatrixProduct[] lateral,
      MatrixProduct decode,
      MatrixProduct decoderGradient,
      MatrixProduct codeGradient,
      MatrixProduct[] lateralGradient,
      MatrixProduct back,
      MatrixProduct encoderGradient) {
    void close() {
      List<MatrixProduct> all = new ArrayList<>();
      all.addAll(List.of(drive, decode, decoderGradient, codeGradient, back, encoderGradient));
      all.addAll(Arrays.asList(lateral));
      all.addAll(Arrays.asList(lateralGradient));
      all.forEach(MatrixProduct::close);
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
    preactivation = buffer((long) rows * k);
    codes = new NativeBuffer[t];
    for (int i = 0; i < t; i++) {
      codes[i] = buffer((long) rows * k);
    }
    reconstruction = buffer((long) rows * d);
    reconstructionGradient = buffer((long) rows * d);
    codeGradient = buffer((long) rows * k);
    preactivationGradient = buffer((long) rows * k);
    driveGradientBuffer = buffer((long) rows * k);
    encoderGradient = buffer((long) k * d);
    lateralGradient = buffer((long) k * k);
    decoderGradient = buffer((long) d * k);
    products = new Products[rows + 1];
    u = new float[rows * k];
    z = new float[t][rows * k];
    g = new float[rows * k];
    driveGradient = new float[rows * k];
    xhat = new float[rows * d];
    scores = new float[rows * config.classes()];
    biasGradient = new float[k];
    classifierGradient = new float[config.classes() * k];
    classBiasGradient = new float[config.classes()];
    zeros = new float[k * k];
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
      int t = config.steps();
      INDArray xm = x.matrix(n, d);
      INDArray um = drive.matrix(n, k);
      INDArray am = preactivation.matrix(n, k);
      INDArray last = codes[t - 1].matrix(n, k);
      INDArray gm = codeGradient.matrix(n, k);
      INDArray dam = preactivationGradient.matrix(n, k);
      INDArray dxm = reconstructionGradient.matrix(n, d);
      MatrixProduct[] lateral = new MatrixProduct[t - 1];
      MatrixProduct[] lateralGradients = new MatrixProduct[t - 1];
      for (int s = 1; s < t; s++) {
        INDArray before = codes[s - 1].matrix(n, k);
        lateral[s - 1] = new MatrixProduct(before, false, weights.lateral, true, am, 1);
        lateralGradients[s - 1] =
            new MatrixProduct(dam, true, before, false, lateralGradient.matrix(k, k), 1);
      }
      p =
          new Products(
              new MatrixProduct(xm, false, weights.encoder, true, um, 0),
              lateral,
              new MatrixProduct(last, false, weights.decoder, true, reconstruction.matrix(n, d), 0),
              new MatrixProduct(dxm, true, last, false, decoderGradient.matrix(d, k), 0),
              new MatrixProduct(dxm, false, weights.decoder, false, gm, 0),
              lateralGradients,
              new MatrixProduct(dam, false, weights.lateral, false, gm, 0),
              new MatrixProduct(
                  driveGradientBuffer.matrix(n, k),
                  true,
                  xm,
                  false,
                  encoderGradient.matrix(k, d),
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
    int nk = n * k;
    x.put(data, first * d, n * d);
    p.drive.run();
    drive.get(u, 0, nk);
    float[] bias = weights.bias;
    for (int r = 0; r < n; r++) {
      int o = r * k;
      for (int j = 0; j < k; j++) {
        u[o + j] -= bias[j];
      }
    }
    relu(u, z[0], nk);
    codes[0].put(z[0], 0, nk);
    for (int s = 1; s < steps; s++) {
      preactivation.put(u, 0, nk);
      p.lateral[s - 1].run();
      preactivation.get(z[s], 0, nk);
      relu(z[s], z[s], nk);
      codes[s].put(z[s], 0, nk);
    }
    float[] code = z[steps - 1];
    if (codesOut != null) {
      System.arraycopy(code, 0, codesOut, first * k, nk);
    }
    p.decode.run();
    reconstruction.get(xhat, 0, n * d);
    float scale = -2f / batch;
    double rec = 0;
    int base = first * d;
    for (int i = 0; i < n * d; i++) {
      float e = data[base + i] - xhat[i];
      rec += (double) e * e;
      xhat[i] = scale * e;
    }
    reconstructionSum += rec;
    double l1 = 0;
    for (int i = 0; i < nk; i++) {
      l1 += code[i];
    }
    sparsitySum += l1;
    classify(code, labels, first, n, batch, alpha, gradient, scoresOut);
    if (!gradient) {
      return;
    }
    backward(p, n, batch);
    accumulated = true;
  }

  /**
   * Scores, cross-entropy and, when {@code gradient}, the classifier's gradients and its part of ∂z
   * into {@link #g}.
   */
  private void classify(
      float[] code,
      int[] labels,
      int first,
      int n,
      int batch,
      double alpha,
      boolean gradient,
      float[] scoresOut) {
    int k = config.units();
    int classes = config.classes();
    float[] c = weights.classifier;
    float[] cb = weights.classBias;
    double ce = 0;
    for (int r = 0; r < n; r++) {
      int zo = r * k;
      int so = r * classes;
      for (int y = 0; y < classes; y++) {
        float s = 0;
        int co = y * k;
        for (int j = 0; j < k; j++) {
          s += code[zo + j] * c[co + j];
        }
        scores[so + y] = s + cb[y];
      }
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
        // ∂/∂scores of α·CE/batch = α (softmax − onehot) / batch, kept in place of the scores.
        for (int y = 0; y < classes; y++) {
          double pr = Math.exp(scores[so + y] - max - logZ);
          scores[so + y] = (float) (alpha * (pr - (y == label ? 1 : 0)) / batch);
        }
      }
    }
    classificationSum += ce;
  }

  /** Back through the decoder, the classifier and the T steps. */
  private void backward(Products p, int n, int batch) {
    int k = config.units();
    int classes = config.classes();
    int steps = config.steps();
    int nk = n * k;
    float[] code = z[steps - 1];
    reconstructionGradient.put(xhat, 0, n * config.inputs());
    p.decoderGradient.run();
    p.codeGradient.run();
    codeGradient.get(g, 0, nk);
    // The classifier: ∂C = ∂sᵀ z, ∂c = Σ ∂s, and ∂z += ∂s C.
    Arrays.fill(classifierGradient, 0f);
    Arrays.fill(classBiasGradient, 0f);
    float[] c = weights.classifier;
    for (int r = 0; r < n; r++) {
      int zo = r * k;
      for (int y = 0; y < classes; y++) {
        float ds = scores[r * classes + y];
        if (ds == 0) {
          continue;
        }
        classBiasGradient[y] += ds;
        int co = y * k;
        for (int j = 0; j < k; j++) {
          classifierGradient[co + j] += ds * code[zo + j];
          g[zo + j] += ds * c[co + j];
        }
      }
    }
    // λ‖z‖₁: its gradient is λ/batch wherever z > 0 (z ≥ 0 after the ReLU).
    float l1 = (float) (config.lambda() / batch);
    Arrays.fill(driveGradient, 0, nk, 0f);
    lateralGradient.put(zeros, 0, k * k);
    for (int i = 0; i < nk; i++) {
      g[i] += l1 * Math.min(1f, code[i] * MASK_SCALE);
    }
    for (int s = steps - 1; s >= 1; s--) {
      // z^s = ReLU(a^s), a^s = u + z^{s−1} Sᵀ: ∂a = ∂z ⊙ mask, ∂u += ∂a, ∂S += ∂aᵀ z^{s−1},
      // ∂z^{s−1} = ∂a S.
      mask(g, z[s], nk);
      for (int i = 0; i < nk; i++) {
        driveGradient[i] += g[i];
      }
      preactivationGradient.put(g, 0, nk);
      p.lateralGradient[s - 1].run();
      p.back.run();
      codeGradient.get(g, 0, nk);
    }
    mask(g, z[0], nk);
    for (int i = 0; i < nk; i++) {
      driveGradient[i] += g[i];
    }
    // u = x Eᵀ − b: ∂E = ∂uᵀ x, ∂b = −Σ ∂u.
    Arrays.fill(biasGradient, 0f);
    for (int r = 0; r < n; r++) {
      int o = r * k;
      for (int j = 0; j < k; j++) {
        biasGradient[j] -= driveGradient[o + j];
      }
    }
    driveGradientBuffer.put(driveGradient, 0, nk);
    p.encoderGradient.run();
  }

  /** dst = max(0, src), as (src + |src|) / 2: exact, and it vectorizes. */
  private static void relu(float[] src, float[] dst, int n) {
    for (int i = 0; i < n; i++) {
      float v = src[i];
      dst[i] = 0.5f * (v + Math.abs(v));
    }
  }

  /** g ⊙ (z > 0), the mask being min(1, z·2^126): 1 for every normal z > 0, 0 for z = 0. */
  private static void mask(float[] g, float[] z, int n) {
    for (int i = 0; i < n; i++) {
      g[i] *= Math.min(1f, z[i] * MASK_SCALE);
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
