package io.pinwheel.cli.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns Ctrl-C or SIGTERM into a request to stop that the command's own thread acts on, so that the
 * thread that started the service is the one that closes it, in order.
 *
 * <p>The JVM runs shutdown hooks on a signal and exits when they return; this hook only asks the
 * command to stop and then waits (up to a grace period) until {@link #close()} says the command has
 * cleaned up. Without the wait the JVM would exit halfway through closing Kafka clients, and under
 * exactly-once an open transaction would wait for its timeout instead of being ended.
 *
 * <pre>{@code
 * try (StopSignal stop = StopSignal.install("pinwheel-serve", Duration.ofSeconds(45))) {
 *   ... start ...
 *   stop.await(Duration.ofDays(365));
 *   ... close ...
 * }
 * }</pre>
 */
public final class StopSignal implements AutoCloseable {
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  private final Thread hook;
  private volatile boolean signalled;

  private StopSignal(String name, Duration grace) {
    this.hook =
        new Thread(
            () -> {
              signalled = true;
              stop.countDown();
              try {
                done.await(grace.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name + "-shutdown");
  }

  /**
   * Registers the shutdown hook.
   *
   * @param name names the hook's thread
   * @param grace how long the JVM may wait, after a signal, for the command to clean up
   * @return the signal; close it once cleaned up
   */
  public static StopSignal install(String name, Duration grace) {
    StopSignal s = new StopSignal(name, grace);
    Runtime.getRuntime().addShutdownHook(s.hook);
    return s;
  }

  /** Asks the command to stop, as a signal would; for failures noticed on other threads. */
  public void stop() {
    stop.countDown();
  }

  /**
   * Waits until a stop is asked for.
   *
   * @param timeout the longest wait
   * @return true if a stop was asked for, false if the time ran out
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean await(Duration timeout) throws InterruptedException {
    return stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Tells whether a stop has been asked for, by a signal or by {@link #stop()}.
   *
   * @return true once asked
   */
  public boolean stopRequested() {
    return stop.getCount() == 0;
  }

  /**
   * Tells whether the stop came from a signal (Ctrl-C, SIGTERM) rather than from {@link #stop()}.
   *
   * @return true if the JVM is shutting down
   */
  public boolean signalled() {
    return signalled;
  }

  /**
   * Says the command has cleaned up: a waiting hook returns and the JVM may exit. Unregisters the
   * hook when the JVM is not already shutting down, so that in-process runs leave nothing behind.
   */
  @Override
  public void close() {
    done.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook is running, and has just been told it may return.
    }
  }
}
