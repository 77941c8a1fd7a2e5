package io.pinwheel.broker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of some topics from the beginning as a {@code read_committed} consumer sees
 * them, collecting the records across polls: what a downstream application would get. It joins no
 * consumer group and commits nothing. Not thread-safe: one thread at a time (awaitility's poll
 * thread, say).
 */
public final class CommittedReader implements AutoCloseable {
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

  /**
   * Assigns itself every partition of {@code topics}, which must exist, at their beginning.
   *
   * @param bootstrapServers the broker
   * @param topics the topics to read
   */
  public CommittedReader(String bootstrapServers, String... topics) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                16 << 20),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    try {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        List<PartitionInfo> info = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (info == null || info.isEmpty()) {
          throw new IllegalStateException("no partitions of topic " + topic);
        }
        info.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    } catch (RuntimeException e) {
      consumer.close();
      throw e;
    }
  }

  /**
   * Polls once, for up to 100 ms, and returns everything read so far.
   *
   * @return the records in the order read, per partition in offset order
   */
  public List<ConsumerRecord<byte[], byte[]>> poll() {
    consumer.poll(Duration.ofMillis(100)).forEach(records::add);
    return Collections.unmodifiableList(records);
  }

  /**
   * Returns everything read so far.
   *
   * @return the records in the order read
   */
  public List<ConsumerRecord<byte[], byte[]>> records() {
    return Collections.unmodifiableList(records);
  }

  /**
   * Returns the last value of a header as UTF-8 text.
   *
   * @param record a record
   * @param key the header's key
   * @return its value, or null if the record has no such header
   */
  public static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header h = record.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
