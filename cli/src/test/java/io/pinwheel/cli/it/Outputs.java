package io.pinwheel.cli.it;

import io.pinwheel.broker.CommittedReader;
import io.pinwheel.client.FeatureRecordDeserializer;
import io.pinwheel.client.FeatureRecordFormat;
import io.pinwheel.topology.stream.PinwheelHeaders;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the features and dead-letter topics with {@code read_committed}, as a downstream consumer
 * would, and counts how many times each frame id came out, on its own thread.
 */
final class Outputs implements AutoCloseable {
  private final CommittedReader reader;
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
    reader = new CommittedReader(bootstrapServers, featuresTopic, deadLetterTopic);
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
      int counted = 0;
      while (running) {
        List<ConsumerRecord<byte[], byte[]>> read = reader.poll();
        for (ConsumerRecord<byte[], byte[]> r : read.subList(counted, read.size())) {
          String id;
          if (r.topic().equals(featuresTopic)) {
            id = features.deserialize(r.topic(), r.value()).frameId();
            featureRecords.incrementAndGet();
          } else {
            id = CommittedReader.header(r, PinwheelHeaders.FRAME_ID);
            deadLetterRecords.incrementAndGet();
          }
          counts.merge(id, 1, Integer::sum);
        }
        counted = read.size();
      }
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      reader.close();
    }
  }
}
