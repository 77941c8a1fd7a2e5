package io.pinwheel.trainer.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.trainer.PoolGroups;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ConvSparseCoderTest {
  private static final int K = 4;
  private static final int C = 2;
  private static final int KS = 3;

  private static INDArray random(SplittableRandom rnd, DataType type, double scale, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    double[] v = new double[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = scale * (rnd.nextDouble() * 2 - 1);
    }
    return Nd4j.create(v, shape, DataType.DOUBLE).castTo(type);
  }

  private static L2PoolLayer topoPool() {
    return new L2PoolLayer(
        PoolGroups.topographic(2, 2, 1), FloatTensor.filled(new int[] {4, 1}, 0.5f), 2, 1);
  }

  private static ConvSparseCoder coder(SplittableRandom rnd, DataType type, L2PoolLayer pool) {
    return new ConvSparseCoder(
        random(rnd, type, 0.5, KS, KS, C, K),
        random(rnd, type, 0.1, K),
        random(rnd, type, 1, K).addi(1.5),
        random(rnd, type, 0.5, KS, KS, C, K),
        pool,
        0.3,
        1e-3);
  }

  @Test
  void shouldMatchFiniteDifferencesOnEveryParameter() {
    SplittableRandom rnd = new SplittableRandom(7);
    L2PoolLayer pool = L2PoolLayer.unweighted(PoolGroups.block(K, 2), 2, 2);
    ConvSparseCoder coder = coder(rnd, DataType.DOUBLE, pool);
    INDArray x = random(rnd, DataType.DOUBLE, 1, 2, C, 7, 6);
    Map<String, INDArray> grads = coder.step(x).gradients();
    double h = 1e-6;
    for (String name : ConvSparseCoder.PARAMETERS) {
      INDArray p = coder.parameter(name);
      INDArray g = grads.get(name);
      for (int i = 0; i < p.length(); i += 1 + (int) (p.length() / 12)) {
        double v = p.getDouble(i);
        p.putScalar(i, v + h);
        double up = loss(coder, x);
        p.putScalar(i, v - h);
        double down = loss(coder, x);
        p.putScalar(i, v);
        double numeric = (up - down) / (2 * h);
        assertThat(g.getDouble(i))
            .as("%s[%d]", name, i)
            .isCloseTo(numeric, within(1e-5 * Math.max(1, Math.abs(numeric))));
      }
    }
  }

  private static double loss(ConvSparseCoder coder, INDArray x) {
    ConvSparseCoder.Terms t = coder.terms(x);
    return t.reconstruction() + 0.3 * t.sparsity();
  }

  @Test
  void shouldReconstructWithTheTransposeOfTheEncoderConvolution() {
    SplittableRandom rnd = new SplittableRandom(3);
    ConvSparseCoder coder = coder(rnd, DataType.DOUBLE, topoPool());
    INDArray x = random(rnd, DataType.DOUBLE, 1, 1, C, 6, 5);
    INDArray h = coder.code(x);
    INDArray wd = coder.decoderAtoms();
    double expected = 0;
    for (int c = 0; c < C; c++) {
      for (int y = 0; y < 6; y++) {
        for (int xx = 0; xx < 5; xx++) {
          double r = 0;
          for (int k = 0; k < K; k++) {
            for (int a = 0; a < KS; a++) {
              for (int b = 0; b < KS; b++) {
                int u = y - a;
                int v = xx - b;
                if (u >= 0 && v >= 0 && u < 4 && v < 3) {
                  r += wd.getDouble(k, c, a, b) * h.getDouble(0, k, u, v);
                }
              }
            }
          }
          double d = x.getDouble(0, c, y, xx) - r;
          expected += d * d;
        }
      }
    }
    assertThat(coder.terms(x).reconstruction()).isCloseTo(expected, within(1e-9));
  }

  @Test
  void shouldMakeTheGroupPenaltyTheExtractorsL2Pooling() throws Exception {
    SplittableRandom rnd = new SplittableRandom(11);
    L2PoolLayer pool =
        new L2PoolLayer(
            PoolGroups.topographic(2, 2, 1), FloatTensor.filled(new int[] {4, 1}, 0.7f), 2, 2);
    ConvSparseCoder coder =
        new ConvSparseCoder(
            random(rnd, DataType.FLOAT, 0.5, KS, KS, 1, K),
            random(rnd, DataType.FLOAT, 0.1, K),
            random(rnd, DataType.FLOAT, 1, K).addi(1.5),
            random(rnd, DataType.FLOAT, 0.5, KS, KS, 1, K),
            pool,
            1,
            1e-12);
    INDArray x = random(rnd, DataType.FLOAT, 1, 1, 1, 9, 8);
    EncoderModel model =
        EncoderModel.of(
            "t",
            1,
            new InputSpec(9, 8, 1, new Normalization.None()),
            List.<Layer>of(
                new ConvLayer(
                    tensor(coder.encoderFilters()),
                    tensor(coder.parameter(ConvSparseCoder.BIAS)),
                    tensor(coder.parameter(ConvSparseCoder.GAIN))),
                pool),
            OutputSpec.threshold(0f));
    float[] served;
    try (Encoder encoder = new Encoder(model)) {
      served = encoder.encodeDense(Frame.of(1, 9, 8, x.data().asFloat()));
    }
    double sum = 0;
    for (float v : served) {
      sum += v;
    }
    assertThat(coder.terms(x).sparsity()).isCloseTo(sum, within(1e-4 * sum));
  }

  private static FloatTensor tensor(INDArray a) {
    long[] s = a.shape();
    int[] shape = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      shape[i] = (int) s[i];
    }
    return FloatTensor.of(shape, a.dup('c').data().asFloat());
  }

  @Test
  void shouldGiveEveryDecoderAtomUnitNormAfterNormalizing() {
    ConvSparseCoder coder = coder(new SplittableRandom(5), DataType.FLOAT, topoPool());
    coder.normalizeDecoder();
    INDArray atoms = coder.decoderAtoms().reshape(K, (long) C * KS * KS);
    for (int k = 0; k < K; k++) {
      assertThat(atoms.getRow(k).norm2Number().doubleValue()).isCloseTo(1.0, within(1e-5));
    }
  }
}
