package io.pinwheel.cli.bench;

import io.pinwheel.extractor.Frame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/** Runs workers on several threads for timed rounds and reports the median rate. */
final class Measure {
  private Measure() {}

  /** How long and how often to measure. */
  record Plan(int warmupRounds, int rounds, long roundMillis) {}

  /**
   * Median frames/s over the plan's rounds, with {@code threads} threads each owning one worker
   * from {@code factory} and encoding batches of {@code batch} frames from {@code frames}.
   */
  static double framesPerSecond(
      Supplier<FrameWorker> factory, int threads, int batch, Frame[] frames, int mapSize, Plan plan)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier barrier = new CyclicBarrier(threads);
      int totalRounds = plan.warmupRounds() + plan.rounds();
      List<Future<long[]>> futures = new ArrayList<>();
      long[] starts = new long[totalRounds];
      for (int t = 0; t < threads; t++) {
        int offset = t * batch;
        Callable<long[]> task =
            () -> {
              long[] counts = new long[totalRounds];
              try (FrameWorker worker = factory.get()) {
                Frame[] slice = new Frame[batch];
                float[] out = new float[batch * mapSize];
                for (int r = 0; r < totalRounds; r++) {
                  barrier.await();
                  long start = System.nanoTime();
                  starts[r] = start;
                  long deadline = start + plan.roundMillis() * 1_000_000L;
                  long n = 0;
                  int next = offset;
                  do {
                    for (int i = 0; i < batch; i++) {
                      slice[i] = frames[next++ % frames.length];
                    }
                    worker.run(slice, out);
                    n += batch;
                  } while (System.nanoTime() < deadline);
                  // Rate per thread: frames over its own elapsed time, so a slow last batch on
                  // one thread does not count against another.
                  long elapsed = System.nanoTime() - start;
                  counts[r] = n * 1_000_000_000L / Math.max(1, elapsed);
                }
              }
              return counts;
            };
        futures.add(pool.submit(task));
      }
      double[] rates = new double[plan.rounds()];
      for (Future<long[]> f : futures) {
        long[] perRound = f.get();
        for (int r = 0; r < plan.rounds(); r++) {
          rates[r] += perRound[plan.warmupRounds() + r];
        }
      }
      return median(rates);
    } finally {
      pool.shutdownNow();
    }
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
