package io.pinwheel.topology.admin;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;

/** Waiting for a Kafka client's future, with every way it can fail turned into a KafkaException. */
public final class KafkaFutures {
  private KafkaFutures() {}

  /**
   * Returns the future's value.
   *
   * @param future what a client returned
   * @param what what the future does, for messages: "create topic t"
   * @param timeout the longest wait
   * @throws KafkaException if the operation failed (the cause is the client's exception), timed out
   *     or was interrupted (the thread's interrupt flag is then set again)
   */
  public static <T> T get(Future<T> future, String what, Duration timeout) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new KafkaException("could not " + what + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new KafkaException(
          "timed out after " + timeout.toSeconds() + " s trying to " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while trying to " + what, e);
    }
  }
}
