package io.pinwheel.bench;

import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.IntTensor;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputSpec;
import java.util.List;
import java.util.Random;

/**
 * The project's reference workload: 96x96 gray frames, 64 filters 9x9, L2 pooling over 16 groups of
 * 4 maps with a 2x2 window and stride 2. Weights are random (seeded): speed does not depend on
 * their values.
 */
record ReferenceWorkload(EncoderModel model) {
  static final int SIZE = 96;
  static final int FILTERS = 64;
  static final int KERNEL = 9;
  static final int GROUP = 4;

  static ReferenceWorkload create(long seed) {
    Random rnd = new Random(seed);
    int depth = KERNEL * KERNEL;
    float[] w = new float[FILTERS * depth];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (rnd.nextGaussian() / KERNEL);
    }
    float[] bias = new float[FILTERS];
    java.util.Arrays.fill(bias, -0.1f);
    int[] groups = new int[FILTERS];
    for (int i = 0; i < FILTERS; i++) {
      groups[i] = i;
    }
    EncoderModel model =
        EncoderModel.of(
            "bench-reference",
            1,
            new InputSpec(SIZE, SIZE, 1, new Normalization.None()),
            List.of(
                new ConvLayer(
                    FloatTensor.of(new int[] {FILTERS, 1, KERNEL, KERNEL}, w),
                    FloatTensor.of(new int[] {FILTERS}, bias),
                    FloatTensor.filled(new int[] {FILTERS}, 1f)),
                L2PoolLayer.unweighted(
                    IntTensor.of(new int[] {FILTERS / GROUP, GROUP}, groups), 2, 2)),
            OutputSpec.threshold(0.5f));
    return new ReferenceWorkload(model);
  }

  /** Rows of the im2col matrix: C * kh * kw. */
  int depth() {
    return KERNEL * KERNEL;
  }

  /** Conv work per frame: 2 * K * C * kh * kw * H_out * W_out floating-point operations. */
  double convFlopsPerFrame() {
    int out = SIZE - KERNEL + 1;
    return 2.0 * FILTERS * KERNEL * KERNEL * out * out;
  }

  ConvLayer conv() {
    return (ConvLayer) model.layers().get(0);
  }

  L2PoolLayer pool() {
    return (L2PoolLayer) model.layers().get(1);
  }

  /** {@code n} frames of uniform noise in [0, 1). */
  static Frame[] frames(int n, long seed) {
    Random rnd = new Random(seed);
    Frame[] frames = new Frame[n];
    for (int f = 0; f < n; f++) {
      float[] d = new float[SIZE * SIZE];
      for (int i = 0; i < d.length; i++) {
        d[i] = rnd.nextFloat();
      }
      frames[f] = Frame.of(1, SIZE, SIZE, d);
    }
    return frames;
  }
}
