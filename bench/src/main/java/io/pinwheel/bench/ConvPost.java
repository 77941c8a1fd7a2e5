package io.pinwheel.bench;

import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.L2PoolLayer;

/**
 * ReLU, gain and L2 pooling in plain Java over a valid conv output [K, Ho, Wo] that already holds
 * the bias: the half of the work the alternatives do outside their conv op, written the same way
 * for each of them so that only the conv differs.
 */
final class ConvPost {
  private final int maps;
  private final int height;
  private final int width;
  private final float[] gainSquared;
  private final int[] groups;
  private final float[] weights;
  private final int groupSize;
  private final int pools;
  private final int window;
  private final int stride;
  private final int outHeight;
  private final int outWidth;
  private final float[] energy;

  ConvPost(ConvLayer conv, L2PoolLayer pool, int height, int width) {
    this.maps = conv.outputMaps();
    this.height = height;
    this.width = width;
    this.gainSquared = new float[maps];
    for (int k = 0; k < maps; k++) {
      gainSquared[k] = conv.gain().get(k) * conv.gain().get(k);
    }
    this.groups = pool.groups().toArray();
    this.weights = pool.weights().toArray();
    this.groupSize = pool.groupSize();
    this.pools = pool.poolCount();
    this.window = pool.window();
    this.stride = pool.stride();
    this.outHeight = (height - window) / stride + 1;
    this.outWidth = (width - window) / stride + 1;
    this.energy = new float[height * width];
  }

  int outputSize() {
    return pools * outHeight * outWidth;
  }

  /** Squares the rectified conv output in place and pools it into {@code out} at {@code offset}. */
  void apply(float[] conv, int convOffset, float[] out, int offset) {
    int plane = height * width;
    for (int k = 0; k < maps; k++) {
      float g2 = gainSquared[k];
      int base = convOffset + k * plane;
      for (int i = base; i < base + plane; i++) {
        float t = Math.max(conv[i], 0f);
        conv[i] = g2 * t * t;
      }
    }
    int o = offset;
    for (int j = 0; j < pools; j++) {
      java.util.Arrays.fill(energy, 0f);
      for (int q = 0; q < groupSize; q++) {
        int src = convOffset + groups[j * groupSize + q] * plane;
        float w = weights[j * groupSize + q];
        for (int i = 0; i < plane; i++) {
          energy[i] += w * conv[src + i];
        }
      }
      for (int u = 0; u < outHeight; u++) {
        for (int v = 0; v < outWidth; v++) {
          float sum = 0;
          for (int a = 0; a < window; a++) {
            int p = (u * stride + a) * width + v * stride;
            for (int b = 0; b < window; b++) {
              sum += energy[p + b];
            }
          }
          out[o++] = (float) Math.sqrt(sum);
        }
      }
    }
  }
}
