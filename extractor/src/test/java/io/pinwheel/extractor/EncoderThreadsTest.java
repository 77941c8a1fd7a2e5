package io.pinwheel.extractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pinwheel.extractor.RandomModels.StageSpec;
import io.pinwheel.extractor.model.EncoderModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where an encoder's work runs. pinwheel parallelizes across frames, one encoder per thread, so an
 * encoder must compute on its calling thread alone, whatever OpenMP count the thread that created
 * it was left with ({@code OMP_NUM_THREADS}, every core by default): oneDNN fixes a primitive's
 * threads when it is created. Measured by CPU time, not speed: while the calling thread spends
 * {@code c} nanoseconds of CPU, the whole process spends about {@code c} if nothing else computes,
 * about {@code 2c} if an OpenMP worker shares each frame.
 */
class EncoderThreadsTest {
  /** Process CPU over the caller's CPU above which another thread shared the work. */
  private static final double SHARED = 1.4;

  private static final long CALLER_CPU_NANOS = 1_000_000_000L;

  private final ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private ExecutorService fresh;

  @BeforeEach
  void needsTwoCoresAndCpuClocks() {
    assumeTrue(Runtime.getRuntime().availableProcessors() >= 2, "needs two cores");
    assumeTrue(threadBean.isCurrentThreadCpuTimeSupported(), "needs thread CPU time");
    assumeTrue(os.getProcessCpuTime() >= 0, "needs process CPU time");
    fresh = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stop() {
    if (fresh != null) {
      fresh.shutdownNow();
    }
    NativeRuntime.setBlasThreads(1);
  }

  @Test
  void shouldEncodeOnTheCallingThreadAloneWhenCreatedOnAThreadLeftAtTwoOpenMpThreads()
      throws Exception {
    double ratio =
        onFreshThread(
            () -> {
              // What OMP_NUM_THREADS=2 leaves on a thread that never set its own count.
              NativeRuntime.applyToCurrentThread(2);
              return processOverCallerCpu();
            });

    assertThat(ratio).as("process CPU / calling thread's CPU while encoding").isLessThan(SHARED);
  }

  @Test
  void shouldShareEachFrameWithAnOpenMpWorkerWhenConfiguredForTwoThreads() throws Exception {
    // The check above can fail: the same measurement on an encoder told to use two threads.
    double ratio =
        onFreshThread(
            () -> {
              NativeRuntime.setBlasThreads(2);
              return processOverCallerCpu();
            });

    assertThat(ratio).as("process CPU / calling thread's CPU while encoding").isGreaterThan(SHARED);
  }

  private double onFreshThread(java.util.concurrent.Callable<Double> task)
      throws InterruptedException, ExecutionException {
    Future<Double> result = fresh.submit(task);
    return result.get();
  }

  /** Encodes 96x96 frames into a 64-map 9x9 model until the caller spent its CPU budget. */
  private double processOverCallerCpu() throws FrameDecodeException {
    Random rnd = new Random(7);
    EncoderModel model =
        RandomModels.model(
            rnd, 96, 96, 1, RandomModels.output(0f, 0), new StageSpec(64, 9, 16, 4, 4, 4, true));
    Frame frame = RandomModels.frame(rnd, 1, 96, 96);
    try (Encoder encoder = new Encoder(model)) {
      for (int i = 0; i < 500; i++) {
        encoder.encodeDense(frame);
      }
      long caller0 = threadBean.getCurrentThreadCpuTime();
      long process0 = os.getProcessCpuTime();
      long caller;
      do {
        encoder.encodeDense(frame);
        caller = threadBean.getCurrentThreadCpuTime() - caller0;
      } while (caller < CALLER_CPU_NANOS);
      return (os.getProcessCpuTime() - process0) / (double) caller;
    }
  }
}
