package io.pinwheel.trainer.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.IntTensor;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.oracle.ConvSparseCoder;
import io.pinwheel.trainer.PoolGroups;
import io.pinwheel.trainer.optim.NativeCounts;
import io.pinwheel.trainer.optim.Parameters;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The hand-written gradients against SameDiff's (in double precision) and against finite
 * differences, on small random problems: every term, several pool shapes, more than one channel
 * (what a stacked stage reads) and more than one thread.
 */
class ConvGradientsTest {
  private static final double LAMBDA = 0.3;
  private static final double EPSILON = 1e-3;

  private static Parameters random(ConvGradients.Geometry g, SplittableRandom rnd) {
    Parameters p = g.zeroParameters();
    fill(p.get(ConvGradients.ENCODER), rnd, 0.5, 0);
    fill(p.get(ConvGradients.BIAS), rnd, 0.1, 0);
    fill(p.get(ConvGradients.GAIN), rnd, 1, 1.5);
    fill(p.get(ConvGradients.DECODER), rnd, 0.5, 0);
    return p;
  }

  private static void fill(float[] a, SplittableRandom rnd, double scale, double offset) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (offset + scale * (rnd.nextDouble() * 2 - 1));
    }
  }

  private static float[] frames(ConvGradients.Geometry g, int n, SplittableRandom rnd) {
    float[] x = new float[n * g.channels() * g.height() * g.width()];
    fill(x, rnd, 1, 0);
    return x;
  }

  /** ‖native − SameDiff‖ / ‖SameDiff‖ ≤ 1e-4 for every parameter, and the terms alike. */
  private static void assertMatchesSameDiff(
      ConvGradients.Geometry g, L2PoolLayer pool, double lambda, int n, int threads, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Parameters p = random(g, rnd);
    float[] x = frames(g, n, rnd);
    Parameters grad = g.zeroParameters();
    ConvGradients.Terms terms;
    try (ConvGradients native_ = new ConvGradients(g, pool, lambda, EPSILON, threads)) {
      terms = native_.gradient(p, x, n, grad);
    }
    ConvSparseCoder oracle = ConvOracle.of(p, pool, lambda, EPSILON, DataType.DOUBLE);
    INDArray input =
        Nd4j.create(x, new long[] {n, g.channels(), g.height(), g.width()}, 'c')
            .castTo(DataType.DOUBLE);
    ConvSparseCoder.Step step = oracle.step(input);
    Parameters expected = ConvOracle.asParameters(step.gradients(), p);
    assertThat(terms.reconstruction())
        .isCloseTo(step.reconstruction(), within(1e-5 * step.reconstruction()));
    assertThat(terms.sparsity()).isCloseTo(step.sparsity(), within(1e-5 * step.sparsity()));
    for (String name : ConvGradients.PARAMETERS) {
      double norm = norm(expected.get(name), null);
      assertThat(norm).as("%s gradient norm", name).isGreaterThan(0);
      assertThat(norm(grad.get(name), expected.get(name)) / norm)
          .as("%s relative error", name)
          .isLessThan(1e-4);
    }
  }

  private static double norm(float[] a, float[] minus) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - (minus == null ? 0 : minus[i]);
      s += d * d;
    }
    return Math.sqrt(s);
  }

  @Test
  void shouldMatchSameDiffOnTheReconstructionTermAlone() {
    ConvGradients.Geometry g = new ConvGradients.Geometry(1, 7, 6, 3, 4);
    assertMatchesSameDiff(g, L2PoolLayer.unweighted(PoolGroups.block(4, 2), 2, 2), 0, 3, 1, 1);
  }

  @Test
  void shouldMatchSameDiffWithBlockPools() {
    ConvGradients.Geometry g = new ConvGradients.Geometry(2, 7, 6, 3, 4);
    assertMatchesSameDiff(g, L2PoolLayer.unweighted(PoolGroups.block(4, 2), 2, 2), LAMBDA, 3, 1, 2);
  }

  @Test
  void shouldMatchSameDiffWithWeightedOverlappingTopographicPools() {
    ConvGradients.Geometry g = new ConvGradients.Geometry(1, 9, 8, 3, 4);
    L2PoolLayer pool =
        new L2PoolLayer(
            PoolGroups.topographic(2, 2, 1), FloatTensor.filled(new int[] {4, 1}, 0.7f), 3, 2);
    assertMatchesSameDiff(g, pool, LAMBDA, 2, 1, 3);
  }

  @Test
  void shouldMatchSameDiffWhenWindowsLeaveGapsBetweenThem() {
    // Stride 3 over windows of 2: some code positions are in no window and get no sparsity term.
    ConvGradients.Geometry g = new ConvGradients.Geometry(1, 10, 9, 3, 4);
    assertMatchesSameDiff(g, L2PoolLayer.unweighted(PoolGroups.block(4, 2), 2, 3), LAMBDA, 2, 1, 7);
  }

  @Test
  void shouldMatchSameDiffWhenAPoolNamesAMapTwice() {
    ConvGradients.Geometry g = new ConvGradients.Geometry(1, 6, 6, 3, 3);
    L2PoolLayer pool =
        new L2PoolLayer(
            IntTensor.of(new int[] {2, 2}, new int[] {0, 0, 1, 2}),
            FloatTensor.of(new int[] {2, 2}, new float[] {0.5f, 1f, 2f, 0.25f}),
            2,
            1);
    assertMatchesSameDiff(g, pool, LAMBDA, 2, 1, 4);
  }

  @Test
  void shouldMatchSameDiffOnAStackedStagesManyChannelInput() {
    // A stacked stage reads the pooled maps of the stage below: many channels, small frames.
    ConvGradients.Geometry g = new ConvGradients.Geometry(4, 6, 6, 2, 4);
    assertMatchesSameDiff(g, L2PoolLayer.unweighted(PoolGroups.block(4, 2), 2, 1), LAMBDA, 3, 1, 5);
  }

  @Test
  void shouldMatchSameDiffWithTwoThreadsAndChunksOfSeveralFrames() {
    // 40 frames of 3x3 codes: several chunks per worker and a short last one.
    ConvGradients.Geometry g = new ConvGradients.Geometry(1, 5, 5, 3, 4);
    assertMatchesSameDiff(
        g, L2PoolLayer.unweighted(PoolGroups.block(4, 2), 2, 1), LAMBDA, 2000, 2, 6);
  }

  @Test
  void shouldMatchAFiniteDifferenceAlongTheGradient() {
    ConvGradients.Geometry g = new ConvGradients.Geometry(1, 8, 8, 3, 4);
    L2PoolLayer pool = L2PoolLayer.unweighted(PoolGroups.block(4, 2), 2, 2);
    SplittableRandom rnd = new SplittableRandom(9);
    Parameters p = random(g, rnd);
    float[] x = frames(g, 4, rnd);
    Parameters grad = g.zeroParameters();
    try (ConvGradients native_ = new ConvGradients(g, pool, LAMBDA, EPSILON, 1)) {
      native_.gradient(p, x, 4, grad);
      for (String name : ConvGradients.PARAMETERS) {
        // Central difference along the gradient itself: d/dt L(p + t·g) at 0 is ‖g‖².
        float[] v = p.get(name);
        float[] d = grad.get(name);
        double gg = norm(d, null);
        double h = 1e-2 / gg;
        float[] saved = v.clone();
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (saved[i] + h * d[i]);
        }
        double up = native_.terms(p, x, 4).loss(LAMBDA);
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (saved[i] - h * d[i]);
        }
        double down = native_.terms(p, x, 4).loss(LAMBDA);
        System.arraycopy(saved, 0, v, 0, v.length);
        assertThat((up - down) / (2 * h)).as(name).isCloseTo(gg * gg, within(2e-3 * gg * gg));
      }
    }
  }

  @Test
  void shouldGiveTheSameBytesForTheSameThreadCount() {
    ConvGradients.Geometry g = new ConvGradients.Geometry(1, 12, 12, 5, 8);
    L2PoolLayer pool = L2PoolLayer.unweighted(PoolGroups.block(8, 2), 2, 2);
    SplittableRandom rnd = new SplittableRandom(10);
    Parameters p = random(g, rnd);
    float[] x = frames(g, 64, rnd);
    Parameters a = g.zeroParameters();
    Parameters b = g.zeroParameters();
    try (ConvGradients one = new ConvGradients(g, pool, LAMBDA, EPSILON, 2);
        ConvGradients two = new ConvGradients(g, pool, LAMBDA, EPSILON, 2)) {
      one.gradient(p, x, 64, a);
      two.gradient(p, x, 64, b);
      assertThat(a.bitEquals(b)).isTrue();
      two.gradient(p, x, 64, b);
      assertThat(a.bitEquals(b)).isTrue();
    }
  }

  @Test
  void shouldReportTheCodeAndPooledMapsSameDiffComputes() {
    ConvGradients.Geometry g = new ConvGradients.Geometry(1, 9, 8, 3, 4);
    L2PoolLayer pool =
        new L2PoolLayer(
            PoolGroups.topographic(2, 2, 1), FloatTensor.filled(new int[] {4, 1}, 0.5f), 2, 2);
    SplittableRandom rnd = new SplittableRandom(11);
    Parameters p = random(g, rnd);
    float[] x = frames(g, 3, rnd);
    ConvSparseCoder oracle = ConvOracle.of(p, pool, LAMBDA, EPSILON, DataType.FLOAT);
    INDArray input = Nd4j.create(x, new long[] {3, 1, 9, 8}, 'c');
    try (ConvGradients native_ = new ConvGradients(g, pool, LAMBDA, EPSILON, 1)) {
      Map<String, float[]> got =
          Map.of(
              "code", native_.codes(p, x, 3),
              "pooled", native_.pooled(p, x, 3),
              "reconstruction", native_.reconstructions(p, x, 3));
      Map<String, float[]> expected =
          Map.of(
              "code", oracle.code(input).data().asFloat(),
              "pooled", oracle.pooled(input).data().asFloat(),
              "reconstruction", oracle.reconstruct(input).data().asFloat());
      for (String k : got.keySet()) {
        assertThat(got.get(k)).as(k).hasSameSizeAs(expected.get(k));
        for (int i = 0; i < got.get(k).length; i++) {
          assertThat(got.get(k)[i]).as("%s[%d]", k, i).isCloseTo(expected.get(k)[i], within(1e-4f));
        }
      }
    }
  }

  @Test
  void shouldMakeTheGroupPenaltyTheExtractorsL2Pooling() throws Exception {
    ConvGradients.Geometry g = new ConvGradients.Geometry(1, 9, 8, 3, 4);
    L2PoolLayer pool =
        new L2PoolLayer(
            PoolGroups.topographic(2, 2, 1), FloatTensor.filled(new int[] {4, 1}, 0.7f), 2, 2);
    SplittableRandom rnd = new SplittableRandom(12);
    Parameters p = random(g, rnd);
    float[] x = frames(g, 1, rnd);
    EncoderModel model =
        EncoderModel.of(
            "t",
            1,
            new InputSpec(9, 8, 1, new Normalization.None()),
            List.<Layer>of(
                new ConvLayer(
                    FloatTensor.of(p.shape(ConvGradients.ENCODER), p.get(ConvGradients.ENCODER)),
                    FloatTensor.of(p.shape(ConvGradients.BIAS), p.get(ConvGradients.BIAS)),
                    FloatTensor.of(p.shape(ConvGradients.GAIN), p.get(ConvGradients.GAIN))),
                pool),
            OutputSpec.threshold(0f));
    float[] served;
    try (Encoder encoder = new Encoder(model)) {
      served = encoder.encodeDense(Frame.of(1, 9, 8, x));
    }
    double sum = 0;
    for (float v : served) {
      sum += v;
    }
    try (ConvGradients native_ = new ConvGradients(g, pool, 1, 1e-12, 1)) {
      assertThat(native_.terms(p, x, 1).sparsity()).isCloseTo(sum, within(1e-4 * sum));
    }
  }

  @Test
  void shouldReconstructWithTheTransposeOfTheEncoderConvolution() {
    int c = 2;
    int k = 3;
    int maps = 4;
    ConvGradients.Geometry g = new ConvGradients.Geometry(c, 6, 5, k, maps);
    SplittableRandom rnd = new SplittableRandom(3);
    Parameters p = random(g, rnd);
    float[] x = frames(g, 1, rnd);
    L2PoolLayer pool = L2PoolLayer.unweighted(PoolGroups.block(maps, 2), 2, 1);
    float[] h;
    double rec;
    try (ConvGradients native_ = new ConvGradients(g, pool, LAMBDA, EPSILON, 1)) {
      h = native_.codes(p, x, 1);
      rec = native_.terms(p, x, 1).reconstruction();
    }
    float[] wd = p.get(ConvGradients.DECODER);
    double expected = 0;
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < 6; y++) {
        for (int xx = 0; xx < 5; xx++) {
          double r = 0;
          for (int m = 0; m < maps; m++) {
            for (int a = 0; a < k; a++) {
              for (int b = 0; b < k; b++) {
                int u = y - a;
                int v = xx - b;
                if (u >= 0 && v >= 0 && u < 4 && v < 3) {
                  r += wd[((m * c + ch) * k + a) * k + b] * h[(m * 4 + u) * 3 + v];
                }
              }
            }
          }
          double d = x[(ch * 6 + y) * 5 + xx] - r;
          expected += d * d;
        }
      }
    }
    assertThat(rec).isCloseTo(expected, within(1e-5 * expected));
  }

  @Test
  void shouldAllocateNoNativeMemoryAfterTheFirstStep() throws Exception {
    ConvGradients.Geometry g = new ConvGradients.Geometry(1, 28, 28, 5, 16);
    L2PoolLayer pool =
        new L2PoolLayer(
            PoolGroups.topographic(4, 4, 3), FloatTensor.filled(new int[] {16, 9}, 1f), 4, 2);
    SplittableRandom rnd = new SplittableRandom(13);
    Parameters p = random(g, rnd);
    float[] x = frames(g, 16, rnd);
    Parameters grad = g.zeroParameters();
    try (ConvGradients native_ = new ConvGradients(g, pool, LAMBDA, EPSILON, 2)) {
      native_.gradient(p, x, 16, grad);
      NativeCounts before = NativeCounts.settled();
      for (int step = 1; step < 500; step++) {
        native_.gradient(p, x, 16, grad);
      }
      assertThat(NativeCounts.now()).isEqualTo(before);
    }
  }
}
