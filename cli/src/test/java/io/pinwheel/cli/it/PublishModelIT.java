package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.broker.CommittedReader;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.cli.Cli;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.trainer.GaborModelOptions;
import io.pinwheel.trainer.InitialModels;
import io.pinwheel.trainer.data.Idx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class PublishModelIT {
  @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @TempDir Path dir;

  @Test
  void shouldPublishTheFileToACompactedTopicAndSayWhere() throws Exception {
    Path model = dir.resolve("gabor.pwe");
    EncoderFile.write(InitialModels.gabor(GaborModelOptions.defaults().withVersion(3)), model);

    Cli run =
        Cli.run(
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
    Path data = Idx.gratings(dir.resolve("idx"), 32, 4);
    Path model = dir.resolve("fresh.pwe");
    Cli run =
        Cli.run(
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

    Cli first = Cli.run("publish-model", v1.toString(), "--bootstrap-servers", b);
    Cli second = Cli.run("publish-model", v2.toString(), "--bootstrap-servers", b);

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(first.lastLine().get("topic").asText()).isEqualTo("pinwheel.models");
    assertThat(second.lastLine().get("offset").asLong())
        .isGreaterThan(first.lastLine().get("offset").asLong());
    assertThat(second.lastLine().get("version").asInt()).isEqualTo(2);
  }

  private static ConsumerRecord<byte[], byte[]> readOne(String topic) {
    try (CommittedReader reader = new CommittedReader(kafka.bootstrapServers(), topic)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !reader.poll().isEmpty());
      assertThat(reader.records()).hasSize(1);
      return reader.records().get(0);
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
