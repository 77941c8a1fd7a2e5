package io.pinwheel.bench;

import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.trainer.GaborModelOptions;
import io.pinwheel.trainer.InitialModels;
import java.util.List;
import java.util.Random;

/**
 * The project's reference workload as {@code bench encoder} times it: the reference model, {@link
 * InitialModels#gabor()} ({@link GaborModelOptions#defaults()}: 96x96 gray, 64 filters 9x9 with
 * bias and gain, L2 pooling over 16 groups of 4 maps with a 2x2 window and stride 2), with two
 * changes for timing the encoder alone. Its frames come already normalized, so the input has no LCN
 * (the bench feeds frames in memory, and the ONNX graph has none either). Its conv weights are
 * seeded Gaussian noise rather than Gabor filters: speed does not depend on their values, and the
 * alternatives' agreement figures in BENCHMARKS.md were taken with these.
 */
record ReferenceWorkload(EncoderModel model) {
  /** The reference model's choices, this workload's one definition. */
  private static final GaborModelOptions REFERENCE = GaborModelOptions.defaults();

  /** The frame's side in pixels. */
  static final int SIZE = REFERENCE.size();

  /** The conv layer's filters. */
  static final int FILTERS = REFERENCE.filters();

  /** The conv kernel's side in pixels. */
  static final int KERNEL = REFERENCE.kernel();

  /** The reference model, without LCN, with seeded random weights drawn from {@code seed}. */
  static ReferenceWorkload create(long seed) {
    EncoderModel reference = InitialModels.gabor(REFERENCE);
    ConvLayer gabor = (ConvLayer) reference.layers().get(0);
    Random rnd = new Random(seed);
    float[] w = new float[gabor.weights().size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (rnd.nextGaussian() / gabor.kernelHeight());
    }
    ConvLayer conv =
        new ConvLayer(FloatTensor.of(gabor.weights().shape(), w), gabor.bias(), gabor.gain());
    InputSpec in = reference.input();
    return new ReferenceWorkload(
        new EncoderModel(
            "bench-reference",
            1,
            reference.createdAt(),
            new InputSpec(in.height(), in.width(), in.channels(), new Normalization.None()),
            List.of(conv, reference.layers().get(1)),
            reference.output(),
            "{\"method\":\"bench-reference\",\"weights\":\"gaussian / kernel side, seed "
                + seed
                + "\",\"layout\":\"InitialModels.gabor()\"}",
            reference.trainingTensors()));
  }

  /** Rows of the im2col matrix: C * kh * kw. */
  int depth() {
    ConvLayer c = conv();
    return c.inputChannels() * c.kernelHeight() * c.kernelWidth();
  }

  /** Conv work per frame: 2 * K * C * kh * kw * H_out * W_out floating-point operations. */
  double convFlopsPerFrame() {
    ConvLayer c = conv();
    int outHeight = model.input().height() - c.kernelHeight() + 1;
    int outWidth = model.input().width() - c.kernelWidth() + 1;
    return 2.0 * c.outputMaps() * depth() * outHeight * outWidth;
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
      float[] d = new float[REFERENCE.channels() * SIZE * SIZE];
      for (int i = 0; i < d.length; i++) {
        d[i] = rnd.nextFloat();
      }
      frames[f] = Frame.of(REFERENCE.channels(), SIZE, SIZE, d);
    }
    return frames;
  }
}
