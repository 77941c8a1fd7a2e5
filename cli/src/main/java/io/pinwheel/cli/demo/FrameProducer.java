package io.pinwheel.cli.demo;

import io.pinwheel.cli.support.FrameSource;
import io.pinwheel.topology.stream.PinwheelHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends frames to the frames topic at a steady rate on its own thread, as a handful of cameras
 * would: key {@code camera-N}, header {@code frame-id} unique over the run, timestamp = the moment
 * of sending (the "capture time" end-to-end latency is measured from).
 *
 * <p>Only frames the broker acknowledged count as sent, so that sent = features + dead letters is
 * the exact check of the pipeline. The producer is idempotent with {@code acks=all}: a retried send
 * cannot become two records.
 */
public final class FrameProducer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FrameProducer.class);

  /** How many stream ids (cameras) the frames are spread over. */
  public static final int CAMERAS = 4;

  /** How far behind schedule the producer may fall before it skips ahead instead of bursting. */
  private static final long MAX_LAG_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final FrameSource source;
  private final long periodNanos;
  private final Thread thread;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong badSent = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean running = true;
  private boolean closed;

  private FrameProducer(
      Map<String, Object> clientProperties, String topic, FrameSource source, double rate) {
    if (!(rate > 0)) {
      throw new IllegalArgumentException("rate must be positive, got " + rate);
    }
    this.topic = Objects.requireNonNull(topic, "topic");
    this.source = Objects.requireNonNull(source, "source");
    this.periodNanos = Math.max(1, Math.round(1e9 / rate));
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "pinwheel-demo-frames");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Each frame goes at once: batching would add its linger to the latency the demo shows.
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    this.thread = new Thread(this::run, "pinwheel-demo-producer");
    thread.setDaemon(true);
  }

  /**
   * Starts sending.
   *
   * @param clientProperties {@code bootstrap.servers} and security settings
   * @param topic the frames topic
   * @param source the frames
   * @param rate frames per second
   * @return the running producer
   */
  public static FrameProducer start(
      Map<String, Object> clientProperties, String topic, FrameSource source, double rate) {
    FrameProducer p = new FrameProducer(clientProperties, topic, source, rate);
    p.thread.start();
    return p;
  }

  /**
   * Returns the frames the broker has acknowledged so far.
   *
   * @return the count, corrupt frames included
   */
  public long sent() {
    return sent.get();
  }

  /**
   * Returns the corrupt frames among {@link #sent()}.
   *
   * @return the count
   */
  public long badSent() {
    return badSent.get();
  }

  /**
   * Returns the sends the broker refused or that timed out.
   *
   * @return the count; these frames are not in {@link #sent()}
   */
  public long failed() {
    return failed.get();
  }

  /**
   * Stops sending, waits for every frame in flight to be acknowledged or to fail, and closes the
   * Kafka producer. {@link #sent()} is final afterwards. Calling it again does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.flush();
    producer.close(Duration.ofSeconds(10));
  }

  private void run() {
    long start = System.nanoTime();
    long sequence = 0;
    while (running) {
      long due = start + sequence * periodNanos;
      long now = System.nanoTime();
      if (now - due > MAX_LAG_NANOS) {
        // Behind schedule (a pause, a slow broker): carry on at the rate from now rather than
        // sending the missed frames in one burst, which would only show up as a latency spike.
        start = now - sequence * periodNanos;
      } else if (due > now) {
        LockSupport.parkNanos(due - now);
        continue;
      }
      try {
        send(sequence);
      } catch (RuntimeException e) {
        failed.incrementAndGet();
        LOG.warn("could not send frame {}: {}", sequence, e.toString());
      }
      sequence++;
    }
  }

  private void send(long sequence) {
    String camera = "camera-" + (sequence % CAMERAS);
    String frameId = String.format("%s-%07d", camera, sequence);
    boolean bad = source.isBad(sequence);
    RecordHeaders headers = new RecordHeaders();
    headers.add(PinwheelHeaders.FRAME_ID, frameId.getBytes(StandardCharsets.UTF_8));
    producer.send(
        new ProducerRecord<>(
            topic, null, System.currentTimeMillis(), camera, source.frame(sequence), headers),
        (metadata, exception) -> {
          if (exception == null) {
            sent.incrementAndGet();
            if (bad) {
              badSent.incrementAndGet();
            }
          } else {
            failed.incrementAndGet();
            LOG.warn("frame {} was not sent: {}", frameId, exception.toString());
          }
        });
  }
}
