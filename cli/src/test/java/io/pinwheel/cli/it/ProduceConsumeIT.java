package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.broker.CommittedReader;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.cli.Cli;
import io.pinwheel.client.FeatureRecord;
import io.pinwheel.client.FeatureRecordSerde;
import io.pinwheel.topology.stream.PinwheelHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
class ProduceConsumeIT {
  private static final Path SAMPLES = Path.of("..", "samples", "images");

  @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @Test
  void shouldProduceTheSampleImagesWithFrameIdsAndCaptureTimestamps() throws Exception {
    long before = System.currentTimeMillis();
    Cli run =
        Cli.run(
            "produce",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic",
            "frames-a",
            SAMPLES.toString(),
            "--loop",
            "--max",
            "20");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode summary = run.lastLine();
    assertThat(summary.get("sent").asLong()).isEqualTo(20);
    assertThat(summary.get("failed").asLong()).isZero();
    assertThat(summary.get("key").asText()).isEqualTo("images");
    List<ConsumerRecord<byte[], byte[]>> records = readAll("frames-a", 20);
    assertThat(records).hasSize(20);
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<byte[], byte[]> r = records.get(i);
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("images");
      assertThat(CommittedReader.header(r, PinwheelHeaders.FRAME_ID))
          .isEqualTo(String.format("images-%07d", i));
      assertThat(r.timestamp()).isBetween(before, System.currentTimeMillis());
      assertThat(isJpegOrPng(r.value())).as("frame %d is a JPEG or PNG", i).isTrue();
    }
  }

  @Test
  void shouldPrintProgressAtTheGivenRate() {
    Cli run =
        Cli.run(
            "produce",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic",
            "frames-b",
            SAMPLES.toString(),
            "--loop",
            "--rate",
            "10",
            "--max",
            "25",
            "--key",
            "cam-7");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("frames/s");
    JsonNode summary = run.lastLine();
    assertThat(summary.get("sent").asLong()).isEqualTo(25);
    assertThat(summary.get("seconds").asDouble()).isGreaterThan(2.0);
    assertThat(summary.get("framesPerSecond").asDouble()).isBetween(5.0, 12.0);
  }

  @Test
  void shouldPrintFeatureRecordsSkipBadBytesAndReportLatencyPercentiles() throws Exception {
    List<FeatureRecord> written = writeFeatures("features-a", 5);

    Cli json =
        Cli.run(
            "consume",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic",
            "features-a",
            "--max",
            "5",
            "--format",
            "json",
            "--from-beginning",
            "--run-for",
            "60s");
    Cli stats =
        Cli.run(
            "consume",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic",
            "features-a",
            "--max",
            "5",
            "--format",
            "table",
            "--stats",
            "--from-beginning",
            "--run-for",
            "60s");

    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.err()).contains("not a FeatureRecord");
    List<JsonNode> lines = json.lines();
    assertThat(lines).hasSize(5);
    for (int i = 0; i < 5; i++) {
      FeatureRecord f = written.get(i);
      JsonNode line = lines.get(i);
      assertThat(line.get("frameId").asText()).isEqualTo(f.frameId());
      assertThat(line.get("nnz").asInt()).isEqualTo(f.nnz());
      assertThat(line.get("model").get("version").asInt()).isEqualTo(2);
      assertThat(line.get("sourceTimestampMs").asLong()).isEqualTo(f.sourceTimestampMs());
      assertThat(line.get("latencyMs").asLong()).isGreaterThanOrEqualTo(0);
    }
    assertThat(stats.exitCode()).as(stats.err()).isZero();
    assertThat(stats.out()).contains("frame-0000004").contains("gabor v2");
    JsonNode summary = stats.lastLine().get("stats");
    assertThat(summary.get("records").asLong()).isEqualTo(5);
    assertThat(summary.get("undecodable").asLong()).isEqualTo(1);
    assertThat(summary.get("latencyMs").get("p50").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(summary.get("latencyMs").get("p99").asLong())
        .isGreaterThanOrEqualTo(summary.get("latencyMs").get("p95").asLong());
    assertThat(stats.err()).contains("records/s").contains("p95").contains("p99");
  }

  /**
   * Writes {@code n} records, protobuf and JSON alternately, with one corrupt record after the
   * first.
   */
  private static List<FeatureRecord> writeFeatures(String topic, int n) throws Exception {
    List<FeatureRecord> records = new ArrayList<>();
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      long now = System.currentTimeMillis();
      for (int i = 0; i < n; i++) {
        FeatureRecord f =
            FeatureRecord.of(
                String.format("frame-%07d", i),
                now - 10 * (n - i),
                "gabor",
                2,
                new int[] {4, 8, 8},
                new int[] {i, 40 + i, 255},
                new float[] {0.25f * (i + 1), 1.5f, 2f},
                now);
        records.add(f);
        FeatureRecordSerde serde =
            i % 2 == 0 ? FeatureRecordSerde.protobuf() : FeatureRecordSerde.json();
        producer.send(new ProducerRecord<>(topic, "cam-1", serde.serializer().serialize(topic, f)));
        if (i == 0) {
          producer.send(
              new ProducerRecord<>(
                  topic, "cam-1", "garbage, not a record".getBytes(StandardCharsets.UTF_8)));
        }
      }
      producer.flush();
    }
    return records;
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
    try (CommittedReader reader = new CommittedReader(kafka.bootstrapServers(), topic)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> reader.poll().size() >= expected);
      return List.copyOf(reader.records());
    }
  }

  private static boolean isJpegOrPng(byte[] b) {
    boolean jpeg = b.length > 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8;
    boolean png =
        b.length > 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    return jpeg || png;
  }
}
