package io.pinwheel.trainer.drsae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.oracle.DrsaeGraph;
import io.pinwheel.trainer.optim.NativeCounts;
import io.pinwheel.trainer.optim.Parameters;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The hand-written back-propagation through time against SameDiff's (in double precision) and
 * against finite differences, on small random problems.
 */
class DrsaeGradientsTest {
  private static final int K = 5;
  private static final int D = 6;
  private static final int CLASSES = 3;
  private static final double LAMBDA = 0.3;

  /** Random parameters with a non-zero lateral matrix, so the recurrence matters. */
  static DrsaeModel model(SplittableRandom rnd, int steps) {
    DrsaeConfig config = new DrsaeConfig(K, D, CLASSES, steps, LAMBDA);
    Parameters p = DrsaeModel.layout(config);
    fill(p.get(DrsaeGradients.ENCODER), rnd, 0.6);
    fill(p.get(DrsaeGradients.LATERAL), rnd, 0.4);
    fill(p.get(DrsaeGradients.BIAS), rnd, 0.1);
    fill(p.get(DrsaeGradients.DECODER), rnd, 0.5);
    fill(p.get(DrsaeGradients.CLASSIFIER), rnd, 0.8);
    fill(p.get(DrsaeGradients.CLASS_BIAS), rnd, 0.2);
    return new DrsaeModel(config, p);
  }

