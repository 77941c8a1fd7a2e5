package io.pinwheel.extractor;

import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Starts ND4J's CPU backend and decides who owns the CPU threads.
 *
 * <p>pinwheel parallelizes across frames (one {@link Encoder} per thread), never inside one matrix
 * product: a 64x81x4000 product is too small to split well, and two encoder threads each asking for
 * two OpenMP threads would fight over two cores. So by default a native matrix product runs on the
 * thread that calls it. Set the system property {@code pinwheel.blas.threads} to change that (the
 * trainer, which runs few large products, does).
 *
 * <p>The encoder's oneDNN primitives ({@link ConvStages}) follow the same count: oneDNN's CPU
 * runtime is OpenMP, and JavaCPP loads one OpenMP library for both.
 *
 * <p>OpenMP keeps the thread count per calling thread: a count set on one thread does not reach
 * another (a Kafka Streams thread, a pool thread), which starts from {@code OMP_NUM_THREADS}. So
 * {@link #applyToCurrentThread()} is called by every {@link Encoder} before it runs; it costs one
 * native call.
 */
public final class NativeRuntime {
  /** The system property naming the OpenBLAS/OpenMP thread count. */
  public static final String BLAS_THREADS_PROPERTY = "pinwheel.blas.threads";

  private static volatile int threads = 1;

  private NativeRuntime() {}

  private static final class Holder {
    static final boolean STARTED = start();

    private static boolean start() {
      // Touching Nd4j loads the backend (natives are unpacked into ~/.javacpp/cache once).
      Nd4j.getBackend();
      int configured = Integer.getInteger(BLAS_THREADS_PROPERTY, 1);
      check(configured);
      threads = configured;
      openblas_nolapack.blas_set_num_threads(configured);
      Nd4j.getEnvironment().setMaxMasterThreads(configured);
      Nd4j.getEnvironment().setMaxThreads(configured);
      setOmpThreads(configured);
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

  /** The number of threads one native matrix product may use, as configured. */
  public static int blasThreads() {
    init();
    return threads;
  }

  /**
   * Sets the number of threads one native matrix product may use, for this thread at once and for
   * every encoder from its next frame on.
   *
   * @param count at least 1
   */
  public static void setBlasThreads(int count) {
    init();
    check(count);
    threads = count;
    openblas_nolapack.blas_set_num_threads(count);
    Nd4j.getEnvironment().setMaxMasterThreads(count);
    Nd4j.getEnvironment().setMaxThreads(count);
    setOmpThreads(count);
  }

  /** Applies the configured thread count to the calling thread's native products. */
  public static void applyToCurrentThread() {
    applyToCurrentThread(threads);
  }

  /**
   * Lets native products called from this thread use {@code count} threads.
   *
   * @param count at least 1
   */
  public static void applyToCurrentThread(int count) {
    check(count);
    init();
    setOmpThreads(count);
  }

  private static void setOmpThreads(int count) {
    // Environment.setMaxThreads alone leaves libnd4j's matrix products on every core; the OpenMP
    // thread count is what they follow.
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(count);
  }

  private static void check(int count) {
    if (count < 1) {
      throw new IllegalArgumentException(BLAS_THREADS_PROPERTY + " must be >= 1, got " + count);
    }
  }
}
