package io.pinwheel.cli.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.LatencyStats;
import io.pinwheel.client.FeatureRecord;
import io.pinwheel.client.FeatureRecordSerde;
import io.pinwheel.topology.stream.PinwheelHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ConsumeCommandTest {
  private static final FeatureRecord RECORD =
      FeatureRecord.of(
          "cam-0000007",
          1_000L,
          "gabor",
          3,
          new int[] {2, 4, 5},
          new int[] {1, 7, 39},
          new float[] {0.5f, 1.25f, 3f},
          1_040L);

  @Test
  void shouldDecodeProtobufAndJsonRecords() {
    ConsumeCommand.Decoder decoder = new ConsumeCommand.Decoder();
    byte[] proto = FeatureRecordSerde.protobuf().serializer().serialize("t", RECORD);
    byte[] json = FeatureRecordSerde.json().serializer().serialize("t", RECORD);
    ConsumerRecord<String, byte[]> jsonWithHeader = record(json);
    jsonWithHeader
        .headers()
        .add(
            PinwheelHeaders.CONTENT_TYPE,
            PinwheelHeaders.JSON_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));

    assertThat(decoder.decode(record(proto))).isEqualTo(RECORD);
    assertThat(decoder.decode(record(json))).isEqualTo(RECORD);
    assertThat(decoder.decode(jsonWithHeader)).isEqualTo(RECORD);
    assertThat(decoder.decode(record(null))).isNull();
  }

  @Test
  void shouldRefuseBytesThatAreNotAFeatureRecord() {
    ConsumeCommand.Decoder decoder = new ConsumeCommand.Decoder();

    assertThatThrownBy(
            () -> decoder.decode(record("{\"frameId\":1".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> decoder.decode(record(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2})))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void shouldPrintAJsonLineWithTheCode() throws Exception {
    JsonNode line = Cli.JSON.readTree(ConsumeCommand.json("cam", RECORD, 42));

    assertThat(line.get("key").asText()).isEqualTo("cam");
    assertThat(line.get("frameId").asText()).isEqualTo("cam-0000007");
    assertThat(line.get("sourceTimestampMs").asLong()).isEqualTo(1_000L);
    assertThat(line.get("producedTimestampMs").asLong()).isEqualTo(1_040L);
    assertThat(line.get("latencyMs").asLong()).isEqualTo(42);
    assertThat(line.get("model").get("name").asText()).isEqualTo("gabor");
    assertThat(line.get("model").get("version").asInt()).isEqualTo(3);
    assertThat(Cli.ints(line.get("shape"))).containsExactly(2, 4, 5);
    assertThat(line.get("nnz").asInt()).isEqualTo(3);
    assertThat(Cli.ints(line.get("indices"))).containsExactly(1, 7, 39);
    assertThat(Cli.floats(line.get("values"))).containsExactly(0.5f, 1.25f, 3f);
  }

  @Test
  void shouldPrintAnAlignedTableLine() {
    String line = ConsumeCommand.table("cam", RECORD, 42);

    assertThat(line)
        .startsWith("cam ")
        .contains("cam-0000007")
        .contains("gabor v3")
        .contains("nnz       3")
        .contains("density   7.500%")
        .endsWith("latency     42 ms");
    assertThat(ConsumeCommand.table("other-key", RECORD, 1234)).hasSameSizeAs(line);
  }

  @Test
  void shouldReportNearestRankPercentilesInTheStatsLine() throws Exception {
    ConsumeCommand.Tally tally = new ConsumeCommand.Tally();
    for (int i = 1; i <= 100; i++) {
      tally.records++;
      tally.latencies.add(i);
    }
    tally.undecodable = 2;

    JsonNode stats = Cli.JSON.readTree(tally.json(2_000_000_000L)).get("stats");

    assertThat(stats.get("records").asLong()).isEqualTo(100);
    assertThat(stats.get("undecodable").asLong()).isEqualTo(2);
    assertThat(stats.get("recordsPerSecond").asDouble()).isEqualTo(50.0);
    assertThat(stats.get("latencyMs").get("p50").asLong()).isEqualTo(50);
    assertThat(stats.get("latencyMs").get("p95").asLong()).isEqualTo(95);
    assertThat(stats.get("latencyMs").get("p99").asLong()).isEqualTo(99);
    assertThat(tally.line(2_000_000_000L)).contains("50.0 records/s").contains("p99 99 ms");
  }

  @Test
  void shouldGiveNoPercentilesWithoutSamples() {
    assertThat(new LatencyStats().percentiles(50, 99)).containsExactly(-1, -1);
  }

  @Test
  void shouldRefuseInvalidOptions() {
    Cli max = Cli.run("consume", "--bootstrap-servers", "127.0.0.1:1", "--max", "-1");
    Cli format = Cli.run("consume", "--bootstrap-servers", "127.0.0.1:1", "--format", "xml");

    assertThat(max.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(max.err()).contains("--max");
    assertThat(format.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(format.err()).contains("--format");
  }

  private static ConsumerRecord<String, byte[]> record(byte[] value) {
    return new ConsumerRecord<>("features", 0, 0L, "cam", value);
  }
}
