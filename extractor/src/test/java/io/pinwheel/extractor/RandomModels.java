package io.pinwheel.extractor;

import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.IntTensor;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.LinearLayer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.extractor.model.RecurrentLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;

/**
 * Random but valid models, tensors and frames for comparing implementations; in the extractor's
 * test-jar, for every module's tests.
 */
public final class RandomModels {
  private RandomModels() {}

  /**
   * One conv/l2pool stage description.
   *
   * @param disjoint whether each map is in at most one pool (otherwise members are drawn at random
   *     and pools overlap)
   */
  public record StageSpec(
      int maps, int kernel, int pools, int groupSize, int window, int stride, boolean disjoint) {
    /** A stage whose pools draw their members at random (overlapping). */
    public StageSpec(int maps, int kernel, int pools, int groupSize, int window, int stride) {
      this(maps, kernel, pools, groupSize, window, stride, false);
    }
  }

  /** A random model with the given stages, random weights, biases, signed gains and groups. */
  public static EncoderModel model(
      Random rnd, int height, int width, int channels, OutputSpec output, StageSpec... stages) {
    List<Layer> layers = new ArrayList<>();
    int c = channels;
    for (StageSpec s : stages) {
      int depth = c * s.kernel() * s.kernel();
      float[] w = new float[s.maps() * depth];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (rnd.nextGaussian() / Math.sqrt(depth));
      }
      float[] b = new float[s.maps()];
      float[] g = new float[s.maps()];
      for (int k = 0; k < s.maps(); k++) {
        b[k] = (float) (rnd.nextGaussian() * 0.2);
        g[k] = (float) (rnd.nextGaussian() + (rnd.nextBoolean() ? 1 : -1));
      }
      layers.add(
          new ConvLayer(
              FloatTensor.of(new int[] {s.maps(), c, s.kernel(), s.kernel()}, w),
              FloatTensor.of(new int[] {s.maps()}, b),
              FloatTensor.of(new int[] {s.maps()}, g)));
      int[] groups = new int[s.pools() * s.groupSize()];
      float[] gw = new float[groups.length];
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < s.maps(); i++) {
        order.add(i);
      }
      java.util.Collections.shuffle(order, rnd);
      for (int i = 0; i < groups.length; i++) {
        groups[i] = s.disjoint() ? order.get(i) : rnd.nextInt(s.maps());
        gw[i] = rnd.nextFloat() * 2;
      }
      int[] gshape = {s.pools(), s.groupSize()};
      layers.add(
          new L2PoolLayer(
              IntTensor.of(gshape, groups), FloatTensor.of(gshape, gw), s.window(), s.stride()));
      c = s.pools();
    }
    return EncoderModel.of(
        "random",
        1,
        new InputSpec(height, width, channels, new Normalization.None()),
        layers,
        output);
  }

  /**
   * A random recurrent model on a {@code channels} x {@code height} x {@code width} frame: encoder
   * rows scaled to unit norm, so the drive is of the order of the input's values; lateral weights
   * small and mostly inhibitory, so the recurrence stays bounded over many steps; biases around
   * 0.3, so roughly a third of the units are active.
   */
  public static EncoderModel recurrent(
      Random rnd, int channels, int height, int width, int units, int steps, OutputSpec output) {
    int d = channels * height * width;
    float[] e = new float[units * d];
    for (int i = 0; i < e.length; i++) {
      e[i] = (float) (rnd.nextGaussian() / Math.sqrt(d));
    }
    float[] s = new float[units * units];
    for (int i = 0; i < s.length; i++) {
      s[i] = (float) ((rnd.nextGaussian() - 0.5) * 0.5 / Math.sqrt(units));
    }
    float[] b = new float[units];
    for (int k = 0; k < units; k++) {
      b[k] = (float) (0.3 + 0.2 * rnd.nextGaussian());
    }
    RecurrentLayer layer =
        new RecurrentLayer(
            FloatTensor.of(new int[] {units, d}, e),
            FloatTensor.of(new int[] {units, units}, s),
            FloatTensor.of(new int[] {units}, b),
            steps);
    return EncoderModel.of(
        "random-recurrent",
        1,
        new InputSpec(height, width, channels, new Normalization.None()),
        List.of(layer),
        output);
  }

  /** {@code model} with a random linear head of {@code classes} labels "c0", "c1", ... added. */
  public static EncoderModel withHead(Random rnd, EncoderModel model, int classes) {
    int[] shape = model.outputShape();
    int k = shape[0] * shape[1] * shape[2];
    float[] w = new float[classes * k];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (rnd.nextGaussian() / Math.sqrt(k));
    }
    float[] b = new float[classes];
    List<String> labels = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      b[c] = (float) (rnd.nextGaussian() * 0.1);
      labels.add("c" + c);
    }
    List<Layer> layers = new ArrayList<>(model.layers());
    layers.add(
        new LinearLayer(
            FloatTensor.of(new int[] {classes, k}, w),
            FloatTensor.of(new int[] {classes}, b),
            labels));
    return EncoderModel.of(model.name(), model.version(), model.input(), layers, model.output());
  }

  /**
   * A tensor of normal values of mean 0 and deviation {@code scale}, drawn in order from {@code
   * rnd}: the same seed gives the same tensor.
   */
  public static FloatTensor gaussian(Random rnd, double scale, int... shape) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      data[i] = (float) (rnd.nextGaussian() * scale);
    }
    return FloatTensor.of(shape, data);
  }

  /** A frame of standard normal values. */
  public static Frame frame(Random rnd, int channels, int height, int width) {
    float[] d = new float[channels * height * width];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) rnd.nextGaussian();
    }
    return Frame.of(channels, height, width, d);
  }

  /** Output rule keeping everything above {@code threshold}, or only the top k when k > 0. */
  public static OutputSpec output(float threshold, int k) {
    return output(threshold, k, OutputRule.KEEP);
  }

  /**
   * Output rule passing everything above {@code threshold}, or only the top k when k > 0, emitted
   * as {@code rule} says.
   */
  public static OutputSpec output(float threshold, int k, OutputRule rule) {
    return new OutputSpec(threshold, k > 0 ? OptionalInt.of(k) : OptionalInt.empty(), rule);
  }

  /** {@code model} with another output rule, everything else (version, creation time) the same. */
  public static EncoderModel withOutput(EncoderModel model, OutputSpec output) {
    return new EncoderModel(
        model.name(),
        model.version(),
        model.createdAt(),
        model.input(),
        model.layers(),
        output,
        model.training(),
        model.trainingTensors());
  }
}
