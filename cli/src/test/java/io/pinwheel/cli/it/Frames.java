package io.pinwheel.cli.it;

import io.pinwheel.cli.support.FrameSource;
import io.pinwheel.topology.stream.PinwheelHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
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
    return send(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
        topic,
        prefix,
        count,
        corruptEvery,
        cameras,
        rate);
  }

  /**
   * Sends as a client with the given settings (a secured broker's user) what {@link #send(String,
   * String, String, int, int, int, double)} sends.
   *
   * @return the frame ids sent, in order
   */
  static List<String> send(
      Map<String, String> client,
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
    Map<String, Object> p = new HashMap<>(client);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
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

  /**
   * Starts sending frames at about {@code rate} a second on a thread of its own, until {@link
   * Stream#stop()}: for tests that need frames to keep coming while they do something else.
   *
   * @param bootstrapServers the broker
   * @param topic the frames topic
   * @param prefix the frame ids' prefix
   * @param corruptEvery every how many frames one is random bytes
   * @param cameras how many keys the frames spread over
   * @param rate frames a second
   * @return the running sender
   */
  static Stream stream(
      String bootstrapServers,
      String topic,
      String prefix,
      int corruptEvery,
      int cameras,
      double rate) {
    return new Stream(bootstrapServers, topic, prefix, corruptEvery, cameras, rate);
  }

  /** Frames sent until stopped; see {@link Frames#stream}. */
  static final class Stream {
    private final List<String> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Exception failure;

    private Stream(
        String bootstrapServers,
        String topic,
        String prefix,
        int corruptEvery,
        int cameras,
        double rate) {
      thread =
          new Thread(
              () -> {
                FrameSource frames = FrameSource.generated(8, corruptEvery);
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
                  for (int i = 0; running; i++) {
                    long wait = t0 + i * periodNanos - System.nanoTime();
                    if (wait > 0) {
                      TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    String id = String.format("%s-%06d", prefix, i);
                    RecordHeaders headers = new RecordHeaders();
                    headers.add(PinwheelHeaders.FRAME_ID, id.getBytes(StandardCharsets.UTF_8));
                    producer
                        .send(
                            new ProducerRecord<>(
                                topic,
                                null,
                                System.currentTimeMillis(),
                                "camera-" + (i % cameras),
                                frames.frame(i),
                                headers))
                        .get(30, TimeUnit.SECONDS);
                    ids.add(id);
                  }
                } catch (Exception e) {
                  failure = e;
                }
              },
              "it-frames");
      thread.setDaemon(true);
      thread.start();
    }

    /** How many frames the broker acknowledged so far. */
    int sent() {
      return ids.size();
    }

    /**
     * Stops sending and returns the ids of every frame the broker acknowledged.
     *
     * @throws IllegalStateException if sending failed
     */
    List<String> stop() throws InterruptedException {
      running = false;
      thread.join(60_000);
      if (failure != null) {
        throw new IllegalStateException("sending frames failed", failure);
      }
      return List.copyOf(ids);
    }
  }
}
