package io.pinwheel.cli.demo;

import io.pinwheel.cli.support.LatencyStats;
import io.pinwheel.client.FeatureRecord;
import io.pinwheel.client.FeatureRecordDeserializer;
import io.pinwheel.client.FeatureRecordFormat;
import io.pinwheel.topology.stream.PinwheelHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the features and dead-letter topics as a downstream consumer would ({@code read_committed}:
 * under exactly-once only committed records) and counts what arrives, by frame id, on its own
 * thread.
 *
 * <p>The latency is what that consumer sees: the time it received a feature record minus the
 * frame's source timestamp. Under exactly-once it includes waiting for the transaction to commit,
 * so it is about the commit interval plus the processing time.
 */
public final class OutputTally implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputTally.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final FeatureRecordDeserializer features;
  private final String featuresTopic;
  private final Thread thread;
  private volatile boolean running = true;

  // Written by the consumer thread only; the set is never read elsewhere.
  private final Set<String> seen = new HashSet<>();
  private final AtomicLong featureCount = new AtomicLong();
  private final AtomicLong deadLetterCount = new AtomicLong();
  private final AtomicLong duplicateCount = new AtomicLong();
  private final SortedSet<Integer> versions = new ConcurrentSkipListSet<>();

  /** Guards both latency lists. */
  private final Object latencyLock = new Object();

  private final LatencyStats window = new LatencyStats();
  private final LatencyStats all = new LatencyStats();

  private OutputTally(
      Map<String, Object> clientProperties,
      String featuresTopic,
      String deadLetterTopic,
      FeatureRecordFormat format) {
    this.featuresTopic = featuresTopic;
    this.features = new FeatureRecordDeserializer(format);
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "pinwheel-demo-tally");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try {
      // No consumer group: this reader wants every partition, and nothing to rebalance.
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(featuresTopic, deadLetterTopic)) {
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
          partitions.add(new TopicPartition(topic, info.partition()));
        }
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    } catch (RuntimeException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw e;
    }
    this.thread = new Thread(this::run, "pinwheel-demo-tally");
    thread.setDaemon(true);
  }

  /**
   * Starts reading both topics from the beginning.
   *
   * @param clientProperties {@code bootstrap.servers} and security settings
   * @param featuresTopic the features topic
   * @param deadLetterTopic the dead-letter topic
   * @param format the feature records' format
   * @return the running tally
   */
  public static OutputTally start(
      Map<String, Object> clientProperties,
      String featuresTopic,
      String deadLetterTopic,
      FeatureRecordFormat format) {
    OutputTally t = new OutputTally(clientProperties, featuresTopic, deadLetterTopic, format);
    t.thread.start();
    return t;
  }

  /**
   * Returns the frames that came out as feature records, each counted once.
   *
   * @return the count of distinct frame ids in the features topic
   */
  public long features() {
    return featureCount.get();
  }

  /**
   * Returns the frames that came out as dead letters, each counted once.
   *
   * @return the count of distinct frame ids in the dead-letter topic
   */
  public long deadLetters() {
    return deadLetterCount.get();
  }

  /**
   * Returns the records whose frame id had been seen already, in either topic.
   *
   * @return 0 when every frame came out exactly once
   */
  public long duplicates() {
    return duplicateCount.get();
  }

  /**
   * Returns every model version that encoded a feature record seen.
   *
   * @return the versions, ascending
   */
  public List<Integer> versionsSeen() {
    return List.copyOf(new TreeSet<>(versions));
  }

  /**
   * Returns p50 and p99 of the latencies seen since the last call, and forgets them.
   *
   * @return {p50, p99} in ms; -1 each when no feature record arrived meanwhile
   */
  public long[] takeWindowPercentiles() {
    synchronized (latencyLock) {
      long[] p = window.percentiles(50, 99);
      window.clear();
      return p;
    }
  }

  /**
   * Returns p50 and p99 of every latency seen.
   *
   * @return {p50, p99} in ms; -1 each before the first feature record
   */
  public long[] overallPercentiles() {
    synchronized (latencyLock) {
      return all.percentiles(50, 99);
    }
  }

  /** Stops reading and closes the consumer; waits for the thread. Calling it again is harmless. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          count(r, System.currentTimeMillis());
        }
      }
    } catch (WakeupException e) {
      // close() asked us to stop.
    } catch (RuntimeException e) {
      LOG.error("the demo's output consumer failed; the counts stop here", e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private void count(ConsumerRecord<byte[], byte[]> r, long receivedMs) {
    if (r.topic().equals(featuresTopic)) {
      FeatureRecord f = features.deserialize(r.topic(), r.value());
      if (!seen.add(f.frameId())) {
        duplicateCount.incrementAndGet();
        return;
      }
      featureCount.incrementAndGet();
      versions.add(f.modelVersion());
      long latency = Math.max(0, receivedMs - f.sourceTimestampMs());
      synchronized (latencyLock) {
        window.add(latency);
        all.add(latency);
      }
    } else {
      // The frame's own id; without one, its source coordinates, which is what a feature record
      // of the same frame would carry.
      String frameId =
          header(r, PinwheelHeaders.FRAME_ID) != null
              ? header(r, PinwheelHeaders.FRAME_ID)
              : header(r, PinwheelHeaders.SOURCE_TOPIC)
                  + "/"
                  + header(r, PinwheelHeaders.SOURCE_PARTITION)
                  + "/"
                  + header(r, PinwheelHeaders.SOURCE_OFFSET);
      if (!seen.add(frameId)) {
        duplicateCount.incrementAndGet();
        return;
      }
      deadLetterCount.incrementAndGet();
    }
  }
}
