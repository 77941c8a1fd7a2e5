package io.pinwheel.extractor.model;

import io.pinwheel.extractor.RandomModels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;

/** Random valid models for the file-format tests. */
final class TestModels {
  private TestModels() {}

  /**
   * A random model of two stacked stages on a {@code channels} x 13 x 12 input, with training
   * provenance and two training tensors.
   */
  static EncoderModel random(Random rnd, int channels, Normalization normalize, OptionalInt topK) {
    List<Layer> layers = new ArrayList<>();
    int c = channels;
    int[][] stages = {
      // maps, kernel, pools, group size, window, stride
      {6, 3, 4, 2, 2, 1}, {5, 2, 3, 3, 2, 2},
    };
    for (int[] s : stages) {
      layers.add(
          new ConvLayer(
              gaussian(rnd, s[0], c, s[1], s[1]), gaussian(rnd, s[0]), gaussian(rnd, s[0])));
      int[] groups = new int[s[2] * s[3]];
      float[] weights = new float[groups.length];
      for (int i = 0; i < groups.length; i++) {
        groups[i] = rnd.nextInt(s[0]);
        weights[i] = rnd.nextFloat() * 2;
      }
      int[] shape = {s[2], s[3]};
      layers.add(
          new L2PoolLayer(IntTensor.of(shape, groups), FloatTensor.of(shape, weights), s[4], s[5]));
      c = s[2];
    }
    return new EncoderModel(
        "random-model_" + rnd.nextInt(1000),
        1 + rnd.nextInt(100),
        Instant.ofEpochSecond(1_700_000_000L + rnd.nextInt(1_000_000), rnd.nextInt(1_000_000_000)),
        new InputSpec(13, 12, channels, normalize),
        layers,
        new OutputSpec(rnd.nextFloat(), topK),
        "{\"epochs\":3,\"lr\":0.01,\"data\":\"set-a\",\"nested\":{\"seeds\":[1,2,3],\"ok\":true}}",
        Map.of("decoder", gaussian(rnd, 6, 3, 3), "loss.history", gaussian(rnd, 10)));
  }

  /** A random model with standardization and a top-k limit. */
  static EncoderModel random(Random rnd) {
    return random(rnd, 1, new Normalization.Standardize(0.5f, 0.25f), OptionalInt.of(7));
  }

  /** The smallest model there is: one 1x1 map on a 2x2 gray frame, pooled 1x1. */
  static EncoderModel tiny() {
    return EncoderModel.of(
        "tiny",
        1,
        new InputSpec(2, 2, 1, new Normalization.None()),
        List.of(
            new ConvLayer(
                FloatTensor.filled(new int[] {1, 1, 1, 1}, 1f),
                FloatTensor.filled(new int[] {1}, 0f),
                FloatTensor.filled(new int[] {1}, 1f)),
            L2PoolLayer.unweighted(IntTensor.filled(new int[] {1, 1}, 0), 1, 1)),
        OutputSpec.threshold(0f));
  }

  /** The labels of {@link #recurrent}'s head. */
  static final List<String> LABELS = List.of("T-shirt", "trouser", "pullover");

  /**
   * A random recurrent model on a 1 x 6 x 5 frame: 12 units, 4 steps, top 5 kept; with a linear
   * head of the three {@link #LABELS} when {@code head} is set.
   */
  static EncoderModel recurrent(Random rnd, boolean head) {
    List<Layer> layers = new ArrayList<>();
    layers.add(
        new RecurrentLayer(
            gaussian(rnd, 12, 30), scaled(gaussian(rnd, 12, 12), 0.2f), gaussian(rnd, 12), 4));
    if (head) {
      layers.add(new LinearLayer(gaussian(rnd, 3, 12), gaussian(rnd, 3), LABELS));
    }
    return new EncoderModel(
        "drsae-fashion",
        2,
        Instant.parse("2024-05-01T12:00:00Z"),
        new InputSpec(6, 5, 1, new Normalization.None()),
        layers,
        new OutputSpec(0.1f, OptionalInt.of(5)),
        "{\"trainer\":\"drsae\"}",
        Map.of("decoder", gaussian(rnd, 30, 12)));
  }

  private static FloatTensor scaled(FloatTensor t, float factor) {
    float[] d = t.toArray();
    for (int i = 0; i < d.length; i++) {
      d[i] *= factor;
    }
    return FloatTensor.of(t.shape(), d);
  }

  /** A tensor of standard normal values. */
  static FloatTensor gaussian(Random rnd, int... shape) {
    return RandomModels.gaussian(rnd, 1, shape);
  }
}
