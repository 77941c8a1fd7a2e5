package io.pinwheel.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class MetricsKafkaStreamsIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int RECORDS = 20;
  // Task and processor metrics appear only after the first rebalance; a short refresh picks them
  // up within the test instead of after the production interval.
  private static final Duration FAST_REFRESH = Duration.ofMillis(500);

  @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @TempDir Path stateDir;

  private String input;
  private PrometheusMeterRegistry registry;
  private KafkaStreams streams;
  private AutoCloseable kafkaMeters;

  @BeforeEach
  void startApp() {
    String suffix = UUID.randomUUID().toString();
    input = "frames-" + suffix;
    String output = "features-" + suffix;
    kafka.createTopic(input, 2, Map.of());
    kafka.createTopic(output, 2, Map.of());
    StreamsBuilder builder = new StreamsBuilder();
    builder.<String, String>stream(input).mapValues(v -> v.toUpperCase()).to(output);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-it-" + suffix);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    streams = new KafkaStreams(builder.build(), props);
    registry = PinwheelRegistries.prometheus();
  }

  @AfterEach
  void stopApp() throws Exception {
    if (kafkaMeters != null) {
      kafkaMeters.close();
    }
    streams.close(Duration.ofSeconds(30));
    registry.close();
  }

  @Test
  void shouldPublishKafkaStreamsMetersOnceBound() throws Exception {
    kafkaMeters = PinwheelRegistries.bindKafkaStreams(streams, registry);

    startAndProcess();

    assertThat(registry.getMeters()).anyMatch(m -> m.getId().getName().startsWith("kafka.stream"));
    System.out.printf("Kafka Streams meters right after start: %s%n", kafkaMeterCounts());
  }

  @Test
  void shouldKeepKafkaStreamsMetersLive() throws Exception {
    kafkaMeters = PinwheelRegistries.bindKafkaStreams(streams, registry, FAST_REFRESH);

    startAndProcess();

    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () ->
                assertThat(
                        registry
                            .find("kafka.stream.thread.process.total")
                            .functionCounters()
                            .stream()
                            .mapToDouble(FunctionCounter::count)
                            .sum())
                    .isGreaterThanOrEqualTo(RECORDS));
  }

  @Test
  void shouldBindEveryNumericKafkaStreamsMetric() throws Exception {
    kafkaMeters = PinwheelRegistries.bindKafkaStreams(streams, registry, FAST_REFRESH);

    startAndProcess();

    // Micrometer skips the metadata groups on purpose; anything else missing would be a meter
    // that the Prometheus registry refused (conflicting tag keys under one name, for instance).
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(unboundMetricNames()).isEmpty());
    System.out.printf(
        "Kafka Streams meters after processing: %s; numeric Kafka metrics: %d%n",
        kafkaMeterCounts(),
        streams.metrics().values().stream().filter(m -> m.metricValue() instanceof Number).count());
  }

  @Test
  void shouldServeKafkaStreamsMetersOverHttp() throws Exception {
    kafkaMeters = PinwheelRegistries.bindKafkaStreams(streams, registry, FAST_REFRESH);
    startAndProcess();

    try (MetricsServer server = MetricsServer.start("127.0.0.1", 0, registry, () -> true)) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(server.metricsUri()).timeout(DEADLINE).GET().build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body())
          .contains("kafka_stream_thread_process_total{")
          .contains("kafka_stream_alive_stream_threads{");
    }
  }

  @Test
  void shouldRemoveKafkaStreamsMetersOnClose() throws Exception {
    kafkaMeters = PinwheelRegistries.bindKafkaStreams(streams, registry);
    startAndProcess();

    kafkaMeters.close();
    kafkaMeters = null;

    assertThat(registry.getMeters()).noneMatch(m -> m.getId().getName().startsWith("kafka."));
  }

  private void startAndProcess() throws Exception {
    streams.start();
    await().atMost(DEADLINE).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(new ProducerRecord<>(input, "k" + i, "frame " + i)).get();
      }
    }
  }

  private Map<String, Long> kafkaMeterCounts() {
    return registry.getMeters().stream()
        .map(m -> m.getId().getName())
        .filter(n -> n.startsWith("kafka."))
        .collect(
            Collectors.groupingBy(
                n -> n.substring(0, n.indexOf('.', "kafka.".length())),
                TreeMap::new,
                Collectors.counting()));
  }

  // Micrometer's naming: "kafka." + group + "." + name, minus "-metrics", dashes to dots.
  private List<String> unboundMetricNames() {
    Set<String> meterNames =
        registry.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toSet());
    return streams.metrics().entrySet().stream()
        .filter(e -> e.getValue().metricValue() instanceof Number)
        .map(Map.Entry::getKey)
        .filter(n -> !n.group().equals("app-info") && !n.group().equals("kafka-metrics-count"))
        .map(n -> ("kafka." + n.group() + "." + n.name()).replace("-metrics", "").replace('-', '.'))
        .filter(name -> !meterNames.contains(name))
        .distinct()
        .sorted()
        .toList();
  }
}
