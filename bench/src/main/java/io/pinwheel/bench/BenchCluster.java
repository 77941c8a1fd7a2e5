package io.pinwheel.bench;

import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.topology.admin.PinwheelTopics;
import io.pinwheel.topology.config.PinwheelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka side of the pipeline bench: the broker (one started in-process for the bench, or an
 * outside one it was pointed at), each run's configuration and topics, the bench's own producer of
 * frames and reader of features, and the deletion of a run's topics after it. Owns the in-process
 * broker and the service's state directory, both gone at {@link #close()}.
 *
 * <p>An outside broker (for instance {@code pinwheel broker} pinned to other cores) keeps the
 * broker's CPU off the cores being measured, as it is off the service's machines in a deployment;
 * topic and application names then carry the run id, so that runs do not meet each other's topics.
 */
final class BenchCluster implements AutoCloseable {
  /** The in-process broker, or null for an outside one. */
  private final EmbeddedKafka embedded;

  private final String bootstrapServers;
  private final String runId;
  private final Map<String, String> properties;
  private final Path stateDir;

  private BenchCluster(
      EmbeddedKafka embedded,
      String bootstrapServers,
      String runId,
      Map<String, String> properties,
      Path stateDir) {
    this.embedded = embedded;
    this.bootstrapServers = bootstrapServers;
    this.runId = runId;
    this.properties = Map.copyOf(properties);
    this.stateDir = stateDir;
  }

  /**
   * The cluster at {@code bootstrapServers}, or an in-process broker started now, with its logs in
   * a temporary directory under {@code brokerLogParent} (the system's temporary directory when
   * null), when that is null.
   *
   * @param runId appended to application and topic names, empty for none
   * @param properties the service's settings ({@code --set}), under the bench's own
   */
  static BenchCluster open(
      String bootstrapServers, String runId, Map<String, String> properties, Path brokerLogParent)
      throws IOException {
    // A fresh state directory for each bench, so that no earlier run's (or a bench running beside
    // this one) meets this one's under the same application id.
    Path stateDir = Files.createTempDirectory("pinwheel-bench-state-");
    try {
      EmbeddedKafka embedded =
          bootstrapServers == null
              ? EmbeddedKafka.builder()
                  .temporaryLogDirIn(brokerLogParent)
                  // A deleted run's segments go after a second rather than the default minute, so
                  // that at most one run's frames occupy the log directory. (With 0 the broker's
                  // scheduler re-ran its deletion task without pause: 3% of a core.)
                  .config("log.segment.delete.delay.ms", "1000")
                  .start()
              : null;
      return new BenchCluster(
          embedded,
          embedded == null ? bootstrapServers : embedded.bootstrapServers(),
          runId,
          properties,
          stateDir);
    } catch (RuntimeException | Error e) {
      Utils.delete(stateDir.toFile());
      throw e;
    }
  }

  /** Where the in-process broker keeps its logs, or null for an outside broker. */
  String brokerLogDir() {
    return embedded == null ? null : embedded.logDir().getParent().toString();
  }

  /** {@code name} made unique to this run. */
  String app(String name) {
    return runId.isEmpty() ? name : name + "-" + runId;
  }

  /**
   * The service's configuration for application {@code app}: its topics are named after it, with
   * {@code threads} stream threads and the given guarantee, over the {@code --set} properties.
   */
  PinwheelConfig config(String app, int threads, boolean exactlyOnce) {
    Map<String, String> p = new HashMap<>(properties);
    p.put(PinwheelConfig.BOOTSTRAP_SERVERS, bootstrapServers);
    p.put(PinwheelConfig.APPLICATION_ID, app);
    p.put(PinwheelConfig.MODELS_TOPIC, app + ".models");
    p.put(PinwheelConfig.FRAMES_TOPIC, app + ".frames");
    p.put(PinwheelConfig.FEATURES_TOPIC, app + ".features");
    p.put(PinwheelConfig.DEAD_LETTER_TOPIC, app + ".dlq");
    p.put(PinwheelConfig.NUM_STREAM_THREADS, Integer.toString(threads));
    p.put(PinwheelConfig.PROCESSING_GUARANTEE, guarantee(exactlyOnce));
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return PinwheelConfig.fromProperties(p);
  }

  /** The processing guarantee's name, as Kafka Streams spells it. */
  static String guarantee(boolean exactlyOnce) {
    return exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE;
  }

  /** A run of one application, given its configuration. */
  @FunctionalInterface
  interface OnTopics<T> {
    T run(PinwheelConfig c) throws Exception;
  }

