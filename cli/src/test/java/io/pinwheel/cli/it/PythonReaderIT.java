package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.cli.Cli;
import io.pinwheel.client.FeatureRecord;
import io.pinwheel.client.FeatureRecordSerde;
import io.pinwheel.topology.stream.PinwheelHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code docs/examples/read_features.py} against the embedded broker, so that the example in
 * the documentation keeps reading what pinwheel writes. Skipped, before any broker starts, where no
 * Python has {@code confluent_kafka} and {@code numpy} (Debian: python3-confluent-kafka
 * python3-numpy).
 */
@Tag("integration")
@EnabledIf(
    value = "hasPython",
    disabledReason = "no python3 with confluent_kafka and numpy; skipping the Python reader")
class PythonReaderIT {
  private static final Path SCRIPT = Path.of("..", "docs", "examples", "read_features.py");

  private static String python;

  @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @TempDir Path dir;

  static boolean hasPython() throws InterruptedException {
    python = findPython();
    return python != null;
  }

  @Test
  void shouldReadProtobufAndJsonRecordsIntoTheSameArrays() throws Exception {
    List<FeatureRecord> written = new ArrayList<>();
    Map<String, Object> p =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < 6; i++) {
        // Index gaps above 127 and 16383 take two- and three-byte varints on the wire.
        FeatureRecord f =
            FeatureRecord.of(
                "cam/" + i,
                1_700_000_000_000L + i,
                "gabor",
                7,
                new int[] {16, 64, 64},
                new int[] {i, 200 + i, 20_000 + i, 65_535},
                new float[] {0.5f + i, -1.25f, 3e-3f, 100f},
                1_700_000_000_050L + i);
        written.add(f);
        boolean json = i >= 3;
        ProducerRecord<String, byte[]> r =
            new ProducerRecord<>(
                "features-py",
                "cam",
                (json ? FeatureRecordSerde.json() : FeatureRecordSerde.protobuf())
                    .serializer()
                    .serialize("features-py", f));
        if (i == 4) {
          r.headers()
              .add(
                  PinwheelHeaders.CONTENT_TYPE,
                  PinwheelHeaders.JSON_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        }
        producer.send(r);
        if (i == 1) {
          producer.send(
              new ProducerRecord<>(
                  "features-py", "cam", "not a record".getBytes(StandardCharsets.UTF_8)));
        }
      }
      producer.flush();
    }

    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process proc =
        new ProcessBuilder(
                python,
                SCRIPT.toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                "features-py",
                "--from-beginning",
                "--max",
                "6",
                "--format",
                "json")
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    boolean done = proc.waitFor(90, TimeUnit.SECONDS);
    if (!done) {
      proc.destroyForcibly();
    }
    String stderr = Files.readString(err);
    assertThat(done).as("the reader finished; stderr: %s", stderr).isTrue();
    assertThat(proc.exitValue()).as(stderr).isZero();
    assertThat(stderr).contains("not a FeatureRecord");
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(6);
    for (int i = 0; i < 6; i++) {
      FeatureRecord f = written.get(i);
      JsonNode line = Cli.JSON.readTree(lines.get(i));
      assertThat(line.get("frameId").asText()).isEqualTo(f.frameId());
      assertThat(line.get("model").asText()).isEqualTo("gabor");
      assertThat(line.get("version").asInt()).isEqualTo(7);
      assertThat(line.get("nnz").asInt()).isEqualTo(f.nnz());
      assertThat(line.get("shape").toString()).isEqualTo("[16,64,64]");
      double sum = 0;
      for (float v : f.toDense()) {
        sum += v;
      }
      assertThat(line.get("sum").asDouble())
          .isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-6));
    }
  }

  /**
   * The first of {@code python3} on the PATH and Debian's {@code /usr/bin/python3} that has the
   * modules.
   */
  private static String findPython() throws InterruptedException {
    for (String candidate : List.of("python3", "/usr/bin/python3")) {
      try {
        Process p =
            new ProcessBuilder(candidate, "-c", "import confluent_kafka, numpy")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return candidate;
        }
        p.destroyForcibly();
      } catch (IOException e) {
        // Not installed under this name: try the next.
      }
    }
    return null;
  }
}
