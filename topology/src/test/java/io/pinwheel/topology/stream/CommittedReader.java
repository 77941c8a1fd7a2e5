package io.pinwheel.topology.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of a topic from the beginning as a {@code read_committed} consumer sees it,
 * collecting the records across polls: what a downstream application of pinwheel would get.
 */
final class CommittedReader implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

  CommittedReader(String bootstrapServers, String topic, int partitions) {
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
    List<TopicPartition> tps =
        IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
  }

  /**
   * Polls once and returns everything read so far.
   *
   * @return the records in the order read, per partition in offset order
   */
  List<ConsumerRecord<byte[], byte[]>> poll() {
    consumer.poll(Duration.ofMillis(100)).forEach(records::add);
    return Collections.unmodifiableList(records);
  }

  /**
   * Returns everything read so far.
   *
   * @return the records in the order read
   */
  List<ConsumerRecord<byte[], byte[]>> records() {
    return Collections.unmodifiableList(records);
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