  /**
   * Runs {@code body} as application {@code app} (made unique by {@link #app}) on topics of {@code
   * partitions} partitions created for it, and deletes them after.
   */
  <T> T onFreshTopics(
      String app, int threads, int partitions, boolean exactlyOnce, OnTopics<T> body)
      throws Exception {
    PinwheelConfig c = config(app(app), threads, exactlyOnce);
    PinwheelTopics.ensure(c, partitions);
    try {
      return body.run(c);
    } finally {
      deleteTopics(c);
    }
  }

  /**
   * Deletes a finished run's topics. A run leaves nothing on a broker it was pointed at, and the
   * in-process broker holds one run's frames at a time: a full bench writes about 9 GB of frames
   * and features, and their writeback to disk took both cores for seconds in the middle of later
   * runs. With the in-process broker this waits until the files are gone too: freeing them took 3%
   * of a core during the next run otherwise.
   */
  private void deleteTopics(PinwheelConfig c) throws Exception {
    try (Admin admin = Admin.create(c.clientProperties())) {
      admin
          .deleteTopics(
              List.of(c.framesTopic(), c.featuresTopic(), c.deadLetterTopic(), c.modelsTopic()))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    if (embedded == null) {
      return;
    }
    Path brokerData = embedded.logDir().resolve("data");
    // Every topic of the run, and so every partition directory, starts with its application id.
    String prefix = c.applicationId() + ".";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Stream<Path> dirs = Files.list(brokerData)) {
        if (dirs.noneMatch(d -> d.getFileName().toString().startsWith(prefix))) {
          return;
        }
      }
      Thread.sleep(50);
    }
  }

  /**
   * The bench's producer of frames: acks from all replicas, batches after 1 ms, in batches of
   * {@value PinwheelConfig#DEFAULT_BATCH_BYTES} bytes as the service's producer. With Kafka's 16 KB
   * default every camera frame (0.1 to 0.4 MB) would be a batch of its own size, which the
   * producer's buffer pool does not reuse: a new buffer, and garbage, per frame, in the JVM the
   * service runs in.
   */
  KafkaProducer<byte[], byte[]> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(PinwheelConfig.DEFAULT_BATCH_BYTES));
    p.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        Integer.toString(PinwheelConfig.DEFAULT_CLIENT_RECORD_BYTES));
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * The bench's reader of the features and dead-letter topics, returned once it owns their {@code
   * partitions} partitions each. Joining the group takes a second or more; a consumer started with
   * the service would then read a start-up's worth of records in one poll, which a throughput run
   * would count as if made in its first 50 ms. Runs of 4,000 frames came out above decode + encode
   * alone that way.
   */
  KafkaConsumer<byte[], byte[]> consumer(PinwheelConfig c, boolean readCommitted, int partitions) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, c.applicationId() + "-reader");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        readCommitted ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(c.featuresTopic(), c.deadLetterTopic()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (consumer.assignment().size() < 2 * partitions) {
      if (System.nanoTime() > deadline) {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
        throw new IllegalStateException("the bench's consumer got no partitions within a minute");
      }
      consumer.poll(Duration.ofMillis(50));
    }
    return consumer;
  }

  /**
   * Keys spread evenly over the partitions, {@code perPartition} of them each: key {@code k} goes
   * to partition {@code k % partitions} under the default partitioner. Keys such as {@code cam-0 ..
   * cam-7} hash unevenly (6 of those 8 land in one of 2 partitions), which would leave one stream
   * thread idle while the other works off most of the backlog.
   */
  static List<byte[]> balancedKeys(int partitions, int perPartition) {
    List<List<byte[]>> byPartition = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      byPartition.add(new ArrayList<>());
    }
    for (int n = 0; byPartition.stream().anyMatch(l -> l.size() < perPartition); n++) {
      byte[] key = ("cam-" + n).getBytes(StandardCharsets.UTF_8);
      int p = Utils.toPositive(Utils.murmur2(key)) % partitions;
      if (byPartition.get(p).size() < perPartition) {
        byPartition.get(p).add(key);
      }
    }
    List<byte[]> keys = new ArrayList<>();
    for (int k = 0; k < perPartition; k++) {
      for (int p = 0; p < partitions; p++) {
        keys.add(byPartition.get(p).get(k));
      }
    }
    return keys;
  }

  /** Stops the in-process broker, if any, and deletes the state directory. */
  @Override
  public void close() throws IOException {
    try {
      if (embedded != null) {
        embedded.close();
      }
    } finally {
      Utils.delete(stateDir.toFile());
    }
  }
}
