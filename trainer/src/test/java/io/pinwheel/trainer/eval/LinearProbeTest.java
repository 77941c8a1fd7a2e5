package io.pinwheel.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LinearProbeTest {
  /** Three Gaussian clusters in 20 dimensions, one feature scaled by 1000 to test the scaling. */
  private static INDArray clusters(int n, int[] labels, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int d = 20;
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      int c = i % 3;
      labels[i] = c;
      for (int j = 0; j < d; j++) {
        double centre = j == c ? 4 : 0;
        x[i * d + j] = (float) (centre + random.nextGaussian());
      }
      x[i * d + 1] *= 1000;
    }
    return Nd4j.create(x, new long[] {n, d}, DataType.FLOAT);
  }

  @Test
  void shouldSeparateGaussianClusters() {
    int[] trainLabels = new int[600];
    int[] testLabels = new int[300];
    try (INDArray train = clusters(600, trainLabels, 1);
        INDArray test = clusters(300, testLabels, 2)) {
      // Small batches: with 600 rows the default 256 would make too few steps to converge.
      LinearProbe probe =
          LinearProbe.fit(train, trainLabels, 3, new LinearProbe.Options(30, 20, 0.01, 1e-4, 1));
      assertThat(probe.accuracy(test, testLabels)).isGreaterThan(0.9);
    }
  }

  @Test
  void shouldGiveTheSamePredictionsForTheSameSeed() {
    int[] labels = new int[300];
    try (INDArray x = clusters(300, labels, 3)) {
      LinearProbe.Options options = LinearProbe.Options.defaults().withEpochs(3);
      LinearProbe a = LinearProbe.fit(x, labels, 3, options);
      LinearProbe b = LinearProbe.fit(x, labels, 3, options);
      assertThat(a.predict(x)).containsExactly(b.predict(x));
    }
  }

  @Test
  void shouldLeaveTheFeatureMatrixUnchanged() {
    int[] labels = new int[90];
    try (INDArray x = clusters(90, labels, 4);
        INDArray copy = x.dup()) {
      LinearProbe.fit(x, labels, 3, LinearProbe.Options.defaults().withEpochs(2));
      assertThat(x.equals(copy)).isTrue();
    }
  }

  @Test
  void shouldPickAnL2FromTheGridAndReportEveryScore() {
    int[] labels = new int[300];
    try (INDArray x = clusters(300, labels, 5)) {
      LinearProbe.Tuned tuned =
          LinearProbe.tune(
              x, labels, 3, LinearProbe.Options.defaults().withEpochs(5), List.of(1e-4, 1.0), 0.1);
      assertThat(tuned.validation()).hasSize(2);
      assertThat(tuned.l2()).isIn(1e-4, 1.0);
      assertThat(tuned.probe().l2()).isEqualTo(tuned.l2());
    }
  }

  @Test
  void shouldFitTheSameProbeOnSparseBlocksAsOnOneDenseArray() {
    // Mostly zero features, as an output rule leaves a code, in blocks of 7 rows.
    int n = 120;
    int d = 20;
    int[] labels = new int[n];
    float[] v;
    try (INDArray x = clusters(n, labels, 8)) {
      v = x.data().asFloat();
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = v[i] > 2 ? v[i] : 0;
    }
    LinearProbe.Options options = new LinearProbe.Options(4, 32, 0.01, 1e-3, 3);
    try (INDArray dense = Nd4j.create(v, new long[] {n, d}, DataType.FLOAT);
        FeatureMatrix blocked = FeatureMatrix.copyOf(v, n, d, 7 * d)) {
      assertThat(blocked.sparseBlockCount()).isPositive();
      LinearProbe a = LinearProbe.fit(dense, labels, 3, options);
      LinearProbe b = LinearProbe.fit(blocked, labels, 3, options);
      assertThat(b.weights()).containsExactly(a.weights());
      assertThat(b.bias()).containsExactly(a.bias());
      assertThat(b.predict(blocked)).containsExactly(a.predict(dense));
    }
  }

  @Test
  void shouldRejectLabelsOutOfRange() {
    int[] labels = new int[30];
    try (INDArray x = clusters(30, labels, 6)) {
      labels[7] = 3;
      assertThatThrownBy(() -> LinearProbe.fit(x, labels, 3, LinearProbe.Options.defaults()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("labels[7]");
    }
  }

  @Test
  void shouldRejectAFeatureMatrixOfAnotherWidthWhenPredicting() {
    int[] labels = new int[30];
    try (INDArray x = clusters(30, labels, 7);
        INDArray other = Nd4j.zeros(DataType.FLOAT, 5, 4)) {
      LinearProbe probe =
          LinearProbe.fit(x, labels, 3, LinearProbe.Options.defaults().withEpochs(1));
      assertThatThrownBy(() -> probe.predict(other)).hasMessageContaining("20 columns");
    }
  }

  @Test
  void shouldNameTheFieldOfAnInvalidOption() {
    assertThatThrownBy(() -> new LinearProbe.Options(0, 10, 0.1, 0, 1))
        .hasMessageContaining("epochs");
    assertThatThrownBy(() -> new LinearProbe.Options(1, 0, 0.1, 0, 1))
        .hasMessageContaining("batch");
    assertThatThrownBy(() -> new LinearProbe.Options(1, 1, Double.NaN, 0, 1))
        .hasMessageContaining("learningRate");
    assertThatThrownBy(() -> new LinearProbe.Options(1, 1, 0.1, -1, 1)).hasMessageContaining("l2");
  }
}
