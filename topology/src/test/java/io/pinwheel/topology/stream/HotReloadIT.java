package io.pinwheel.topology.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.ModelPublisher;
import io.pinwheel.topology.model.ModelRegistry;
import io.pinwheel.topology.model.ModelsTopicListener;
import io.pinwheel.topology.model.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class HotReloadIT {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int PARTITIONS = 2;

  /** Frames sent after the first v2 feature record, so the new model serves under traffic. */
  private static final int FRAMES_AFTER_SWAP = 40;

  @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @TempDir Path stateDir;
  @TempDir Path modelDir;

  @Test
  void shouldSwapModelUnderTrafficWithoutLosingRecords() throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put(PinwheelConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    props.put(PinwheelConfig.APPLICATION_ID, "it-hot-reload");
    props.put("state.dir", stateDir.toString());
    PinwheelConfig config = PinwheelConfig.fromProperties(props);
    for (String topic :
        List.of(config.framesTopic(), config.featuresTopic(), config.deadLetterTopic())) {
      kafka.createTopic(topic, PARTITIONS, Map.of());
    }

    PinwheelMetrics metrics = new PinwheelMetrics();
    List<String> valid = new CopyOnWriteArrayList<>();
    List<String> invalid = new CopyOnWriteArrayList<>();
    AtomicBoolean producing = new AtomicBoolean(true);
    ExecutorService traffic = Executors.newSingleThreadExecutor();
    try (ModelRegistry registry = new ModelRegistry(metrics)) {
      // The service's start-up order: read the models topic (missing here), then the default.
      ModelsTopicListener listener =
          registry.listen(config.modelsTopic(), config.clientProperties());
      assertThat(listener.awaitCaughtUp(DEADLINE)).isTrue();
      assertThat(registry.offerDefault(TestModels.model("it", 1), "built-in").accepted()).isTrue();

      try (RunningTopology run =
          new RunningTopology(kafka.bootstrapServers(), config, registry, metrics)) {
        Future<?> sender =
            traffic.submit(() -> produce(config.framesTopic(), producing, valid, invalid));

        run.awaitFeatureOfVersion(1);
        Path v2 = modelDir.resolve("it-v2.pwe");
        EncoderFile.write(TestModels.model("it", 2), v2);
        ModelPublisher.Published published =
            ModelPublisher.publish(config.clientProperties(), config.modelsTopic(), v2);
        assertThat(published.modelVersion()).isEqualTo(2);
        run.awaitFeatureOfVersion(2);
        int sentAtSwap = valid.size() + invalid.size();
        await()
            .atMost(DEADLINE)
            .until(() -> valid.size() + invalid.size() >= sentAtSwap + FRAMES_AFTER_SWAP);
        producing.set(false);
        sender.get(30, TimeUnit.SECONDS);
        run.awaitOutputs(valid.size() + invalid.size());

        // A key's frames come from one input partition, one task, in order; the versions they
        // carry must never go back. (Output partitions mix keys, so they are no unit of order.)
        Map<String, List<Integer>> versionsByKey = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : run.featureRecords()) {
          versionsByKey
              .computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
              .add(RunningTopology.feature(r).modelVersion());
        }
        assertThat(run.featureIds())
            .doesNotHaveDuplicates()
            .containsExactlyInAnyOrderElementsOf(valid);
        assertThat(run.deadLetterIds())
            .doesNotHaveDuplicates()
            .containsExactlyInAnyOrderElementsOf(invalid);
        assertThat(versionsByKey).hasSize(PARTITIONS);
        versionsByKey.forEach(
            (key, versions) ->
                assertThat(versions)
                    .as("model versions of %s's frames, in order", key)
                    .isSorted()
                    .contains(1, 2));
        assertThat(registry.current().version()).isEqualTo(2);
        assertThat(registry.current().origin()).startsWith(config.modelsTopic() + "/");
      }
    } finally {
      producing.set(false);
      traffic.shutdownNow();
    }
  }

  @Test
  void shouldServeNewestModelOfTopicOnceCaughtUp() throws Exception {
    String topic = "it.models.replay";
    Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
    for (int version : new int[] {1, 3, 2}) {
      ModelPublisher.publish(
          client, topic, TestModels.bytes(TestModels.model("replay", version)), "v" + version);
    }
    // A record that skipped the publisher's check: the listener must survive it.
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  "replay".getBytes(StandardCharsets.UTF_8),
                  TestModels.corrupt(TestModels.model("replay", 4))))
          .get();
    }

    try (ModelRegistry registry = new ModelRegistry(new PinwheelMetrics())) {
      ModelsTopicListener listener = registry.listen(topic, client);

      assertThat(listener.awaitCaughtUp(DEADLINE)).isTrue();
      assertThat(listener.offered()).isEqualTo(4);
      assertThat(registry.current().version()).isEqualTo(3);
      assertThat(registry.current().origin()).isEqualTo(topic + "/0@1");
    }
  }

  /** Sends frames to both partitions, every seventh one corrupt, until told to stop. */
  private static void produce(
      String topic, AtomicBoolean producing, List<String> valid, List<String> invalid) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                0),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; producing.get(); i++) {
        String id = "frame-" + i;
        boolean good = i % 7 != 3;
        RecordHeaders headers = new RecordHeaders();
        headers.add(PinwheelHeaders.FRAME_ID, id.getBytes(StandardCharsets.UTF_8));
        // Counted only once acknowledged, so "sent" never includes a frame the broker lost.
        producer
            .send(
                new ProducerRecord<>(
                    topic,
                    i % PARTITIONS,
                    ("cam-" + i % PARTITIONS).getBytes(StandardCharsets.UTF_8),
                    good ? TestFrames.png(48, 48, i) : TestFrames.randomBytes(200, i),
                    headers))
            .get();
        (good ? valid : invalid).add(id);
        Thread.sleep(5);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("producing frames failed", e);
    }
  }
}
