package io.pinwheel.extractor;

import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.LinearLayer;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.extractor.model.RecurrentLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The encoder math written as plainly as possible, straight from docs/encoder-format.md, in double
 * precision. The fast {@link Encoder} is tested against it.
 */
public final class ReferenceEncoder {
  private ReferenceEncoder() {}

  /**
   * The dense code of {@code frame} under {@code model}, flat row-major: the last pooled map, or
   * the recurrent layer's output. A linear head does not change it.
   */
  public static float[] pooled(EncoderModel model, Frame frame) {
    int c = frame.channels();
    int h = frame.height();
    int w = frame.width();
    double[] x = new double[c * h * w];
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          x[(ch * h + y) * w + xx] = frame.get(ch, y, xx);
        }
      }
    }
    int[] shape = {c, h, w};
    List<Layer> layers = model.codeLayers();
    for (Layer layer : layers) {
      if (layer instanceof ConvLayer conv) {
        x = conv(conv, x, shape);
      } else if (layer instanceof RecurrentLayer rec) {
        x = recurrent(rec, x);
      } else {
        x = pool((L2PoolLayer) layer, x, shape);
      }
      shape = layer.outputShape(shape);
    }
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) x[i];
    }
    return out;
  }

  /** The sparse code of {@code frame} under {@code model}, with the head's scores and label. */
  public static SparseCode encode(EncoderModel model, Frame frame) {
    float[] dense = pooled(model, frame);
    SparseCode code = sparsify(dense, model.outputShape(), model.output());
    if (model.head().isEmpty()) {
      return code;
    }
    float[] scores = scores(model.head().get(), dense);
    int best = 0;
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    return new SparseCode(
        code.shape(), code.indices(), code.values(), scores, model.head().get().labels().get(best));
  }

  /** The head's scores W z + bias for a dense code z. */
  public static float[] scores(LinearLayer head, float[] dense) {
    float[] out = new float[head.classes()];
    for (int c = 0; c < out.length; c++) {
      double s = head.bias().get(c);
      for (int k = 0; k < dense.length; k++) {
        s += head.weights().get(c * dense.length + k) * (double) dense[k];
      }
      out[c] = (float) s;
    }
    return out;
  }

  /** z⁰ = relu(E x − b), then z = relu(E x + S z − b) for the remaining steps − 1. */
  private static double[] recurrent(RecurrentLayer rec, double[] x) {
    int k = rec.units();
    int d = rec.inputSize();
    double[] drive = new double[k];
    for (int u = 0; u < k; u++) {
      double s = -rec.bias().get(u);
      for (int i = 0; i < d; i++) {
        s += rec.encoder().get(u * d + i) * x[i];
      }
      drive[u] = s;
    }
    double[] z = new double[k];
    for (int u = 0; u < k; u++) {
      z[u] = Math.max(0, drive[u]);
    }
    for (int t = 1; t < rec.steps(); t++) {
      double[] next = new double[k];
      for (int u = 0; u < k; u++) {
        double s = drive[u];
        for (int v = 0; v < k; v++) {
          s += rec.lateral().get(u * k + v) * z[v];
        }
        next[u] = Math.max(0, s);
      }
      z = next;
    }
    return z;
  }

  /**
   * Applies the output rule to a dense map: the values strictly above the threshold pass and are
   * emitted as the rule says (v for keep, v − threshold in float for shrink), then the top k by
   * emitted value with ties to the lower index. With minActive k the frame's threshold is, by the
   * definition and for every frame, min(threshold, max(the (k+1)-th largest value that is not NaN,
   * found by sorting, min(threshold, 0))), or min(threshold, 0) when at most k values are not NaN.
   */
  public static SparseCode sparsify(float[] dense, int[] shape, OutputSpec output) {
    float tau = output.threshold();
    if (output.minActive().isPresent()) {
      int k = output.minActive().getAsInt();
      float[] ranked = new float[dense.length];
      int n = 0;
      for (float v : dense) {
        if (!Float.isNaN(v)) {
          ranked[n++] = v;
        }
      }
      Arrays.sort(ranked, 0, n);
      float floor = Math.min(tau, 0f);
      tau = Math.min(tau, n <= k ? floor : Math.max(ranked[n - 1 - k], floor));
    }
    float[] emitted = new float[dense.length];
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < dense.length; i++) {
      if (dense[i] > tau) {
        kept.add(i);
        emitted[i] = output.rule() == OutputRule.SHRINK ? dense[i] - tau : dense[i];
      }
    }
    if (output.topK().isPresent() && kept.size() > output.topK().getAsInt()) {
      kept.sort((a, b) -> emitted[a] != emitted[b] ? Float.compare(emitted[b], emitted[a]) : a - b);
      kept = new ArrayList<>(kept.subList(0, output.topK().getAsInt()));
      kept.sort(null);
    }
    int[] idx = kept.stream().mapToInt(Integer::intValue).toArray();
    float[] val = new float[idx.length];
    for (int i = 0; i < idx.length; i++) {
      val[i] = emitted[idx[i]];
    }
    return new SparseCode(shape, idx, val);
  }

  private static double[] conv(ConvLayer conv, double[] x, int[] in) {
    int k = conv.outputMaps();
    int c = conv.inputChannels();
    int kh = conv.kernelHeight();
    int kw = conv.kernelWidth();
    int h = in[1];
    int w = in[2];
    int ho = h - kh + 1;
    int wo = w - kw + 1;
    double[] out = new double[k * ho * wo];
    for (int m = 0; m < k; m++) {
      for (int u = 0; u < ho; u++) {
        for (int v = 0; v < wo; v++) {
          double s = conv.bias().get(m);
          for (int ch = 0; ch < c; ch++) {
            for (int a = 0; a < kh; a++) {
              for (int b = 0; b < kw; b++) {
                double wt = conv.weights().get(((m * c + ch) * kh + a) * kw + b);
                s += wt * x[(ch * h + u + a) * w + v + b];
              }
            }
          }
          out[(m * ho + u) * wo + v] = conv.gain().get(m) * Math.max(0, s);
        }
      }
    }
    return out;
  }

  private static double[] pool(L2PoolLayer pool, double[] x, int[] in) {
    int[] out = pool.outputShape(in);
    int h = in[1];
    int w = in[2];
    int win = pool.window();
    int s = pool.stride();
    int m = pool.groupSize();
    double[] y = new double[out[0] * out[1] * out[2]];
    for (int j = 0; j < out[0]; j++) {
      for (int u = 0; u < out[1]; u++) {
        for (int v = 0; v < out[2]; v++) {
          double sum = 0;
          for (int i = 0; i < m; i++) {
            int map = pool.groups().get(j * m + i);
            double wt = pool.weights().get(j * m + i);
            double e = 0;
            for (int a = 0; a < win; a++) {
              for (int b = 0; b < win; b++) {
                double hv = x[(map * h + s * u + a) * w + s * v + b];
                e += hv * hv;
              }
            }
            sum += wt * e;
          }
          y[(j * out[1] + u) * out[2] + v] = Math.sqrt(sum);
        }
      }
    }
    return y;
  }

  /** For debugging failed comparisons. */
  static String describe(float[] a) {
    return Arrays.toString(Arrays.copyOf(a, Math.min(a.length, 8)));
  }
}
