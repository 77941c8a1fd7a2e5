package io.pinwheel.oracle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The oracle checked against finite differences; the trainer's tests check against it. */
class DrsaeGraphTest {
  private static final int K = 5;
  private static final int D = 6;
  private static final int CLASSES = 3;
  private static final double LAMBDA = 0.3;

  private static INDArray random(SplittableRandom rnd, double scale, long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    double[] v = new double[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = scale * (rnd.nextDouble() * 2 - 1);
    }
    return Nd4j.create(v, shape, DataType.DOUBLE);
  }

  /** Random parameters with a non-zero lateral matrix, so the recurrence matters. */
  private static DrsaeGraph model(SplittableRandom rnd, int steps) {
    Map<String, INDArray> p = new LinkedHashMap<>();
    p.put(DrsaeGraph.ENCODER, random(rnd, 0.6, K, D));
    p.put(DrsaeGraph.LATERAL, random(rnd, 0.4, K, K));
    p.put(DrsaeGraph.BIAS, random(rnd, 0.1, K));
    p.put(DrsaeGraph.DECODER, random(rnd, 0.5, D, K));
    p.put(DrsaeGraph.CLASSIFIER, random(rnd, 0.8, CLASSES, K));
    p.put(DrsaeGraph.CLASS_BIAS, random(rnd, 0.2, CLASSES));
    return new DrsaeGraph(new DrsaeGraph.Shape(K, D, CLASSES, steps, LAMBDA), p);
  }

  @Test
  void shouldMatchFiniteDifferencesOnEveryParameterThroughTheRecurrence() {
    SplittableRandom rnd = new SplittableRandom(17);
    DrsaeGraph model = model(rnd, 3);
    INDArray x = random(rnd, 1, 4, D);
    int[] labels = {0, 2, 1, 2};
    double alpha = 0.7;
    Map<String, INDArray> grads = model.step(x, labels, alpha).gradients();
    double h = 1e-6;
    for (String name : DrsaeGraph.PARAMETERS) {
      INDArray p = model.parameter(name);
      INDArray g = grads.get(name);
      assertThat(g.norm2Number().doubleValue()).as("%s gradient norm", name).isGreaterThan(0);
      for (int i = 0; i < p.length(); i += 1 + (int) (p.length() / 10)) {
        double v = p.getDouble(i);
        p.putScalar(i, v + h);
        double up = model.terms(x, labels).loss(LAMBDA, alpha);
        p.putScalar(i, v - h);
        double down = model.terms(x, labels).loss(LAMBDA, alpha);
        p.putScalar(i, v);
        double numeric = (up - down) / (2 * h);
        assertThat(g.getDouble(i))
            .as("%s[%d]", name, i)
            .isCloseTo(numeric, within(1e-6 * Math.max(1, Math.abs(numeric))));
      }
    }
  }
}
