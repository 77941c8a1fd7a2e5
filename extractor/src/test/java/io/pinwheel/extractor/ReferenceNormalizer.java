package io.pinwheel.extractor;

import io.pinwheel.extractor.model.Normalization;

/**
 * The arithmetic of {@link Normalizer}, written as plain loops in double precision so that it is
 * obviously right: the yardstick the OpenCV implementation is measured against.
 */
final class ReferenceNormalizer {
  private ReferenceNormalizer() {}

  /** A new array: {@code x} (planar [C, H, W]) normalized by {@code n}. */
  static float[] apply(Normalization n, float[] x, int channels, int height, int width) {
    double[] v = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      v[i] = x[i];
    }
    if (n instanceof Normalization.Standardize s) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (v[i] - s.mean()) / s.std();
      }
    } else if (n instanceof Normalization.Lcn lcn) {
      v = lcn(v, channels, height, width, lcn.sigma(), lcn.kernelSize());
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) v[i];
    }
    return out;
  }

  private static double[] lcn(double[] x, int channels, int h, int w, double sigma, int k) {
    int plane = h * w;
    // Along an axis of n pixels the kernel has at most 2n - 1 taps, as in Normalizer.
    double[] kx = kernel(Math.min(k, 2 * w - 1), sigma);
    double[] ky = kernel(Math.min(k, 2 * h - 1), sigma);
    double[] mean = meanOfBlurs(x, channels, h, w, kx, ky);
    double[] v = new double[x.length];
    double[] squares = new double[x.length];
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < plane; i++) {
        v[c * plane + i] = x[c * plane + i] - mean[i];
        squares[c * plane + i] = v[c * plane + i] * v[c * plane + i];
      }
    }
    double[] variance = meanOfBlurs(squares, channels, h, w, kx, ky);
    double[] d = new double[plane];
    double sum = 0;
    for (int i = 0; i < plane; i++) {
      d[i] = Math.sqrt(Math.max(variance[i], 0));
      sum += d[i];
    }
    double c = sum / plane;
    double[] y = new double[x.length];
    for (int ch = 0; ch < channels; ch++) {
      for (int i = 0; i < plane; i++) {
        y[ch * plane + i] = v[ch * plane + i] / Math.max(Math.max(d[i], c), 1e-4);
      }
    }
    return y;
  }

  /** exp(-i^2 / 2 sigma^2) for i in [-(size-1)/2, (size-1)/2], normalized to sum 1. */
  static double[] kernel(int size, double sigma) {
    double[] g = new double[size];
    int r = size / 2;
    double sum = 0;
    for (int i = 0; i < size; i++) {
      g[i] = Math.exp(-(double) (i - r) * (i - r) / (2 * sigma * sigma));
      sum += g[i];
    }
    for (int i = 0; i < size; i++) {
      g[i] /= sum;
    }
    return g;
  }

  /** Reflect-101: index -1 reads 1, index n reads n - 2. Valid for indices in (-n, 2n - 1). */
  static int reflect101(int i, int n) {
    if (n == 1) {
      return 0;
    }
    if (i < 0) {
      return -i;
    }
    if (i >= n) {
      return 2 * n - 2 - i;
    }
    return i;
  }

  private static double[] meanOfBlurs(
      double[] x, int channels, int h, int w, double[] kx, double[] ky) {
    int plane = h * w;
    double[] mean = new double[plane];
    for (int c = 0; c < channels; c++) {
      double[] rows = new double[plane];
      int rx = kx.length / 2;
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          double s = 0;
          for (int t = 0; t < kx.length; t++) {
            s += kx[t] * x[c * plane + y * w + reflect101(xx + t - rx, w)];
          }
          rows[y * w + xx] = s;
        }
      }
      int ry = ky.length / 2;
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          double s = 0;
          for (int t = 0; t < ky.length; t++) {
            s += ky[t] * rows[reflect101(y + t - ry, h) * w + xx];
          }
          mean[y * w + xx] += s / channels;
        }
      }
    }
    return mean;
  }
}