  static void fill(float[] a, SplittableRandom rnd, double scale) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) (scale * (rnd.nextDouble() * 2 - 1));
    }
  }

  private static void assertMatchesSameDiff(
      int steps, double alpha, int n, int threads, long seed) {
    assertMatchesSameDiff(steps, alpha, n, threads, seed, model -> {});
  }

  /** As above, on the random model after {@code change}. */
  private static void assertMatchesSameDiff(
      int steps, double alpha, int n, int threads, long seed, Consumer<DrsaeModel> change) {
    SplittableRandom rnd = new SplittableRandom(seed);
    DrsaeModel model = model(rnd, steps);
    change.accept(model);
    float[] x = new float[n * D];
    fill(x, rnd, 1);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = rnd.nextInt(CLASSES);
    }
    Parameters grad = model.parameters().zerosLike();
    DrsaeGradients.Terms terms;
    try (DrsaeGradients native_ = new DrsaeGradients(model.config(), n, threads)) {
      terms = native_.gradient(model.parameters(), x, labels, n, alpha, grad);
    }
    DrsaeGraph oracle = oracle(model, DataType.DOUBLE);
    INDArray input = Nd4j.create(x, new long[] {n, D}, 'c').castTo(DataType.DOUBLE);
    DrsaeGraph.Step step = oracle.step(input, labels, alpha);
    assertThat(terms.reconstruction())
        .isCloseTo(step.terms().reconstruction(), within(1e-5 * step.terms().reconstruction()));
    assertThat(terms.sparsity())
        .isCloseTo(step.terms().sparsity(), within(1e-5 * step.terms().sparsity()));
    assertThat(terms.classification())
        .isCloseTo(step.terms().classification(), within(1e-5 * step.terms().classification()));
    for (String name : DrsaeModel.PARAMETERS) {
      float[] got = grad.get(name);
      double[] want = step.gradients().get(name).dup('c').data().asDouble();
      double diff = 0;
      double norm = 0;
      for (int i = 0; i < got.length; i++) {
        diff += (got[i] - want[i]) * (got[i] - want[i]);
        norm += want[i] * want[i];
      }
      if (norm == 0) {
        assertThat(diff).as("%s: SameDiff's gradient is 0", name).isZero();
      } else {
        assertThat(Math.sqrt(diff / norm)).as("%s relative error", name).isLessThan(1e-4);
      }
    }
  }

  /** The SameDiff graph over copies of a model's parameters, in the given floating type. */
  private static DrsaeGraph oracle(DrsaeModel model, DataType type) {
    DrsaeConfig c = model.config();
    Map<String, INDArray> p = new LinkedHashMap<>();
    for (String name : DrsaeModel.PARAMETERS) {
      long[] shape = Arrays.stream(model.parameters().shape(name)).asLongStream().toArray();
      p.put(name, Nd4j.create(model.parameter(name), shape, 'c').castTo(type));
    }
    return new DrsaeGraph(
        new DrsaeGraph.Shape(c.units(), c.inputs(), c.classes(), c.steps(), c.lambda()), p);
  }

  @Test
  void shouldMatchSameDiffThroughThreeStepsWithTheClassifier() {
    assertMatchesSameDiff(3, 0.7, 4, 1, 17);
  }

  @Test
  void shouldMatchSameDiffThroughElevenStepsOnTwoThreads() {
    assertMatchesSameDiff(11, 1.3, 9, 2, 18);
  }

  @Test
  void shouldMatchSameDiffWithoutRecurrence() {
    assertMatchesSameDiff(1, 0.5, 4, 1, 19);
  }

  @Test
  void shouldMatchSameDiffInTheUnsupervisedPhase() {
    assertMatchesSameDiff(4, 0, 6, 2, 20);
  }

  @Test
  void shouldMatchSameDiffWhenAWorkerHasNoRows() {
    assertMatchesSameDiff(5, 0.8, 1, 2, 24);
  }

  @Test
  void shouldMatchSameDiffWhenEveryUnitIsActiveAtEveryStep() {
    // A threshold far below the drive and a positive S keep every unit on in every row and step.
    assertMatchesSameDiff(
        6,
        0.6,
        5,
        2,
        25,
        model -> {
          Arrays.fill(model.parameter(DrsaeGradients.BIAS), -8f);
          float[] s = model.parameter(DrsaeGradients.LATERAL);
          for (int i = 0; i < s.length; i++) {
            s[i] = Math.abs(s[i]) * 0.2f;
          }
          assertThat(allCodes(model, 5, 25)).as("every code entry active").doesNotContain(0f);
        });
  }

  @Test
  void shouldMatchSameDiffWhenSomeUnitsAreSilentInEveryRow() {
    // Units 0 and 3 have a threshold far above any drive: exactly 0 in every row and step.
    assertMatchesSameDiff(
        6,
        0.6,
        7,
        2,
        26,
        model -> {
          float[] b = model.parameter(DrsaeGradients.BIAS);
          b[0] = 50f;
          b[3] = 50f;
          float[] z = allCodes(model, 7, 26);
          for (int r = 0; r < 7; r++) {
            assertThat(z[r * K]).isZero();
            assertThat(z[r * K + 3]).isZero();
          }
        });
  }

  /** The final codes of the {@code n} random rows {@link #assertMatchesSameDiff} draws. */
  private static float[] allCodes(DrsaeModel model, int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    model(rnd, model.config().steps());
    float[] x = new float[n * D];
    fill(x, rnd, 1);
    try (DrsaeGradients native_ = new DrsaeGradients(model.config(), n, 1)) {
      return native_.codes(model.parameters(), x, n);
    }
  }

  @Test
  void shouldGiveTheClassifierNoGradientWhenAlphaIsZero() {
    SplittableRandom rnd = new SplittableRandom(4);
    DrsaeModel model = model(rnd, 3);
    float[] x = new float[4 * D];
    fill(x, rnd, 1);
    Parameters grad = model.parameters().zerosLike();
    try (DrsaeGradients native_ = new DrsaeGradients(model.config(), 4, 1)) {
      native_.gradient(model.parameters(), x, new int[] {0, 1, 2, 0}, 4, 0, grad);
    }
    for (float v : grad.get(DrsaeGradients.CLASSIFIER)) {
      assertThat(v).isZero();
    }
    for (float v : grad.get(DrsaeGradients.CLASS_BIAS)) {
      assertThat(v).isZero();
    }
  }

  @Test
  void shouldMatchAFiniteDifferenceAlongTheGradient() {
    SplittableRandom rnd = new SplittableRandom(21);
    DrsaeModel model = model(rnd, 4);
    int n = 8;
    float[] x = new float[n * D];
    fill(x, rnd, 1);
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % CLASSES;
    }
    double alpha = 0.9;
    Parameters p = model.parameters();
    Parameters grad = p.zerosLike();
    try (DrsaeGradients native_ = new DrsaeGradients(model.config(), n, 1)) {
      native_.gradient(p, x, labels, n, alpha, grad);
      for (String name : DrsaeModel.PARAMETERS) {
        float[] v = p.get(name);
        float[] d = grad.get(name);
        double gg = 0;
        for (float e : d) {
          gg += e * e;
        }
        double h = 1e-2 / Math.sqrt(gg);
        float[] saved = v.clone();
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (saved[i] + h * d[i]);
        }
        double up = native_.terms(p, x, labels, n).loss(LAMBDA, alpha);
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (saved[i] - h * d[i]);
        }
        double down = native_.terms(p, x, labels, n).loss(LAMBDA, alpha);
        System.arraycopy(saved, 0, v, 0, v.length);
        assertThat((up - down) / (2 * h)).as(name).isCloseTo(gg, within(2e-3 * gg));
      }
    }
  }

  @Test
  void shouldUnrollTheRecurrenceLikeAPlainLoop() {
    SplittableRandom rnd = new SplittableRandom(6);
    int steps = 4;
    DrsaeModel model = model(rnd, steps);
    float[] x = new float[3 * D];
    fill(x, rnd, 1);
    float[] e = model.parameter(DrsaeGradients.ENCODER);
    float[] s = model.parameter(DrsaeGradients.LATERAL);
    float[] b = model.parameter(DrsaeGradients.BIAS);
    float[] z;
    try (DrsaeGradients native_ = new DrsaeGradients(model.config(), 2, 1)) {
      z = native_.codes(model.parameters(), x, 3);
    }
    int active = 0;
    for (int n = 0; n < 3; n++) {
      double[] drive = new double[K];
      for (int k = 0; k < K; k++) {
        drive[k] = -b[k];
        for (int i = 0; i < D; i++) {
          drive[k] += e[k * D + i] * x[n * D + i];
        }
      }
      double[] code = new double[K];
      for (int k = 0; k < K; k++) {
        code[k] = Math.max(0, drive[k]);
      }
      for (int t = 1; t < steps; t++) {
        double[] next = new double[K];
        for (int k = 0; k < K; k++) {
          double v = drive[k];
          for (int j = 0; j < K; j++) {
            v += s[k * K + j] * code[j];
          }
          next[k] = Math.max(0, v);
        }
        code = next;
      }
      for (int k = 0; k < K; k++) {
        assertThat(z[n * K + k]).as("z[%d,%d]", n, k).isCloseTo((float) code[k], within(1e-5f));
        active += code[k] > 0 ? 1 : 0;
      }
    }
    assertThat(active).as("active units in the reference").isGreaterThan(0);
  }

  @Test
  void shouldGiveTheSameBytesForTheSameThreadCount() {
    SplittableRandom rnd = new SplittableRandom(22);
    DrsaeModel model = model(rnd, 5);
    int n = 30;
    float[] x = new float[n * D];
    fill(x, rnd, 1);
    int[] labels = new int[n];
    Parameters a = model.parameters().zerosLike();
    Parameters b = model.parameters().zerosLike();
    try (DrsaeGradients one = new DrsaeGradients(model.config(), n, 2);
        DrsaeGradients two = new DrsaeGradients(model.config(), n, 2)) {
      one.gradient(model.parameters(), x, labels, n, 1, a);
      two.gradient(model.parameters(), x, labels, n, 1, b);
      assertThat(a.bitEquals(b)).isTrue();
    }
  }

  @Test
  void shouldAllocateNoNativeMemoryAfterTheFirstStep() throws Exception {
    DrsaeConfig config = new DrsaeConfig(64, 49, 10, 5, 0.1);
    DrsaeModel model = DrsaeModel.initial(config, 1);
    SplittableRandom rnd = new SplittableRandom(23);
    int n = 20;
    float[] x = new float[n * 49];
    fill(x, rnd, 1);
    int[] labels = new int[n];
    Parameters grad = model.parameters().zerosLike();
    try (DrsaeGradients native_ = new DrsaeGradients(config, n, 2)) {
      native_.gradient(model.parameters(), x, labels, n, 1, grad);
      NativeCounts before = NativeCounts.settled();
      for (int step = 1; step < 500; step++) {
        native_.gradient(model.parameters(), x, labels, n, 1, grad);
      }
      assertThat(NativeCounts.now()).isEqualTo(before);
    }
  }
}
