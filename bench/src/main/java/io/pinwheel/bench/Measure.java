package io.pinwheel.bench;

import io.pinwheel.extractor.Frame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs work for timed rounds and reports the median: a rate of workers on several threads, or the
 * time of one step on the calling thread.
 */
final class Measure {
  private Measure() {}

  /** How long and how often to measure. */
  record Plan(int warmupRounds, int rounds, long roundMillis) {}

  /** One thread's repeated unit of work; it owns whatever it needs and frees it in close. */
  interface Work extends AutoCloseable {
    /** Does one unit of work and returns how many frames it handled. */
    int step() throws Exception;

    @Override
    void close();
  }

  /**
   * Median frames/s over the plan's rounds, with {@code threads} threads each owning one worker
   * from {@code factory} and encoding batches of {@code batch} frames from {@code frames}.
   */
  static double framesPerSecond(
      Supplier<FrameWorker> factory, int threads, int batch, Frame[] frames, int mapSize, Plan plan)
      throws Exception {
    return framesPerSecond(frameWork(factory, batch, frames, mapSize), threads, plan);
  }

  /**
   * Work that feeds batches of {@code batch} frames from {@code frames} to a worker from {@code
   * factory}, one per thread, each thread starting at another frame.
   */
  static Supplier<Work> frameWork(
      Supplier<FrameWorker> factory, int batch, Frame[] frames, int mapSize) {
    AtomicInteger thread = new AtomicInteger();
    return () -> {
      FrameWorker worker = factory.get();
      Frame[] slice = new Frame[batch];
      float[] out = new float[batch * mapSize];
      int[] next = {thread.getAndIncrement() * batch};
      return new Work() {
        @Override
        public int step() throws Exception {
          for (int i = 0; i < batch; i++) {
            slice[i] = frames[next[0]++ % frames.length];
          }
          worker.run(slice, out);
          return batch;
        }

        @Override
        public void close() {
          worker.close();
        }
      };
    };
  }

  /** Median frames/s over the plan's rounds, one {@link Work} per thread. */
  static double framesPerSecond(Supplier<Work> factory, int threads, Plan plan) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier barrier = new CyclicBarrier(threads);
      int totalRounds = plan.warmupRounds() + plan.rounds();
      List<Future<double[]>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Callable<double[]> task =
            () -> {
              double[] rates = new double[totalRounds];
              try (Work work = factory.get()) {
                for (int r = 0; r < totalRounds; r++) {
                  barrier.await();
                  long start = System.nanoTime();
                  long deadline = start + plan.roundMillis() * 1_000_000L;
                  long n = 0;
                  do {
                    n += work.step();
                  } while (System.nanoTime() < deadline);
                  // Rate per thread: frames over its own elapsed time, so a slow last step on
                  // one thread does not count against another.
                  rates[r] = n * 1e9 / Math.max(1, System.nanoTime() - start);
                }
              }
              return rates;
            };
        futures.add(pool.submit(task));
      }
      double[] rates = new double[plan.rounds()];
      for (Future<double[]> f : futures) {
        double[] perRound = f.get();
        for (int r = 0; r < plan.rounds(); r++) {
          rates[r] += perRound[plan.warmupRounds() + r];
        }
      }
      return median(rates);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One unit of work on one input. */
  interface Step {
    void run(byte[] input) throws Exception;
  }

  /**
   * Median over the plan's rounds of the time one step takes on the calling thread, in
   * microseconds, cycling through the inputs.
   */
  static double micros(List<byte[]> inputs, Step step, Plan plan) throws Exception {
    int total = plan.warmupRounds() + plan.rounds();
    double[] rounds = new double[plan.rounds()];
    int next = 0;
    for (int r = 0; r < total; r++) {
      long start = System.nanoTime();
      long deadline = start + plan.roundMillis() * 1_000_000L;
      long n = 0;
      do {
        step.run(inputs.get(next++ % inputs.size()));
        n++;
      } while (System.nanoTime() < deadline);
      if (r >= plan.warmupRounds()) {
        rounds[r - plan.warmupRounds()] = (System.nanoTime() - start) / 1e3 / n;
      }
    }
    return median(rounds);
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
