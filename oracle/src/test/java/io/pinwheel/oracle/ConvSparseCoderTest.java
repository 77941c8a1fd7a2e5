package io.pinwheel.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.extractor.model.IntTensor;
import io.pinwheel.extractor.model.L2PoolLayer;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The oracle checked against finite differences; the trainer's tests then check the hand-written
 * gradients against it.
 */
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
    L2PoolLayer pool =
        L2PoolLayer.unweighted(IntTensor.of(new int[] {2, 2}, new int[] {0, 1, 2, 3}), 2, 2);
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
}
