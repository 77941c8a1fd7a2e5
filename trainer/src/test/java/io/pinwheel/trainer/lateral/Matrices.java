package io.pinwheel.trainer.lateral;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small double-precision test matrices made from a seed. */
final class Matrices {

  private Matrices() {}

  static INDArray of(double[][] rows) {
    return Nd4j.create(rows).castTo(DataType.DOUBLE);
  }

  static INDArray gaussian(SplittableRandom rnd, int rows, int cols) {
    double[] v = new double[rows * cols];
    for (int i = 0; i < v.length; i++) {
      // Box–Muller: SplittableRandom has no nextGaussian on Java 17.
      v[i] =
          Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
    return Nd4j.create(v, new long[] {rows, cols}, DataType.DOUBLE);
  }

  static INDArray unitColumns(SplittableRandom rnd, int rows, int cols) {
    INDArray w = gaussian(rnd, rows, cols);
    LateralInhibition.normaliseColumns(w);
    return w;
  }

  /** A symmetric, zero-diagonal S with entries uniform in [0, max) where the pattern is free. */
  static INDArray inhibition(SplittableRandom rnd, InhibitionPattern pattern, double max) {
    int k = pattern.size();
    double[][] s = new double[k][k];
    for (int i = 0; i < k; i++) {
      for (int j = i + 1; j < k; j++) {
        double v = pattern.free(i, j) ? rnd.nextDouble() * max : 0;
        s[i][j] = v;
        s[j][i] = v;
      }
    }
    return of(s);
  }

  /** A random orthogonal matrix: a product of Householder reflections I − 2vvᵀ/‖v‖². */
  static INDArray orthogonal(SplittableRandom rnd, int n) {
    INDArray q = Nd4j.eye(n).castTo(DataType.DOUBLE);
    for (int r = 0; r < n; r++) {
      INDArray v = gaussian(rnd, n, 1);
      double vv = v.norm2Number().doubleValue();
      INDArray h =
          Nd4j.eye(n).castTo(DataType.DOUBLE).subi(v.mmul(v.transpose()).muli(2 / (vv * vv)));
      q = q.mmul(h);
    }
    return q;
  }
}
