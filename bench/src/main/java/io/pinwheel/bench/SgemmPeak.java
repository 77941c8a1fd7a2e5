package io.pinwheel.bench;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * This machine's single-precision matrix-product peak: a 1024^3 product through {@code Nd4j.gemm}
 * and through the OpenBLAS call underneath it; the higher median of the two is the peak, so the
 * fraction of peak is never flattered by a slow wrapper.
 */
final class SgemmPeak {
  static final int N = 1024;

  private SgemmPeak() {}

  /** Figures in GFLOP/s. */
  record Result(double nd4jGemm, double cblas) {
    double peak() {
      return Math.max(nd4jGemm, cblas);
    }
  }

  /** Measures with the current BLAS thread count. */
  static Result measure(int rounds, int callsPerRound) {
    double flops = 2.0 * N * N * N;
    try (INDArray a = Nd4j.rand(DataType.FLOAT, N, N);
        INDArray b = Nd4j.rand(DataType.FLOAT, N, N);
        INDArray c = Nd4j.create(DataType.FLOAT, N, N)) {
      double[] viaNd4j = new double[rounds];
      double[] viaBlas = new double[rounds];
      FloatPointer pa = new FloatPointer(a.data().addressPointer()).capacity((long) N * N);
      FloatPointer pb = new FloatPointer(b.data().addressPointer()).capacity((long) N * N);
      FloatPointer pc = new FloatPointer(c.data().addressPointer()).capacity((long) N * N);
      Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1f, pa, N, pb, N, 0f, pc, N);
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < callsPerRound; i++) {
          Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        }
        viaNd4j[r] = flops * callsPerRound / (System.nanoTime() - t0);
        t0 = System.nanoTime();
        for (int i = 0; i < callsPerRound; i++) {
          cblas_sgemm(
              CblasRowMajor, CblasNoTrans, CblasNoTrans, N, N, N, 1f, pa, N, pb, N, 0f, pc, N);
        }
        viaBlas[r] = flops * callsPerRound / (System.nanoTime() - t0);
      }
      return new Result(Measure.median(viaNd4j), Measure.median(viaBlas));
    }
  }
}
