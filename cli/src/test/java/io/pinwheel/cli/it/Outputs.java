package io.pinwheel.cli.it;

import io.pinwheel.client.FeatureRecordDeserializer;
import io.pinwheel.client.FeatureRecordFormat;
import io.pinwheel.topology.stream.PinwheelHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the features and dead-letter topics with {@code read_committed}, as a downstream consumer
 * would, and counts how many times each frame id came out, on its own thread.
 */
final class Outputs implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String featuresTopic;
  private final FeatureRecordDeserializer features =
      new FeatureRecordDeserializer(FeatureRecordFormat.PROTOBUF);
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();
  private final AtomicInteger featureRecords = new AtomicInteger();
  private final AtomicInteger deadLetterRecords = new AtomicInteger();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile RuntimeException failure;

  Outputs(String bootstrapServers, String featuresTopic, String deadLetterTopic) {
    this.featuresTopic = featuresTopic;
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(featuresTopic, deadLetterTopic)) {
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread = new Thread(this::run, "it-outputs");
    thread.setDaemon(true);
    thread.start();
  }

  /** How many distinct frame ids came out so far. */
  int distinct() {
    check();
    return counts.size();
  }

  /** How many times each frame id came out. */
  Map<String, Integer> counts() {
    check();
    return Map.copyOf(counts);
  }

  int featureRecords() {
    return featureRecords.get();
  }

  int deadLetterRecords() {
    return deadLetterRecords.get();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void check() {
    if (failure != null) {
      throw failure;
    }
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          String id;
          if (r.topic().equals(featuresTopic)) {
            id = features.deserialize(r.topic(), r.value()).frameId();
            featureRecords.incrementAndGet();
          } else {
            Header h = r.headers().lastHeader(PinwheelHeaders.FRAME_ID);
            id = new String(h.value(), StandardCharsets.UTF_8);
            deadLetterRecords.incrementAndGet();
          }
          counts.merge(id, 1, Integer::sum);
        }
      }
    } catch (WakeupException e) {
      // close()
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      consumer.close();
    }
  }
}
