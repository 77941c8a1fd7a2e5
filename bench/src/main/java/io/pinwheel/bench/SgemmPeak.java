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

  /**
   * Figures in GFLOP/s: one caller with the BLAS thread count through {@code Nd4j.gemm} and through
   * {@code cblas_sgemm}, and, for more than one thread, that many single-threaded callers at once
   * (as the encoder runs: one per thread), summed; 0 for one thread.
   */
  record Result(double nd4jGemm, double cblas, double singleThreadedCallers) {
    double peak() {
      return Math.max(Math.max(nd4jGemm, cblas), singleThreadedCallers);
    }
  }

  /**
   * GFLOP/s of {@code callers} single-threaded callers, each running its own {@code m x k x n}
   * products through {@code Nd4j.gemm}, summed: the median over the plan's rounds.
   */
  static double callers(int callers, int m, int k, int n, Measure.Plan plan) throws Exception {
    double flops = 2.0 * m * k * n;
    java.util.function.Supplier<Measure.Work> work =
        () -> {
          INDArray a = Nd4j.rand(DataType.FLOAT, m, k);
          INDArray b = Nd4j.rand(DataType.FLOAT, k, n);
          INDArray c = Nd4j.create(DataType.FLOAT, m, n);
          return new Measure.Work() {
            @Override
            public int step() {
              io.pinwheel.extractor.NativeRuntime.applyToCurrentThread(1);
              Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
              return 1;
            }

            @Override
            public void close() {
              a.close();
              b.close();
              c.close();
            }
          };
        };
    return Measure.framesPerSecond(work, callers, plan) * flops / 1e9;
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
      return new Result(Measure.median(viaNd4j), Measure.median(viaBlas), 0);
    }
  }
}
