package io.pinwheel.topology.model;

import io.pinwheel.topology.security.SecurityFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the whole models topic and offers every model in it to a {@link ModelRegistry}, then keeps
 * following it.
 *
 * <p>Every instance of the service must see every model, so this is not a consumer group member: it
 * assigns itself all partitions, starts from the beginning (the topic is compacted: the beginning
 * is the latest model of each name) and commits nothing. It reads with {@code read_committed}, so a
 * model published in an aborted transaction is never served, and fetches up to {@value
 * #MAX_FETCH_BYTES} bytes, since one record is a whole encoder file. It never creates the topic
 * (the broker's automatic creation would make it without compaction or the size limit it needs);
 * while the topic is missing it counts as read and is looked for again every few seconds.
 *
 * <p>The rollout record ({@link RolloutState}, marked by its header) is applied rather than
 * offered: rollbacks and pins. Tombstones (null values) are skipped: deleting a model's record does
 * not unload the serving model. The listener runs on one daemon thread; errors are logged and the
 * consumer is recreated after a pause, which replays the topic (replayed models are ignored as not
 * newer). A refusal by a secured cluster (a login refused, an untrusted certificate, a missing ACL)
 * would only repeat: the listener stops instead, counts as caught up, and hands the failure to
 * {@link #failure()} and to the handler of {@link #onFailure}.
 */
public final class ModelsTopicListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelsTopicListener.class);

  /** The largest fetch: a record is a whole encoder file. */
  public static final int MAX_FETCH_BYTES = 64 << 20;

  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration MISSING_TOPIC_RETRY = Duration.ofSeconds(2);
  private static final Duration PARTITION_RECHECK = Duration.ofSeconds(30);
  private static final Duration ERROR_BACKOFF = Duration.ofSeconds(5);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final ModelRegistry registry;
  private final String topic;
  private final Map<String, Object> consumerConfig;
  private final Thread thread;
  private final CountDownLatch caughtUp = new CountDownLatch(1);

  /** Counted down by {@link #close()}: ends pauses at once without interrupting the thread. */
  private final CountDownLatch stopped = new CountDownLatch(1);

  private final AtomicLong offered = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private Consumer<Throwable> failureHandler;
  private volatile boolean running = true;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  private ModelsTopicListener(
      ModelRegistry registry, String topic, Map<String, Object> clientProperties) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.topic = Objects.requireNonNull(topic, "topic");
    int n = INSTANCES.incrementAndGet();
    Map<String, Object> c = new HashMap<>(clientProperties);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "pinwheel-models-" + n);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_FETCH_BYTES);
    c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, MAX_FETCH_BYTES);
    // A few records at a time: each may be tens of megabytes and is verified before the next.
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 8);
    this.consumerConfig = c;
    this.thread = new Thread(this::run, "pinwheel-models-topic-" + n);
    thread.setDaemon(true);
  }

  /**
   * Starts reading {@code topic} on a new thread.
   *
   * @param registry where models are offered
   * @param topic the compacted models topic
   * @param clientProperties {@code bootstrap.servers} and security settings; group, offset and
   *     fetch settings are the listener's own
   * @return the running listener
   */
  public static ModelsTopicListener start(
      ModelRegistry registry, String topic, Map<String, Object> clientProperties) {
    ModelsTopicListener l = new ModelsTopicListener(registry, topic, clientProperties);
    l.thread.start();
    return l;
  }

  /**
   * Waits until every record that was in the topic when the listener started has been offered, the
   * topic was found missing, or the cluster refused the listener ({@link #failure()}).
   *
   * @param timeout the longest wait
   * @return true if caught up, false on timeout
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Tells whether the topic's initial contents have all been offered.
   *
   * @return true once caught up
   */
  public boolean isCaughtUp() {
    return caughtUp.getCount() == 0;
  }

  /**
   * Returns how many model records have been offered so far.
   *
   * @return the count, tombstones and rollout records excluded
   */
  public long offered() {
    return offered.get();
  }

  /**
   * Returns the refusal that stopped the listener, if one did.
   *
   * @return the exception of a refused login, an untrusted certificate or a missing ACL
   */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /**
   * Sets what to call when a refusal stops the listener, once; called at once if one already did.
   *
   * @param handler called with the exception, on the listener's thread (or this one)
   */
  public void onFailure(Consumer<Throwable> handler) {
    Objects.requireNonNull(handler, "handler");
    Throwable already;
    synchronized (this) {
      failureHandler = handler;
      already = failure.get();
    }
    if (already != null) {
      handler.accept(already);
    }
  }

  /**
   * Stops the thread and closes its consumer; waits up to 10 s (longer only if a model is being
   * warmed up). Calling it again does nothing.
   */
  @Override
  public void close() {
    running = false;
    stopped.countDown();
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ModelsTopicListener[" + topic + "]";
  }

  private void run() {
    // Not interrupted to stop: an interrupted Kafka client fails its own close. close() wakes the
    // consumer up and counts down the latch pauses wait on.
    while (running) {
      KafkaConsumer<byte[], byte[]> c =
          new KafkaConsumer<>(
              consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      consumer = c;
      try {
        if (running) {
          follow(c);
        }
      } catch (WakeupException e) {
        if (running) {
          LOG.warn("models topic {} listener woken up unexpectedly; starting again", topic);
        }
      } catch (InterruptException e) {
        // Someone else interrupted the thread: stop, but clear the flag so the close below works.
        Thread.interrupted();
        LOG.warn("models topic {} listener interrupted; stopping", topic);
        return;
      } catch (RuntimeException e) {
        Optional<SecurityFailure> refused = SecurityFailure.of(e);
        if (refused.isPresent()) {
          LOG.error("models topic {} listener stops: {}", topic, refused.get().message());
          fail(e);
          return;
        }
        if (running) {
          LOG.error(
              "models topic {} listener failed; retrying in {} s",
              topic,
              ERROR_BACKOFF.toSeconds(),
              e);
          pause(ERROR_BACKOFF);
        }
      } finally {
        consumer = null;
        c.close();
      }
    }
  }

  private void fail(Throwable e) {
    Consumer<Throwable> handler;
    synchronized (this) {
      failure.compareAndSet(null, e);
      handler = failureHandler;
    }
    caughtUp.countDown();
    if (handler != null) {
      handler.accept(e);
    }
  }

  private void follow(KafkaConsumer<byte[], byte[]> c) {
    List<TopicPartition> partitions = partitions(c);
    while (running && partitions.isEmpty()) {
      if (caughtUp.getCount() > 0) {
        LOG.info("models topic {} does not exist yet; will look again", topic);
        caughtUp.countDown();
      }
      pause(MISSING_TOPIC_RETRY);
      partitions = partitions(c);
    }
    if (!running) {
      return;
    }
    c.assign(partitions);
    c.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = c.endOffsets(partitions);
    long nextCheck = System.nanoTime() + PARTITION_RECHECK.toNanos();
    while (running) {
      checkCaughtUp(c, end);
      for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
        String origin = r.topic() + "/" + r.partition() + "@" + r.offset();
        if (r.value() == null) {
          LOG.debug("skipping tombstone at {}", origin);
          continue;
        }
        Header kind = r.headers().lastHeader(RolloutState.HEADER);
        if (kind != null
            && RolloutState.HEADER_VALUE.equals(new String(kind.value(), StandardCharsets.UTF_8))) {
          registry.applyRollout(r.value(), origin);
          continue;
        }
        offered.incrementAndGet();
        registry.offer(r.value(), origin, false);
      }
      if (System.nanoTime() > nextCheck) {
        nextCheck = System.nanoTime() + PARTITION_RECHECK.toNanos();
        List<TopicPartition> now = partitions(c);
        if (now.size() > partitions.size()) {
          List<TopicPartition> added = new ArrayList<>(now);
          added.removeAll(partitions);
          LOG.info("models topic {} grew to {} partitions", topic, now.size());
          partitions = now;
          c.assign(partitions);
          c.seekToBeginning(added);
        }
      }
    }
  }

  private void checkCaughtUp(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
    if (caughtUp.getCount() == 0) {
      return;
    }
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return;
      }
    }
    LOG.info("models topic {} read up to its end at start-up", topic);
    caughtUp.countDown();
  }

  private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c) {
    List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
    List<TopicPartition> tps = new ArrayList<>();
    if (infos != null) {
      for (PartitionInfo info : infos) {
        tps.add(new TopicPartition(info.topic(), info.partition()));
      }
    }
    return tps;
  }

  private void pause(Duration d) {
    try {
      stopped.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
