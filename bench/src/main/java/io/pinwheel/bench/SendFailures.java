package io.pinwheel.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Counts the frames the broker refused. A run once lost its whole backlog to a fresh topic's first
 * produce requests (NOT_LEADER_OR_FOLLOWER, then OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery
 * timeout), and then waited out its deadline for frames that were never queued.
 */
final class SendFailures implements Callback {
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Exception> first = new AtomicReference<>();

  @Override
  public void onCompletion(RecordMetadata m, Exception e) {
    if (e != null) {
      failed.incrementAndGet();
      first.compareAndSet(null, e);
    }
  }

  /** Throws, naming the first error, if any of the {@code sent} frames was refused. */
  void check(long sent) {
    if (failed.get() > 0) {
      throw new IllegalStateException(
          "the broker refused "
              + failed.get()
              + " of "
              + sent
              + " frames; the first error: "
              + first.get(),
          first.get());
    }
  }
}
