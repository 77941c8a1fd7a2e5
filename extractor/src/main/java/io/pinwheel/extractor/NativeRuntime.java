package io.pinwheel.extractor;

import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Starts ND4J's CPU backend and decides who owns the CPU threads.
 *
 * <p>pinwheel parallelizes across frames (one {@link Encoder} per thread), never inside one matrix
 * product: a 64x81x1000 product is too small to split well, and two encoder threads each asking
 * OpenBLAS for two threads would fight over two cores. So by default OpenBLAS and libnd4j's OpenMP
 * pool run one thread per caller. Set the system property {@code pinwheel.blas.threads} to change
 * that (the trainer, which runs few large products, does).
 */
public final class NativeRuntime {
  /** The system property naming the OpenBLAS/OpenMP thread count. */
  public static final String BLAS_THREADS_PROPERTY = "pinwheel.blas.threads";

  private NativeRuntime() {}

  private static final class Holder {
    static final boolean STARTED = start();

    private static boolean start() {
      // Touching Nd4j loads the backend (natives are unpacked into ~/.javacpp/cache once).
      Nd4j.getBackend();
      apply(Integer.getInteger(BLAS_THREADS_PROPERTY, 1));
      return true;
    }
  }

  /**
   * Loads ND4J's backend and applies the thread policy, once per JVM; later calls return at once.
   */
  public static void init() {
    if (!Holder.STARTED) {
      throw new IllegalStateException("ND4J backend did not start");
    }
  }

  /** The number of threads one native matrix product may use. */
  public static int blasThreads() {
    init();
    return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
  }

  /**
   * Sets the number of threads OpenBLAS and libnd4j's OpenMP pool use for one call.
   *
   * @param threads at least 1
   */
  public static void setBlasThreads(int threads) {
    init();
    apply(threads);
  }

  private static void apply(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException(BLAS_THREADS_PROPERTY + " must be >= 1, got " + threads);
    }
    openblas_nolapack.blas_set_num_threads(threads);
    // Environment.setMaxThreads alone leaves libnd4j's matrix products on every core; the OpenMP
    // pool size is what they follow.
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.getEnvironment().setMaxThreads(threads);
  }
}
