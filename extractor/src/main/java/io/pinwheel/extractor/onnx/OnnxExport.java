package io.pinwheel.extractor.onnx;

import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.LinearLayer;
import io.pinwheel.extractor.model.RecurrentLayer;
import io.pinwheel.extractor.onnx.OnnxGraph.Attribute;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An {@link EncoderModel} as an ONNX model (IR version 8, operator set 17) that computes the same
 * dense code as {@link io.pinwheel.extractor.Encoder#encodeDense}, and the head's scores.
 *
 * <p>Input {@value #INPUT}: float [N, C, H, W], frames already decoded and normalized as the
 * model's {@link InputSpec} says (LCN or standardization is not part of the graph). Outputs {@value
 * #CODE}: float [N, P, H', W'], the dense code, flat in the same order as pinwheel's; and, for a
 * model with a linear head, {@value #SCORES}: float [N, classes]. N is symbolic.
 *
 * <p>The operators, per conv + l2pool stage: Conv with the weights and bias scaled by |gain| (as
 * the encoder folds them; the sign of the gain cannot matter, pooling squares it), Relu, Mul by
 * itself, a 1x1 Conv whose [P, K] weight matrix sums each pool's members with their weights
 * (overlapping pools included), AveragePool over the window, Mul by window² and Sqrt; a window of 1
 * with stride 1 skips the pooling. A recurrent (DrSAE) layer is unrolled: Flatten, Gemm X Eᵀ − b
 * and Relu, then T−1 times Gemm Z Sᵀ + drive and Relu, and a Reshape to [N, K, 1, 1]. A linear head
 * is Flatten and Gemm W z + b.
 */
public final class OnnxExport {
  /** The graph's input: normalized frames [N, C, H, W]. */
  public static final String INPUT = "frame";

  /** The dense code output [N, P, H', W']. */
  public static final String CODE = "code";

  /** The head's scores output [N, classes], present only for models with a head. */
  public static final String SCORES = "scores";

  private OnnxExport() {}

  /** The ONNX model of {@code model}, serialized. */
  public static byte[] toBytes(EncoderModel model) {
    OnnxGraph g = new OnnxGraph(model.name() + "-v" + model.version());
    InputSpec in = model.input();
    g.input(INPUT, null, (long) in.channels(), (long) in.height(), (long) in.width());
    List<Layer> code = model.codeLayers();
    String x = INPUT;
    if (code.get(0) instanceof RecurrentLayer recurrent) {
      x = recurrent(g, recurrent);
    } else {
      for (int s = 0; s < code.size(); s += 2) {
        x = stage(g, x, (ConvLayer) code.get(s), (L2PoolLayer) code.get(s + 1));
      }
    }
    int[] shape = model.outputShape();
    g.named(CODE, "Identity", List.of(x));
    g.output(CODE, null, (long) shape[0], (long) shape[1], (long) shape[2]);
    if (model.head().isPresent()) {
      LinearLayer head = model.head().get();
      String flat = g.node("Flatten", List.of(CODE), Attribute.integer("axis", 1));
      String w =
          g.floats(
              "head_weights", dims(head.classes(), head.inputSize()), head.weights().toArray());
      String b = g.floats("head_bias", dims(head.classes()), head.bias().toArray());
      g.named(SCORES, "Gemm", List.of(flat, w, b), Attribute.integer("transB", 1));
      g.output(SCORES, null, (long) head.classes());
    }
    String doc =
        "pinwheel encoder "
            + model.name()
            + " v"
            + model.version()
            + ": input '"
            + INPUT
            + "' is the frame after decoding and "
            + in.normalize()
            + ", [N, C, H, W]; output '"
            + CODE
            + "' is the dense code"
            + (model.head().isPresent() ? ", '" + SCORES + "' the head's scores" : "");
    return g.toModel("pinwheel", "1", model.version(), doc);
  }

  /** Writes {@link #toBytes} to {@code path}. */
  public static void write(EncoderModel model, Path path) throws IOException {
    Files.write(path, toBytes(model));
  }

  private static String stage(OnnxGraph g, String x, ConvLayer conv, L2PoolLayer pool) {
    int maps = conv.outputMaps();
    int depth = conv.inputChannels() * conv.kernelHeight() * conv.kernelWidth();
    float[] w = conv.weights().toArray();
    float[] b = conv.bias().toArray();
    for (int k = 0; k < maps; k++) {
      float gain = Math.abs(conv.gain().get(k));
      b[k] *= gain;
      for (int i = k * depth; i < (k + 1) * depth; i++) {
        w[i] *= gain;
      }
    }
    String weights =
        g.floats(
            "conv_weights",
            dims(maps, conv.inputChannels(), conv.kernelHeight(), conv.kernelWidth()),
            w);
    String bias = g.floats("conv_bias", dims(maps), b);
    String z =
        g.node(
            "Conv",
            List.of(x, weights, bias),
            Attribute.ints("kernel_shape", conv.kernelHeight(), conv.kernelWidth()));
    String h = g.node("Relu", List.of(z));
    String squares = g.node("Mul", List.of(h, h));
    int pools = pool.poolCount();
    float[] members = new float[pools * maps];
    for (int j = 0; j < pools; j++) {
      for (int i = 0; i < pool.groupSize(); i++) {
        int flat = j * pool.groupSize() + i;
        members[j * maps + pool.groups().get(flat)] += pool.weights().get(flat);
      }
    }
    String groups = g.floats("pool_members", dims(pools, maps, 1, 1), members);
    String energy = g.node("Conv", List.of(squares, groups), Attribute.ints("kernel_shape", 1, 1));
    int win = pool.window();
    int s = pool.stride();
    if (win > 1 || s > 1) {
      String mean =
          g.node(
              "AveragePool",
              List.of(energy),
              Attribute.ints("kernel_shape", win, win),
              Attribute.ints("strides", s, s));
      String area = g.floats("window_area", dims(1), new float[] {win * win});
      energy = g.node("Mul", List.of(mean, area));
    }
    return g.node("Sqrt", List.of(energy));
  }

  private static String recurrent(OnnxGraph g, RecurrentLayer layer) {
    int units = layer.units();
    String x = g.node("Flatten", List.of(INPUT), Attribute.integer("axis", 1));
    String e = g.floats("encoder", dims(units, layer.inputSize()), layer.encoder().toArray());
    String s = g.floats("lateral", dims(units, units), layer.lateral().toArray());
    float[] negated = layer.bias().toArray();
    for (int k = 0; k < negated.length; k++) {
      negated[k] = -negated[k];
    }
    String minusBias = g.floats("minus_bias", dims(units), negated);
    String drive = g.node("Gemm", List.of(x, e, minusBias), Attribute.integer("transB", 1));
    String z = g.node("Relu", List.of(drive));
    for (int t = 1; t < layer.steps(); t++) {
      String next = g.node("Gemm", List.of(z, s, drive), Attribute.integer("transB", 1));
      z = g.node("Relu", List.of(next));
    }
    String shape = g.int64s("code_shape", dims(4), new long[] {-1, units, 1, 1});
    return g.node("Reshape", List.of(z, shape));
  }

  private static long[] dims(int... d) {
    long[] out = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = d[i];
    }
    return out;
  }
}
