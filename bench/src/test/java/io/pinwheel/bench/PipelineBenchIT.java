package io.pinwheel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.cli.Cli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench pipeline} against a broker it did not start, as the two-process setup in
 * BENCHMARKS.md runs it, and on its own. Figures are not checked (a shared machine makes them
 * anything); that the run completes, counts every frame and cleans up after itself is.
 */
@Tag("integration")
class PipelineBenchIT {

  @Test
  void shouldBenchThroughAnOutsideBrokerAndDeleteItsOwnTopicsOnly() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      // What a first run's frames topic would be called without a run id.
      String other = "bench-throughput-alos-0.frames";
      kafka.createTopic(other, 1, Map.of());
      try (KafkaProducer<byte[], byte[]> p =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", kafka.bootstrapServers()),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        p.send(new ProducerRecord<>(other, new byte[] {1})).get();
      }

      Cli run =
          bench(
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--backlog",
              "300",
              "--rounds",
              "1",
              "--set",
              "producer.batch.size=65536",
              "--set",
              "commit.interval.ms=50");

      assertThat(run.result().exitCode()).as(run.err()).isZero();
      JsonNode r = Cli.JSON.readTree(run.out());
      assertThat(r.get("decodeEncodeFramesPerSecond").asDouble()).isPositive();
      assertThat(r.get("atLeastOnceFramesPerSecond").asDouble()).isPositive();
      assertThat(r.get("pipelineFramesPerSecond").asDouble()).isPositive();
      assertThat(r.get("latency")).hasSize(2);
      for (JsonNode l : r.get("latency")) {
        assertThat(l.get("records").asLong()).as(l.toString()).isPositive();
      }
      assertThat(r.get("commitIntervalMs").asLong()).isEqualTo(50);
      assertThat(r.get("brokerLogDir").isNull()).isTrue();
      // Pairs of both guarantees, at most six.
      assertThat(r.get("warmupRuns").asInt()).isEven().isBetween(2, 12);
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        // Each run deleted its own topics, named with the run id, and nothing else.
        assertThat(admin.listTopics().names().get().stream().filter(t -> t.startsWith("bench-")))
            .containsExactly(other);
        TopicPartition tp = new TopicPartition(other, 0);
        assertThat(
                admin
                    .listOffsets(Map.of(tp, OffsetSpec.latest()))
                    .partitionResult(tp)
                    .get()
                    .offset())
            .isEqualTo(1);
      }
    }
  }

  @Test
  void shouldMeasureLatencyAtAGivenRateOnItsOwnBrokerWithLogsInTheGivenDirectory(@TempDir Path logs)
      throws Exception {
    Cli run =
        bench(
            "--backlog",
            "100",
            "--rounds",
            "2",
            "--rate",
            "25",
            "--broker-log-dir",
            logs.toString());

    assertThat(run.result().exitCode()).as(run.err()).isZero();
    JsonNode r = Cli.JSON.readTree(run.out());
    assertThat(r.get("decodeEncodeFramesPerSecond").isNull()).as(r.toString()).isTrue();
    assertThat(r.get("atLeastOnceRuns")).isEmpty();
    assertThat(r.get("jitCpuPercent").isNull()).isTrue();
    assertThat(r.get("latency")).hasSize(2);
    for (JsonNode l : r.get("latency")) {
      assertThat(l.get("offeredFramesPerSecond").asDouble()).isEqualTo(25.0);
      // Two rounds of 2 s each after 5 s of start-up: 50 measured frames a guarantee.
      assertThat(l.get("records").asLong()).as(l.toString()).isEqualTo(100);
      assertThat(l.get("p99Runs")).hasSize(2);
      assertThat(l.get("startupP99Millis").asDouble()).isPositive();
    }
    // The broker's temporary directory was made there and is gone with the broker.
    assertThat(r.get("brokerLogDir").asText()).isEqualTo(logs.toString());
    assertThat(logs).isEmptyDirectory();
  }

  /** A short one-thread run, printing JSON, with {@code options} added. */
  private static Cli bench(String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "pipeline",
                "--threads",
                "1",
                "--partitions",
                "1",
                "--latency-seconds",
                "2",
                // The workload before --model defaulted to natural, as every command's does.
                "--model",
                "gabor",
                "--json"));
    args.addAll(List.of(options));
    return Cli.run(args.toArray(new String[0]));
  }

  @Test
  void shouldRefuseAnUnknownServiceKeyAsAUsageError() {
    Cli run =
        Cli.run(
            "bench", "pipeline", "--backlog", "100", "--rounds", "1", "--set", "pinwheel.typo=1");

    assertThat(run.result().exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--set").contains("pinwheel.typo: unknown pinwheel key");
  }
}
