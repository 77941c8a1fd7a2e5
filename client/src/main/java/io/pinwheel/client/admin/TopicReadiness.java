package io.pinwheel.client.admin;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Waits until topics can be written: every partition has a leader, and that leader serves it.
 *
 * <p>Creating a topic returns once the controller has committed it. Each broker then applies the
 * change from the metadata log in two steps: its metadata cache first, so clients are told the
 * leader, and its log manager a moment later. A producer that sends in between is refused with
 * NOT_LEADER_OR_FOLLOWER. With several requests in flight, an idempotent producer can then have a
 * later batch written first and retry the earlier one with OUT_OF_ORDER_SEQUENCE_NUMBER until its
 * delivery timeout, and those records are lost (KAFKA-15591). A bench loader met exactly this. So a
 * leader in the metadata is not enough: this also asks each leader for the partition's end offset,
 * which it answers only once the partition is loaded.
 */
public final class TopicReadiness {
  private TopicReadiness() {}

  /**
   * Returns once every partition of {@code topics} has a leader that answers for it.
   *
   * @param admin a client of the cluster
   * @param topics the topic names
   * @param timeout how long to wait in all
   * @return each topic's description, in the order given
   * @throws KafkaException if a topic is still missing or not served after {@code timeout}, or the
   *     cluster gives a non-retriable error
   */
  public static Map<String, TopicDescription> await(
      Admin admin, Collection<String> topics, Duration timeout) {
    Objects.requireNonNull(admin, "admin");
    List<String> names = List.copyOf(topics);
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, TopicDescription> described = awaitLeaders(admin, names, deadline, timeout);
    Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
    described.forEach(
        (name, d) ->
            d.partitions()
                .forEach(
                    p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    while (attempt(admin.listOffsets(latest).all(), deadline, "read the end offsets of " + names)
        .isEmpty()) {
      pause(deadline, timeout, "topics " + names + " are not served by their leaders");
    }
    return described;
  }

  private static Map<String, TopicDescription> awaitLeaders(
      Admin admin, List<String> names, long deadline, Duration timeout) {
    while (true) {
      Optional<Map<String, TopicDescription>> all =
          attempt(
              admin.describeTopics(names).allTopicNames(), deadline, "describe topics " + names);
      if (all.isPresent()) {
        Map<String, TopicDescription> described = new LinkedHashMap<>();
        names.forEach(n -> described.put(n, all.get().get(n)));
        boolean led =
            described.values().stream()
                .flatMap(d -> d.partitions().stream())
                .map(TopicPartitionInfo::leader)
                .allMatch(Objects::nonNull);
        if (led) {
          return described;
        }
      }
      pause(deadline, timeout, "topics " + names + " have no leader");
    }
  }

  /**
   * The value of {@code future} once it succeeds; empty on a retriable error (unknown topic, no
   * leader) or when the deadline passes first.
   */
  private static <T> Optional<T> attempt(Future<T> future, long deadline, String what) {
    long left = Math.max(1, deadline - System.nanoTime());
    try {
      return Optional.of(future.get(left, TimeUnit.NANOSECONDS));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RetriableException) {
        return Optional.empty();
      }
      throw new KafkaException(
          "could not " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while trying to " + what, e);
    }
  }

  private static void pause(long deadline, Duration timeout, String problem) {
    if (System.nanoTime() >= deadline) {
      throw new KafkaException(problem + " after " + timeout.toSeconds() + " s");
    }
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while waiting: " + problem, e);
    }
  }
}
