package io.pinwheel.cli.it;

import io.pinwheel.cli.support.FrameSource;
import io.pinwheel.topology.stream.PinwheelHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends numbered frames, some of them corrupt, each with a unique {@code frame-id}: small JPEGs
 * made with OpenCV, and random bytes every {@code corruptEvery}-th frame.
 */
final class Frames {
  private Frames() {}

  /**
   * Sends {@code count} frames at about {@code rate} a second and waits until each is acknowledged.
   *
   * @return the frame ids sent, in order
   */
  static List<String> send(
      String bootstrapServers,
      String topic,
      String prefix,
      int count,
      int corruptEvery,
      int cameras,
      double rate)
      throws InterruptedException, ExecutionException, TimeoutException {
    FrameSource frames = FrameSource.generated(8, corruptEvery);
    List<String> ids = new ArrayList<>();
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    long periodNanos = (long) (1e9 / rate);
    long t0 = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        long due = t0 + i * periodNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        String id = String.format("%s-%05d", prefix, i);
        RecordHeaders headers = new RecordHeaders();
        headers.add(PinwheelHeaders.FRAME_ID, id.getBytes(StandardCharsets.UTF_8));
        acks.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    null,
                    System.currentTimeMillis(),
                    "camera-" + (i % cameras),
                    frames.frame(i),
                    headers)));
        ids.add(id);
      }
      for (Future<RecordMetadata> ack : acks) {
        ack.get(30, TimeUnit.SECONDS);
      }
    }
    return ids;
  }
}
