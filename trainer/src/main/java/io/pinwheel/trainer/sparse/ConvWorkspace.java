package io.pinwheel.trainer.sparse;

import io.pinwheel.trainer.optim.MatrixProduct;
import io.pinwheel.trainer.optim.NativeBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One training thread's buffers for {@link ConvGradients} and the per-chunk arithmetic: a chunk is
 * up to {@link ConvGradients.Geometry#chunkFrames} frames whose code positions lie side by side in
 * the columns of every [rows, columns] product, so each product covers the whole chunk.
 *
 * <p>Native buffers (allocated once, reused for every chunk, D = C·k·k and M the chunk's columns):
 * the im2col of the input [D + 1, M], the code [K, M], a [K, M] buffer that holds the encoder's
 * output, then the reconstruction's code gradient, then the pre-activation gradient, a [D, M]
 * buffer that holds the decoder's output and then the im2col of the reconstruction gradient, and
 * the two weight-gradient accumulators. A short chunk uses the first rows·columns floats of each.
 * On the heap: the ReLU output, the code and its gradient, the decoder's columns and one chunk's
 * reconstruction, all as large as one chunk needs.
 */
final class ConvWorkspace implements AutoCloseable {
  private static final float MASK_SCALE = 0x1p126f;

  private final ConvGradients.Geometry g;
  private final GroupPooling pooling;

  /** The im2col of the input with a last row of ones, [D + 1, M]. */
  private final NativeBuffer input;

  /** The code h, [K, M]. */
  private final NativeBuffer code;

  /** The encoder's output, then the reconstruction's code gradient, then ∂Z, [K, M]. */
  private final NativeBuffer wideBuffer;

  /** The decoder's output columns, then the im2col of ∂x̂, [D, M]. */
  private final NativeBuffer narrowBuffer;

  /** ∂[W_e | b], [K, D + 1]. */
  private final NativeBuffer encoderGradient;

  /** ∂W_d, [K, D]. */
  private final NativeBuffer decoderGradient;

  private final ConvGradients.Weights weights;

  /** Per chunk size (frames), the five products on that many columns; made on first use. */
  private final Products[] products;

  /** The products of one chunk size, in the order a chunk runs them. */
  private record Products(
      MatrixProduct encode,
      MatrixProduct decode,
      MatrixProduct codeGradient,
      MatrixProduct decoderGradient,
      MatrixProduct encoderGradient) {
    void close() {
      for (MatrixProduct p :
          List.of(encode, decode, codeGradient, decoderGradient, encoderGradient)) {
        p.close();
      }
    }
  }

  /** Pre-activation, then ReLU output r (before the gain), [K, M]. */
  private final float[] r;

  /** The code h = g ⊙ r, [K, M]. */
  private final float[] h;

  /** The code's gradient, then the pre-activation's, [K, M]. */
  private final float[] dh;

  /** The reconstruction's part of the code gradient, [K, M]. */
  private final float[] wide;

  /** Decoder output columns [D, M]. */
  private final float[] narrow;

  /** The chunk's reconstruction, then the loss gradient with respect to it, [f, C, H, W]. */
  private final float[] xhat;

  final float[] gainGradient;

  /** The encoder gradient with the bias gradient as its last column, [K, D + 1]. */
  private final float[] encoderRows;

  private final float[] zeros;
  double reconstruction;
  double sparsity;
  double signal;
  boolean accumulated;

  ConvWorkspace(ConvGradients.Geometry g, GroupPooling pooling, ConvGradients.Weights weights) {
    this.g = g;
    this.pooling = pooling;
    this.weights = weights;
    this.products = new Products[g.chunkFrames() + 1];
    int m = g.chunkFrames() * g.codeSize();
    input = new NativeBuffer((long) (g.depth() + 1) * m);
    code = new NativeBuffer((long) g.maps() * m);
    wideBuffer = new NativeBuffer((long) g.maps() * m);
    narrowBuffer = new NativeBuffer((long) g.depth() * m);
    encoderGradient = new NativeBuffer((long) g.maps() * (g.depth() + 1));
    decoderGradient = new NativeBuffer((long) g.maps() * g.depth());
    r = new float[g.maps() * m];
    h = new float[g.maps() * m];
    dh = new float[g.maps() * m];
    wide = new float[g.maps() * m];
    narrow = new float[g.depth() * m];
    xhat = new float[g.chunkFrames() * g.frameSize()];
    gainGradient = new float[g.maps()];
    encoderRows = new float[g.maps() * (g.depth() + 1)];
    zeros = new float[encoderRows.length];
  }

  private Products products(int frames) {
    Products p = products[frames];
    if (p == null) {
      int m = frames * g.codeSize();
      int k = g.maps();
      int d = g.depth();
      INDArray in = input.matrix(d + 1, m);
      INDArray h = code.matrix(k, m);
      INDArray wide = wideBuffer.matrix(k, m);
      INDArray narrow = narrowBuffer.matrix(d, m);
      p =
          new Products(
              new MatrixProduct(weights.encoderMatrix, false, in, false, wide, 0),
              new MatrixProduct(weights.decoderMatrix, true, h, false, narrow, 0),
              new MatrixProduct(weights.decoderMatrix, false, narrow, false, wide, 0),
              new MatrixProduct(h, false, narrow, true, decoderGradient.matrix(k, d), 1),
              new MatrixProduct(wide, false, in, true, encoderGradient.matrix(k, d + 1), 1));
      products[frames] = p;
    }
    return p;
  }

  /** Clears the sums of a new batch. */
  void reset(boolean gradient) {
    reconstruction = 0;
    sparsity = 0;
    signal = 0;
    accumulated = false;
    Arrays.fill(gainGradient, 0f);
    if (gradient) {
      encoderGradient.put(zeros, 0, g.maps() * (g.depth() + 1));
      decoderGradient.put(zeros, 0, g.maps() * g.depth());
    }
  }

  /**
   * Copies this worker's weight and bias gradients (valid once {@link #accumulated}) into the
   * arrays.
   */
  void weightGradients(float[] encoder, float[] bias, float[] decoder) {
    int depth = g.depth();
    encoderGradient.get(encoderRows, 0, encoderRows.length);
    for (int k = 0; k < g.maps(); k++) {
      System.arraycopy(encoderRows, k * (depth + 1), encoder, k * depth, depth);
      bias[k] = encoderRows[k * (depth + 1) + depth];
    }
    decoderGradient.get(decoder, 0, decoder.length);
  }

  /**
   * One chunk: the energy terms of {@code frames} frames from {@code data[first...]} added to the
   * sums, and, when {@code gradient}, their gradient (each term divided by {@code batch}) added to
   * the accumulators. The outputs, when not null, receive the chunk's code [f, K, H', W'],
   * reconstruction [f, C, H, W] and pooled values [f, G, H'', W''] at the given frame offset.
   */
  void chunk(
      float[] data, int first, int frames, int batch, boolean gradient, ConvGradients.Outputs out) {
    ConvGradients.Weights w = weights;
    Products p = products(frames);
    int m = frames * g.codeSize();
    int maps = g.maps();
    int depth = g.depth();
    im2col(data, first * g.frameSize(), frames, input.floats(), m);
    // The last row of B is ones and the last column of the encoder the bias: Z = W_e B + b.
    FloatBuffer ones = input.floats();
    for (int i = 0; i < m; i++) {
      ones.put(depth * m + i, 1f);
    }
    p.encode.run();
    wideBuffer.get(r, 0, maps * m);
    for (int k = 0; k < maps; k++) {
      float gain = w.gain[k];
      int o = k * m;
      for (int i = 0; i < m; i++) {
        // z + |z| = 2 max(0, z) exactly, and, unlike a branch, it vectorizes.
        float z = r[o + i];
        float relu = 0.5f * (z + Math.abs(z));
        r[o + i] = relu;
        h[o + i] = gain * relu;
      }
    }
    code.put(h, 0, maps * m);
    p.decode.run();
    narrowBuffer.get(narrow, 0, depth * m);
    col2im(narrow, m, frames);
    if (out != null) {
      out.take(h, m, xhat, first, frames, g);
    }
    // Residual e = x − x̂; the loss reads mean ‖e‖² over the batch, so ∂/∂x̂ = −2e / batch.
    float scale = -2f / batch;
    int size = frames * g.frameSize();
    int base = first * g.frameSize();
    double rec = 0;
    double sig = 0;
    for (int i = 0; i < size; i++) {
      float x = data[base + i];
      float e = x - xhat[i];
      rec += (double) e * e;
      sig += (double) x * x;
      xhat[i] = scale * e;
    }
    reconstruction += rec;
    signal += sig;
    float sparseScale = (float) (w.lambda / batch);
    if (!gradient) {
      sparsity += pooling.forward(h, m, frames, pooled(out), pooledOffset(out, first));
      return;
    }
    // The reconstruction's gradient first; the pooling's backward pass writes dh, to which it is
    // added.
    im2col(xhat, 0, frames, narrowBuffer.floats(), m);
    p.codeGradient.run();
    p.decoderGradient.run();
    sparsity += pooling.forward(h, m, frames, pooled(out), pooledOffset(out, first));
    pooling.backward(h, dh, m, frames, sparseScale);
    wideBuffer.get(wide, 0, maps * m);
    for (int i = 0; i < maps * m; i++) {
      dh[i] += wide[i];
    }
    for (int k = 0; k < maps; k++) {
      float gain = w.gain[k];
      int o = k * m;
      gainGradient[k] += dot(dh, r, o, m);
      for (int i = 0; i < m; i++) {
        // The ReLU's mask from its output: min(1, r·2^126) is 1 for every r ≥ 2^-126 and 0 for
        // r = 0 (only subnormal outputs would get less than the whole gradient).
        float mask = Math.min(1f, r[o + i] * MASK_SCALE);
        dh[o + i] = dh[o + i] * gain * mask;
      }
    }
    wideBuffer.put(dh, 0, maps * m);
    p.encoderGradient.run();
    accumulated = true;
  }

  /** Σ a[o..o+n) · b[o..o+n) with eight partial sums, in a fixed order. */
  private static float dot(float[] a, float[] b, int o, int n) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    float s4 = 0;
    float s5 = 0;
    float s6 = 0;
    float s7 = 0;
    int i = o;
    int end = o + n;
    for (; i + 8 <= end; i += 8) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
      s4 += a[i + 4] * b[i + 4];
      s5 += a[i + 5] * b[i + 5];
      s6 += a[i + 6] * b[i + 6];
      s7 += a[i + 7] * b[i + 7];
    }
    for (; i < end; i++) {
      s0 += a[i] * b[i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  private static float[] pooled(ConvGradients.Outputs out) {
    return out == null ? null : out.pooled;
  }

  private int pooledOffset(ConvGradients.Outputs out, int frame) {
    return out == null ? 0 : frame * pooling.pooledSize();
  }

  /**
   * B[(c,a,b), f·H'W' + u·W' + v] = x_f[c, u+a, v+b] for the chunk's frames, straight into the
   * native array: every (row, frame, u) is one contiguous run of W' values.
   */
  private void im2col(float[] src, int base, int frames, FloatBuffer dst, int m) {
    int k = g.kernel();
    int c = g.channels();
    int width = g.width();
    int plane = g.height() * width;
    int ch = g.codeHeight();
    int cw = g.codeWidth();
    int cs = g.codeSize();
    int row = 0;
    for (int ci = 0; ci < c; ci++) {
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          int o = row * m;
          for (int f = 0; f < frames; f++) {
            int s = base + f * g.frameSize() + ci * plane + a * width + b;
            int d = o + f * cs;
            for (int u = 0; u < ch; u++) {
              dst.put(d + u * cw, src, s + u * width, cw);
            }
          }
          row++;
        }
      }
    }
  }

  /** x̂_f[c, u+a, v+b] = Σ columns[(c,a,b), f·H'W' + u·W' + v]: the transposed convolution. */
  private void col2im(float[] columns, int m, int frames) {
    int k = g.kernel();
    int c = g.channels();
    int width = g.width();
    int plane = g.height() * width;
    int ch = g.codeHeight();
    int cw = g.codeWidth();
    int cs = g.codeSize();
    Arrays.fill(xhat, 0, frames * g.frameSize(), 0f);
    int row = 0;
    for (int ci = 0; ci < c; ci++) {
      for (int a = 0; a < k; a++) {
        for (int b = 0; b < k; b++) {
          int o = row * m;
          for (int f = 0; f < frames; f++) {
            int d = f * g.frameSize() + ci * plane + a * width + b;
            int s = o + f * cs;
            for (int u = 0; u < ch; u++) {
              int du = d + u * width;
              int su = s + u * cw;
              for (int x = 0; x < cw; x++) {
                xhat[du + x] += columns[su + x];
              }
            }
          }
          row++;
        }
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
    for (NativeBuffer b : List.of(input, code, wideBuffer, narrowBuffer)) {
      b.close();
    }
    encoderGradient.close();
    decoderGradient.close();
  }
}
