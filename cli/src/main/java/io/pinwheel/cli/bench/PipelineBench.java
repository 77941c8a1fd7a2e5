package io.pinwheel.cli.bench;

import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.topology.broker.EmbeddedKafka;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.ModelRegistry;
import io.pinwheel.topology.stream.FeatureTopology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The whole service through a real (in-process) broker, next to decode + encode alone on the same
 * cores, in one run: throughput with a backlog, then end-to-end latency at half that rate under
 * at-least-once and exactly-once.
 */
final class PipelineBench {
  private PipelineBench() {}

  /** Latency as a consumer sees it at a given offered rate. */
  record Latency(
      String guarantee,
      double offeredFramesPerSecond,
      long records,
      double p50Millis,
      double p99Millis,
      double maxMillis,
      long rssStartBytes,
      long rssEndBytes) {}

  /** The whole run. */
  record Result(
      int threads,
      int partitions,
      double decodeEncodeFramesPerSecond,
      double atLeastOnceFramesPerSecond,
      double pipelineFramesPerSecond,
      double ratio,
      long commitIntervalMs,
      List<Latency> latency) {}

  static Result run(
      EncoderModel model,
      List<byte[]> jpegs,
      int threads,
      int partitions,
      int backlog,
      Duration latencyRun,
      Measure.Plan plan)
      throws Exception {
    double alone = decodeEncode(model, jpegs, threads, plan);
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      double atLeastOnce = throughput(kafka, model, jpegs, threads, partitions, backlog, false);
      double pipeline = throughput(kafka, model, jpegs, threads, partitions, backlog, true);
      List<Latency> latency = new ArrayList<>();
      double rate = pipeline / 2;
      latency.add(latency(kafka, model, jpegs, threads, partitions, rate, latencyRun, false));
      latency.add(latency(kafka, model, jpegs, threads, partitions, rate, latencyRun, true));
      return new Result(
          threads,
          partitions,
          alone,
          atLeastOnce,
          pipeline,
          pipeline / alone,
          PinwheelConfig.DEFAULT_COMMIT_INTERVAL_MS,
          latency);
    }
  }

  /** Decode + encode with one decoder and encoder per thread: the ceiling for the pipeline. */
  static double decodeEncode(EncoderModel model, List<byte[]> jpegs, int threads, Measure.Plan plan)
      throws Exception {
    FrameDecoder decoder = new FrameDecoder(model.input());
    AtomicInteger thread = new AtomicInteger();
    Supplier<Measure.Work> factory =
        () -> {
          Encoder encoder = new Encoder(model);
          int[] next = {thread.getAndIncrement() * 7};
          return new Measure.Work() {
            @Override
            public int step() throws Exception {
              encoder.encode(decoder.decode(jpegs.get(next[0]++ % jpegs.size())));
              return 1;
            }

            @Override
            public void close() {
              encoder.close();
            }
          };
        };
    return Measure.framesPerSecond(factory, threads, plan);
  }

  private static PinwheelConfig config(
      EmbeddedKafka kafka, String app, int threads, boolean exactlyOnce) {
    Map<String, String> p = new HashMap<>();
    p.put(PinwheelConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    p.put(PinwheelConfig.APPLICATION_ID, app);
    p.put(PinwheelConfig.FRAMES_TOPIC, app + ".frames");
    p.put(PinwheelConfig.FEATURES_TOPIC, app + ".features");
    p.put(PinwheelConfig.DEAD_LETTER_TOPIC, app + ".dlq");
    p.put(PinwheelConfig.NUM_STREAM_THREADS, Integer.toString(threads));
    p.put(
        PinwheelConfig.PROCESSING_GUARANTEE,
        exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
    p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/pinwheel-bench");
    return PinwheelConfig.fromProperties(p);
  }

  private static void createTopics(EmbeddedKafka kafka, PinwheelConfig c, int partitions) {
    kafka.createTopic(c.framesTopic(), partitions, Map.of());
    kafka.createTopic(c.featuresTopic(), partitions, Map.of());
    kafka.createTopic(c.deadLetterTopic(), partitions, Map.of());
  }

  private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<byte[], byte[]> consumer(
      EmbeddedKafka kafka, PinwheelConfig c, boolean readCommitted) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, c.applicationId() + "-reader");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        readCommitted ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(c.featuresTopic(), c.deadLetterTopic()));
    return consumer;
  }

  private static KafkaStreams startStreams(PinwheelConfig c, EncoderModel model)
      throws InterruptedException {
    PinwheelMetrics metrics = new PinwheelMetrics();
    ModelRegistry registry = new ModelRegistry(metrics);
    registry.offerDefault(model, "bench");
    KafkaStreams streams =
        new KafkaStreams(FeatureTopology.build(c, registry, metrics), c.toStreamsProperties());
    streams.cleanUp();
    streams.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline) {
        streams.close(Duration.ofSeconds(10));
        throw new IllegalStateException("Kafka Streams did not reach RUNNING: " + streams.state());
      }
      Thread.sleep(20);
    }
    return streams;
  }

  /** Frames/s with a backlog: from the first output record to the last. */
  private static double throughput(
      EmbeddedKafka kafka,
      EncoderModel model,
      List<byte[]> jpegs,
      int threads,
      int partitions,
      int backlog,
      boolean exactlyOnce)
      throws Exception {
    PinwheelConfig c =
        config(kafka, "bench-throughput-" + (exactlyOnce ? "eos" : "alos"), threads, exactlyOnce);
    createTopics(kafka, c, partitions);
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      for (int i = 0; i < backlog; i++) {
        producer.send(
            new ProducerRecord<>(
                c.framesTopic(), ("cam-" + i % 8).getBytes(), jpegs.get(i % jpegs.size())));
      }
      producer.flush();
    }
    try (KafkaStreams streams = startStreams(c, model);
        KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, c, exactlyOnce)) {
      long first = 0;
      long last = 0;
      long seen = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (seen < backlog && System.nanoTime() < deadline) {
        requireAlive(streams);
        int n = consumer.poll(Duration.ofMillis(50)).count();
        if (n > 0) {
          long now = System.nanoTime();
          if (seen == 0) {
            first = now;
          }
          seen += n;
          last = now;
        }
      }
      if (seen < backlog) {
        throw new IllegalStateException("only " + seen + " of " + backlog + " frames came out");
      }
      return (seen - 1) / ((last - first) / 1e9);
    }
  }

  /** End-to-end latency (record timestamp to consumer) at a paced rate. */
  private static Latency latency(
      EmbeddedKafka kafka,
      EncoderModel model,
      List<byte[]> jpegs,
      int threads,
      int partitions,
      double rate,
      Duration run,
      boolean exactlyOnce)
      throws Exception {
    String guarantee = exactlyOnce ? "exactly_once_v2" : "at_least_once";
    PinwheelConfig c =
        config(kafka, "bench-latency-" + guarantee.replace('_', '-'), threads, exactlyOnce);
    createTopics(kafka, c, partitions);
    long rssStart = SoakCommand.rssBytes();
    try (KafkaStreams streams = startStreams(c, model);
        KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, c, exactlyOnce);
        KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      consumer.poll(Duration.ofMillis(200));
      ExecutorService pacer = Executors.newSingleThreadExecutor();
      long total = (long) (rate * run.toMillis() / 1000.0);
      Future<?> sending =
          pacer.submit(
              () -> {
                long start = System.nanoTime();
                for (long i = 0; i < total; i++) {
                  long due = start + (long) (i * 1e9 / rate);
                  long wait = due - System.nanoTime();
                  if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                  }
                  producer.send(
                      new ProducerRecord<>(
                          c.framesTopic(),
                          null,
                          System.currentTimeMillis(),
                          ("cam-" + i % 8).getBytes(),
                          jpegs.get((int) (i % jpegs.size()))));
                }
                return null;
              });
      // Skip the first second: the consumer's first fetch and the JIT are not what is measured.
      long skipBefore = System.currentTimeMillis() + 1000;
      List<Long> lat = new ArrayList<>();
      long seen = 0;
      long deadline = System.nanoTime() + run.toNanos() + TimeUnit.SECONDS.toNanos(60);
      while ((seen < total) && System.nanoTime() < deadline) {
        requireAlive(streams);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
          long now = System.currentTimeMillis();
          seen++;
          if (r.timestamp() >= skipBefore) {
            lat.add(now - r.timestamp());
          }
        }
      }
      sending.get();
      pacer.shutdown();
      if (seen < total) {
        throw new IllegalStateException("only " + seen + " of " + total + " frames came out");
      }
      long[] sorted = lat.stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(sorted);
      return new Latency(
          guarantee,
          rate,
          sorted.length,
          percentile(sorted, 0.5),
          percentile(sorted, 0.99),
          sorted.length == 0 ? 0 : sorted[sorted.length - 1],
          rssStart,
          SoakCommand.rssBytes());
    }
  }

  private static void requireAlive(KafkaStreams streams) {
    if (!streams.state().isRunningOrRebalancing()) {
      throw new IllegalStateException("Kafka Streams stopped: " + streams.state());
    }
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
