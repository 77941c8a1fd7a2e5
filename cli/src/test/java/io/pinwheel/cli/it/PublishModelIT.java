package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.trainer.GaborModelOptions;
import io.pinwheel.trainer.InitialModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class PublishModelIT {
  private static EmbeddedKafka kafka;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void shouldPublishTheFileToACompactedTopicAndSayWhere() throws Exception {
    Path model = dir.resolve("gabor.pwe");
    EncoderFile.write(InitialModels.gabor(GaborModelOptions.defaults().withVersion(3)), model);

    RunResult run =
        RunResult.run(
            "publish-model",
            model.toString(),
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic",
            "models-a");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode line = run.lastLine();
    assertThat(line.get("published").asText()).isEqualTo(model.toString());
    assertThat(line.get("name").asText()).isEqualTo("gabor");
    assertThat(line.get("version").asInt()).isEqualTo(3);
    assertThat(line.get("topic").asText()).isEqualTo("models-a");
    assertThat(line.get("partition").asInt()).isZero();
    assertThat(line.get("offset").asLong()).isZero();
    ConsumerRecord<byte[], byte[]> record = readOne("models-a");
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("gabor");
    assertThat(record.value()).isEqualTo(Files.readAllBytes(model));
    assertThat(topicConfig("models-a", TopicConfig.CLEANUP_POLICY_CONFIG)).isEqualTo("compact");
  }

  @Test
  void shouldPublishAFreshlyTrainedEncoderWhenTrainingIsDone() throws Exception {
    Path data = io.pinwheel.cli.models.TrainCommandTest.gratingsIdx(dir.resolve("idx"), 32, 4);
    Path model = dir.resolve("fresh.pwe");
    RunResult run =
        RunResult.run(
            "train",
            "--data",
            "fashion-mnist:" + data,
            "--out",
            model.toString(),
            "--filters",
            "8",
            "--kernel",
            "5",
            "--groups",
            "block:2",
            "--epochs",
            "1",
            "--threads",
            "1",
            "--publish-to",
            kafka.bootstrapServers(),
            "--models-topic",
            "models-trained");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.lastLine().get("published").get("topic").asText()).isEqualTo("models-trained");
    ConsumerRecord<byte[], byte[]> record = readOne("models-trained");
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("fresh");
    assertThat(record.value()).isEqualTo(Files.readAllBytes(model));
  }

  @Test
  void shouldAppendEachPublishedVersion() throws Exception {
    Path v1 = dir.resolve("v1.pwe");
    Path v2 = dir.resolve("v2.pwe");
    EncoderFile.write(InitialModels.gabor(), v1);
    EncoderFile.write(InitialModels.gabor(GaborModelOptions.defaults().withVersion(2)), v2);
    String b = kafka.bootstrapServers();

    RunResult first = RunResult.run("publish-model", v1.toString(), "--bootstrap-servers", b);
    RunResult second = RunResult.run("publish-model", v2.toString(), "--bootstrap-servers", b);

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(first.lastLine().get("topic").asText()).isEqualTo("pinwheel.models");
    assertThat(second.lastLine().get("offset").asLong())
        .isGreaterThan(first.lastLine().get("offset").asLong());
    assertThat(second.lastLine().get("version").asInt()).isEqualTo(2);
  }

  private static ConsumerRecord<byte[], byte[]> readOne(String topic) {
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                64 << 20),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (records.isEmpty() && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      assertThat(records).hasSize(1);
      return records.get(0);
    }
  }

  private static String topicConfig(String topic, String key) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = admin.describeConfigs(List.of(r)).all().get().get(r);
      return config.get(key).value();
    }
  }
}
