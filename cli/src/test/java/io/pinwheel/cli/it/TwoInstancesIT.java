package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.topology.admin.PinwheelTopics;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.service.PinwheelService;
import io.pinwheel.trainer.InitialModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Scale-out: two instances with one application id divide the frames topic between them. */
@Tag("integration")
class TwoInstancesIT {
  private static final int PARTITIONS = 4;
  private static final int FRAMES = 200;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  @TempDir Path stateOne;
  @TempDir Path stateTwo;

  @Test
  void shouldShareFramePartitionsBetweenTwoInstances() throws Exception {
    PinwheelConfig one = config(stateOne);
    PinwheelConfig two = config(stateTwo);
    PinwheelTopics.ensure(one, PARTITIONS);
    try (PinwheelService first = start(one);
        PinwheelService second = start(two);
        Outputs outputs =
            new Outputs(kafka.bootstrapServers(), one.featuresTopic(), one.deadLetterTopic())) {
      // The second instance joins after the first took every partition: a rebalance hands it its
      // share.
      await()
          .atMost(DEADLINE)
          .untilAsserted(
              () -> {
                assertThat(first.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(second.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(first.assignedPartitions()).isNotEmpty();
                assertThat(second.assignedPartitions()).isNotEmpty();
              });
      Set<TopicPartition> all = new HashSet<>(first.assignedPartitions());
      all.addAll(second.assignedPartitions());
      assertThat(all).hasSize(PARTITIONS);
      assertThat(first.assignedPartitions())
          .doesNotContainAnyElementsOf(second.assignedPartitions());

      List<String> sent =
          Frames.send(kafka.bootstrapServers(), one.framesTopic(), "two", FRAMES, 10, 16, 400);

      await().atMost(DEADLINE).until(() -> outputs.distinct() >= FRAMES);
      Map<String, Integer> counts = outputs.counts();
      assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(counts.values()).allMatch(n -> n == 1);
      assertThat(outputs.deadLetterRecords()).isEqualTo(FRAMES / 10);
      assertThat(first.metrics().framesIn()).isPositive();
      assertThat(second.metrics().framesIn()).isPositive();
      assertThat(first.metrics().framesIn() + second.metrics().framesIn()).isEqualTo(FRAMES);
    }
  }

  private static PinwheelConfig config(Path stateDir) {
    return PinwheelConfig.fromProperties(
        Map.of(
            PinwheelConfig.BOOTSTRAP_SERVERS,
            kafka.bootstrapServers(),
            PinwheelConfig.APPLICATION_ID,
            "two-instances",
            "state.dir",
            stateDir.toString()));
  }

  private static PinwheelService start(PinwheelConfig config) {
    return PinwheelService.builder(config, InitialModels.gabor())
        .metricsAddress(PinwheelService.DEFAULT_METRICS_HOST, 0)
        .start();
  }
}
