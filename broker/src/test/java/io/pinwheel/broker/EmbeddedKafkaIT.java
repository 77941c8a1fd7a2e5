package io.pinwheel.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class EmbeddedKafkaIT {

  private static final Duration DEADLINE = Duration.ofSeconds(15);

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
    System.out.printf("embedded Kafka started in %d ms%n", kafka.startupTime().toMillis());
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      long t0 = System.nanoTime();
      kafka.close();
      System.out.printf(
          "embedded Kafka closed in %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
  }

  private static Map<String, Object> producerConfig(EmbeddedKafka k) {
    return Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        k.bootstrapServers(),
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
        true,
        ProducerConfig.ACKS_CONFIG,
        "all");
  }

  private static KafkaProducer<String, String> producer(EmbeddedKafka k) {
    return new KafkaProducer<>(producerConfig(k), new StringSerializer(), new StringSerializer());
  }

  private static KafkaConsumer<String, String> consumer(EmbeddedKafka k, String isolation) {
    // No consumer group: assign() avoids a group join, and the test controls positions itself.
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            k.bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            isolation,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new StringDeserializer(),
        new StringDeserializer());
  }

  /**
   * Reads every partition of a topic from the start until the consumer's position has reached the
   * end offset of each (the last stable offset for read_committed), so nothing readable is left
   * behind.
   */
  private static <K, V> List<ConsumerRecord<K, V>> readAll(
      KafkaConsumer<K, V> consumer, String topic, int partitions) {
    List<TopicPartition> tps =
        IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
    Map<TopicPartition, Long> end = consumer.endOffsets(tps);
    List<ConsumerRecord<K, V>> records = new ArrayList<>();
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      assertThat(System.nanoTime())
          .as("reading %s within %s", topic, DEADLINE)
          .isLessThan(deadline);
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    }
    return records;
  }

  private static List<String> values(List<ConsumerRecord<String, String>> records) {
    return records.stream().map(ConsumerRecord::value).sorted().toList();
  }

  @Test
  void shouldDeliverEveryIdempotentlyProducedRecordToReadCommittedConsumer() throws Exception {
    kafka.createTopic("events", 3, Map.of());
    List<String> sent = IntStream.range(0, 100).mapToObj(i -> String.format("v%03d", i)).toList();

    try (KafkaProducer<String, String> producer = producer(kafka)) {
      for (int i = 0; i < sent.size(); i++) {
        producer.send(new ProducerRecord<>("events", "k" + i, sent.get(i))).get();
      }
    }
    List<ConsumerRecord<String, String>> received;
    try (KafkaConsumer<String, String> consumer = consumer(kafka, "read_committed")) {
      received = readAll(consumer, "events", 3);
    }

    assertThat(values(received)).containsExactlyElementsOf(sent);
    assertThat(received).extracting(ConsumerRecord::partition).contains(0, 1, 2);
  }

  @Test
  void shouldHideAbortedTransactionalRecordsFromReadCommittedConsumer() {
    writeAbortedThenCommitted("transactions-committed-view", "tx-committed-view");

    List<ConsumerRecord<String, String>> received;
    try (KafkaConsumer<String, String> consumer = consumer(kafka, "read_committed")) {
      received = readAll(consumer, "transactions-committed-view", 1);
    }

    assertThat(values(received)).containsExactly("committed-0", "committed-1", "committed-2");
  }

  @Test
  void shouldShowAbortedTransactionalRecordsToReadUncommittedConsumer() {
    // The other side of the test above: the aborted records did reach the log.
    writeAbortedThenCommitted("transactions-raw-view", "tx-raw-view");

    List<ConsumerRecord<String, String>> received;
    try (KafkaConsumer<String, String> consumer = consumer(kafka, "read_uncommitted")) {
      received = readAll(consumer, "transactions-raw-view", 1);
    }

    assertThat(values(received)).contains("aborted-0", "aborted-4", "committed-2").hasSize(8);
  }

  private static void writeAbortedThenCommitted(String topic, String transactionalId) {
    kafka.createTopic(topic, 1, Map.of());
    Map<String, Object> config = new HashMap<>(producerConfig(kafka));
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (int i = 0; i < 5; i++) {
        producer.send(new ProducerRecord<>(topic, "a" + i, "aborted-" + i));
      }
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(topic, "c" + i, "committed-" + i));
      }
      producer.commitTransaction();
    }
  }

  @Test
  void shouldCreateTopicWithGivenPartitionsAndConfigs() throws Exception {
    kafka.createTopic("models", 2, Map.of("cleanup.policy", "compact"));

    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      TopicDescription d =
          admin.describeTopics(List.of("models")).allTopicNames().get().get("models");
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "models");
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);

      assertThat(d.partitions()).hasSize(2);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
    }
  }

  @Test
  void shouldRefuseToCreateExistingTopic() {
    kafka.createTopic("twice", 1, Map.of());

    assertThatThrownBy(() -> kafka.createTopic("twice", 1, Map.of()))
        .isInstanceOf(KafkaException.class)
        .hasCauseInstanceOf(TopicExistsException.class);
  }

  @Test
  void shouldCarryRecordOfSeveralMebibytes() throws Exception {
    // Encoder files travel on the models topic as single records.
    kafka.createTopic("large", 1, Map.of());
    byte[] payload = new byte[12 * 1024 * 1024];
    Arrays.fill(payload, (byte) 7);
    payload[payload.length - 1] = 42;
    Map<String, Object> producerConfig = new HashMap<>(producerConfig(kafka));
    producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);

    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("large", payload)).get();
    }
    List<ConsumerRecord<byte[], byte[]>> received;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      received = readAll(consumer, "large", 1);
    }

    assertThat(received).hasSize(1);
    assertThat(received.get(0).value()).isEqualTo(payload);
  }

  @Test
  void shouldDeleteTemporaryLogDirOnClose() {
    EmbeddedKafka other = EmbeddedKafka.start();
    Path dir = other.logDir();
    assertThat(dir.resolve("data")).isDirectory();

    other.close();
    other.close();

    assertThat(dir).doesNotExist();
  }

  @Test
  void shouldCreateTemporaryLogDirInGivenParentAndDeleteItOnClose(@TempDir Path parent) {
    EmbeddedKafka other = EmbeddedKafka.builder().temporaryLogDirIn(parent).start();
    Path dir = other.logDir();
    assertThat(dir.getParent()).isEqualTo(parent);
    assertThat(dir.resolve("data")).isDirectory();

    other.close();

    assertThat(dir).doesNotExist();
    assertThat(parent).isEmptyDirectory();
  }

  @Test
  void shouldKeepRecordsAcrossRestartOnSameLogDirAndPort(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    EmbeddedKafka.Builder builder = EmbeddedKafka.builder().port(port).logDir(dir);
    try (EmbeddedKafka first = builder.start()) {
      first.createTopic("kept", 1, Map.of());
      try (KafkaProducer<String, String> producer = producer(first)) {
        producer.send(new ProducerRecord<>("kept", "k", "survives a restart")).get();
      }
    }
    assertThat(dir).isNotEmptyDirectory();

    List<ConsumerRecord<String, String>> received;
    try (EmbeddedKafka second = builder.start();
        KafkaConsumer<String, String> consumer = consumer(second, "read_committed")) {
      assertThat(second.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
      received = readAll(consumer, "kept", 1);
    }

    assertThat(values(received)).containsExactly("survives a restart");
  }
}
