package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.broker.CommittedReader;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.cli.Cli;
import io.pinwheel.cli.support.ShippedModels;
import io.pinwheel.extractor.model.EncoderFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code pinwheel reencode} on the embedded broker: its JSON line and the records it wrote. */
@Tag("integration")
class ReencodeIT {
  @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @TempDir Path dir;

  @Test
  void shouldReencodeTheRetainedFramesIntoThePerVersionTopic() throws Exception {
    kafka.createTopic("pinwheel.frames", 2, Map.of());
    Frames.send(kafka.bootstrapServers(), "pinwheel.frames", "old", 30, 6, 3, 500);
    Path model = dir.resolve("natural-v3.pwe");
    Files.write(
        model,
        EncoderFile.toBytes(ShippedModels.withThresholdScaled(ShippedModels.natural(), 3, 1.2)));

    Cli cli =
        Cli.run(
            "reencode",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--model",
            model.toString(),
            "--from-offset",
            "0");

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(0);
    JsonNode line = cli.lines().get(0);
    assertThat(line.path("toTopic").asText()).isEqualTo("pinwheel.features.natural.v3");
    assertThat(line.path("complete").asBoolean()).isTrue();
    assertThat(line.path("frames").asLong()).isEqualTo(30);
    assertThat(line.path("features").asLong()).isEqualTo(25);
    assertThat(line.path("skippedByReason").path("undecodable").asLong()).isEqualTo(5);
    assertThat(line.path("partitions")).hasSize(2);
    assertThat(cli.err()).contains("pinwheel reencode: 30 / 30 frames (100%)");
    try (CommittedReader reader =
        new CommittedReader(kafka.bootstrapServers(), "pinwheel.features.natural.v3")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> reader.poll().size() >= 25);
      assertThat(reader.records()).hasSize(25);
    }

    Cli again =
        Cli.run(
            "reencode",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--model",
            model.toString());

    assertThat(again.exitCode()).as(again.err()).isEqualTo(0);
    assertThat(again.lines().get(0).path("resumed").asBoolean()).isTrue();
    assertThat(again.lines().get(0).path("frames").asLong()).isZero();
  }
}
