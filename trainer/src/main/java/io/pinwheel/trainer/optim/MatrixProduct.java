package io.pinwheel.trainer.optim;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One matrix product C = op(A)·op(B) + β·C between fixed native matrices, prepared once and run as
 * often as needed: libnd4j's matmul op with an execution context that is built once and kept.
 *
 * <p>{@code Nd4j.gemm} builds a new context per call: about 40 µs, and two native allocations that
 * are freed only when the garbage collector finds them. A kept context costs about 10 µs a call and
 * allocates nothing. Calling OpenBLAS's {@code cblas_sgemm} directly costs nothing per call, but
 * libnd4j's matmul ran the trainer's shapes (64 × 82 × 4,032 and its transposes) 20–40% faster on
 * this project's AMD machine. The product runs on the calling thread with that thread's OpenMP
 * thread count ({@link io.pinwheel.extractor.NativeRuntime#applyToCurrentThread(int)}).
 */
public final class MatrixProduct implements AutoCloseable {
  private final Mmul op;
  private final OpContext context;

  /**
   * Prepares C = op(A)·op(B) + β·C.
   *
   * @param beta 0 to overwrite C, 1 to add to it
   */
  public MatrixProduct(
      INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double beta) {
    long m = transA ? a.size(1) : a.size(0);
    long k = transA ? a.size(0) : a.size(1);
    long kb = transB ? b.size(1) : b.size(0);
    long n = transB ? b.size(0) : b.size(1);
    if (k != kb || c.size(0) != m || c.size(1) != n) {
      throw new IllegalArgumentException(
          "shapes do not multiply: "
              + java.util.Arrays.toString(a.shape())
              + (transA ? "ᵀ" : "")
              + " x "
              + java.util.Arrays.toString(b.shape())
              + (transB ? "ᵀ" : "")
              + " into "
              + java.util.Arrays.toString(c.shape()));
    }
    op =
        new Mmul(
            a,
            b,
            c,
            1.0,
            beta,
            MMulTranspose.builder().transposeA(transA).transposeB(transB).build());
    context = Nd4j.getExecutioner().buildContext();
    context.setInputArrays(a, b);
    context.setOutputArrays(c);
    context.setIArguments(op.iArgs());
    context.setTArguments(op.tArgs());
  }

  /** Runs the product. */
  public void run() {
    Nd4j.getExecutioner().exec(op, context);
  }

  /** Frees the context. */
  @Override
  public void close() {
    try {
      context.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot free a matrix product's context", e);
    }
  }
}
