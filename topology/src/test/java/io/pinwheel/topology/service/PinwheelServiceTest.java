package io.pinwheel.topology.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.topology.admin.MissingTopicsException;
import io.pinwheel.topology.admin.PinwheelTopics;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.model.TestModels;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the service's builder and topic helpers refuse or compute without a broker. */
class PinwheelServiceTest {
  private static final PinwheelConfig CONFIG = PinwheelConfig.defaults("127.0.0.1:1");

  @Test
  void shouldRefuseAMetricsPortOutOfRange() {
    PinwheelService.Builder b = PinwheelService.builder(CONFIG, TestModels.model("m", 1));

    assertThatThrownBy(() -> b.metricsAddress("127.0.0.1", 65_536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metrics port");
  }

  @Test
  void shouldRefuseFewerThanOnePartition() {
    PinwheelService.Builder b = PinwheelService.builder(CONFIG, TestModels.model("m", 1));

    assertThatThrownBy(() -> b.ensureTopics(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PinwheelTopics.ensure(CONFIG, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldRefuseANegativeCloseTimeout() {
    PinwheelService.Builder b = PinwheelService.builder(CONFIG, TestModels.model("m", 1));

    assertThatThrownBy(() -> b.closeTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldSizeFrameTopicsForTheLargestFramePlusItsHeaders() {
    PinwheelConfig big =
        PinwheelConfig.fromProperties(
            Map.of(
                PinwheelConfig.BOOTSTRAP_SERVERS,
                "127.0.0.1:1",
                PinwheelConfig.DECODER_MAX_BYTES,
                Integer.toString(32 << 20)));

    assertThat(PinwheelTopics.recordBytes(CONFIG))
        .isEqualTo(PinwheelConfig.DEFAULT_CLIENT_RECORD_BYTES + PinwheelTopics.RECORD_OVERHEAD);
    assertThat(PinwheelTopics.recordBytes(big))
        .isEqualTo((32 << 20) + PinwheelTopics.RECORD_OVERHEAD);
  }

  @Test
  void shouldNameEveryMissingTopic() {
    MissingTopicsException e = new MissingTopicsException(List.of("a", "b"));

    assertThat(e.topics()).containsExactly("a", "b");
    assertThat(e).hasMessageStartingWith("missing Kafka topics a, b: create them first");
  }
}
