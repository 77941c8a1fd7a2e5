package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.cli.Cli;
import io.pinwheel.cli.support.ShippedModels;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.service.PinwheelService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code publish-model --rollback}, {@code --pin} and {@code --unpin} against a running service on
 * the embedded broker: the service follows each (that a restarted instance agrees is RolloutIT's).
 */
@Tag("integration")
class RollbackIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @TempDir Path dir;

  @Test
  void shouldRollBackPinAndUnpinARunningService() throws Exception {
    String brokers = kafka.bootstrapServers();
    PinwheelConfig config =
        PinwheelConfig.fromProperties(
            Map.of(
                PinwheelConfig.BOOTSTRAP_SERVERS,
                brokers,
                PinwheelConfig.APPLICATION_ID,
                "rollback-it",
                "state.dir",
                dir.resolve("state").toString()));
    for (int v = 2; v <= 3; v++) {
      Path file = dir.resolve("natural-v" + v + ".pwe");
      Files.write(
          file,
          EncoderFile.toBytes(
              ShippedModels.withThresholdScaled(ShippedModels.natural(), v, 1 + v / 10.0)));
      assertThat(
              Cli.run("publish-model", file.toString(), "--bootstrap-servers", brokers).exitCode())
          .isEqualTo(0);
    }
    try (PinwheelService service = start(config)) {
      awaitVersion(service, 3);

      Cli rollback =
          Cli.run("publish-model", "--rollback", "natural", "--bootstrap-servers", brokers);

      assertThat(rollback.exitCode()).as(rollback.err()).isEqualTo(0);
      JsonNode line = rollback.lines().get(0);
      assertThat(line.path("rolledBack").asText()).isEqualTo("natural");
      assertThat(line.path("withdrawn").asInt()).isEqualTo(3);
      assertThat(line.path("next").asInt()).isEqualTo(2);
      awaitVersion(service, 2);

      Cli pin = Cli.run("publish-model", "--pin", "natural@3", "--bootstrap-servers", brokers);
      assertThat(pin.exitCode()).as(pin.err()).isEqualTo(0);
      awaitVersion(service, 3);

      Cli unpin = Cli.run("publish-model", "--unpin", "--bootstrap-servers", brokers);
      assertThat(unpin.exitCode()).as(unpin.err()).isEqualTo(0);
      assertThat(unpin.lines().get(0).path("unpinned").asText()).isEqualTo("natural");
      // Pinning natural@3 brought it back from its rollback: unpinned, it is the newest.
      awaitVersion(service, 3);
      Cli again = Cli.run("publish-model", "--rollback", "natural", "--bootstrap-servers", brokers);
      assertThat(again.exitCode()).as(again.err()).isEqualTo(0);
      awaitVersion(service, 2);
    }
    Cli missing = Cli.run("publish-model", "--pin", "natural@9", "--bootstrap-servers", brokers);
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("natural@9 is not on pinwheel.models");
  }

  private static PinwheelService start(PinwheelConfig config) {
    return PinwheelService.builder(config, ShippedModels.natural())
        .ensureTopics(1)
        .metricsAddress(PinwheelService.DEFAULT_METRICS_HOST, 0)
        .start();
  }

  private static void awaitVersion(PinwheelService service, int version) {
    await()
        .atMost(DEADLINE)
        .untilAsserted(
            () -> assertThat(service.servingModel().orElseThrow().version()).isEqualTo(version));
  }
}
