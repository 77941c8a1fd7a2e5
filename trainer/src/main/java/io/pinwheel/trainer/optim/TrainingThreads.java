package io.pinwheel.trainer.optim;

import io.pinwheel.extractor.NativeRuntime;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.function.IntConsumer;

/**
 * A fixed set of worker threads for data-parallel training: {@link #run} hands every worker its
 * index and returns when all are done. Each worker sets its own native matrix products to one
 * thread when it starts (OpenMP keeps that count per thread), so {@code n} workers use {@code n}
 * cores without the products fighting over them.
 *
 * <p>The threads are started once and wait between rounds on a barrier: a round allocates nothing.
 * Work is split by {@link #from}, a function of the item count, the worker count and the index
 * only, so the same thread count always gives every worker the same items.
 */
public final class TrainingThreads implements AutoCloseable {
  private final int count;
  private final Thread[] threads;
  private final CyclicBarrier start;
  private final CyclicBarrier end;
  private final Throwable[] failures;
  private volatile IntConsumer task;
  private volatile boolean closed;

  /**
   * Starts {@code count} worker threads.
   *
   * @param count at least 1
   * @param name the threads' name prefix
   */
  public TrainingThreads(int count, String name) {
    if (count < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + count);
    }
    NativeRuntime.init();
    this.count = count;
    this.start = new CyclicBarrier(count + 1);
    this.end = new CyclicBarrier(count + 1);
    this.failures = new Throwable[count];
    this.threads = new Thread[count];
    for (int i = 0; i < count; i++) {
      int index = i;
      Thread t = new Thread(() -> work(index), name + "-" + i);
      t.setDaemon(true);
      threads[i] = t;
      t.start();
    }
  }

  /** The number of workers. */
  public int count() {
    return count;
  }

  /** The first of the items {@code [0, n)} that worker {@code w} of {@code workers} takes. */
  public static int from(int n, int workers, int w) {
    return (int) ((long) n * w / workers);
  }

  private void work(int index) {
    NativeRuntime.applyToCurrentThread(1);
    while (true) {
      try {
        start.await();
      } catch (InterruptedException | BrokenBarrierException e) {
        return;
      }
      if (closed) {
        return;
      }
      try {
        task.accept(index);
      } catch (Throwable e) { // handed to the caller of run
        failures[index] = e;
      }
      try {
        end.await();
      } catch (InterruptedException | BrokenBarrierException e) {
        return;
      }
    }
  }

  /**
   * Runs {@code work} once on every worker, with the worker's index, and waits for all.
   *
   * @throws RuntimeException the first worker's failure (by index), others added as suppressed
   */
  public void run(IntConsumer work) {
    if (closed) {
      throw new IllegalStateException("training threads are closed");
    }
    task = work;
    await(start);
    await(end);
    task = null;
    RuntimeException first = null;
    for (int i = 0; i < count; i++) {
      Throwable f = failures[i];
      failures[i] = null;
      if (f == null) {
        continue;
      }
      if (f instanceof Error error && first == null) {
        throw error;
      }
      RuntimeException r =
          f instanceof RuntimeException re ? re : new IllegalStateException("worker " + i, f);
      if (first == null) {
        first = r;
      } else {
        first.addSuppressed(r);
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Adds one worker's partial sum into the total, element by element.
   *
   * @param sum the total, changed in place
   * @param part the worker's part, at least as long as {@code sum}
   */
  public static void addInto(float[] sum, float[] part) {
    for (int i = 0; i < sum.length; i++) {
      sum[i] += part[i];
    }
  }

  /**
   * Adds the elements {@code [from, to)} of one worker's partial sum into the total's, so workers
   * can sum disjoint ranges at once.
   *
   * @param sum the total, changed in place in {@code [from, to)}
   * @param part the worker's part
   */
  public static void addInto(float[] sum, float[] part, int from, int to) {
    for (int i = from; i < to; i++) {
      sum[i] += part[i];
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while training", e);
    } catch (BrokenBarrierException e) {
      throw new IllegalStateException("training threads broke down", e);
    }
  }

  /** Stops the workers; they finish nothing new. Closing twice is harmless. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Thread t : threads) {
      t.interrupt();
    }
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
