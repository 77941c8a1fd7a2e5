package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.topology.broker.EmbeddedKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code bench pipeline} against a broker it did not start, as the two-process setup in
 * BENCHMARKS.md runs it. Figures are not checked (a shared machine makes them anything); that the
 * run completes, counts every frame and keeps to its own topics is.
 */
@Tag("integration")
class PipelineBenchIT {

  @Test
  void shouldBenchThePipelineThroughAnOutsideBrokerOnTopicsOfItsOwn() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      RunResult run =
          bench(kafka, "--backlog", "300", "--rounds", "1", "-p", "producer.batch.size=65536");

      assertThat(run.result().exitCode()).as(run.err()).isZero();
      JsonNode r = RunResult.JSON.readTree(run.out());
      assertThat(r.get("decode_encode_frames_per_second").asDouble()).isPositive();
      assertThat(r.get("at_least_once_frames_per_second").asDouble()).isPositive();
      assertThat(r.get("pipeline_frames_per_second").asDouble()).isPositive();
      assertThat(r.get("latency")).hasSize(2);
      for (JsonNode l : r.get("latency")) {
        assertThat(l.get("records").asLong()).as(l.toString()).isPositive();
      }
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        Set<String> topics = admin.listTopics().names().get();
        // One run id ends every name before its suffix, so a second run against the same broker
        // starts afresh.
        Set<String> bench =
            topics.stream().filter(t -> t.startsWith("bench-")).collect(Collectors.toSet());
        assertThat(bench).hasSize(6 * 4);
        assertThat(bench.stream().map(t -> t.replaceAll("^.*-([0-9a-z]+)\\.[a-z]+$", "$1")))
            .containsOnly(bench.iterator().next().replaceAll("^.*-([0-9a-z]+)\\.[a-z]+$", "$1"))
            .doesNotContain("0", "warmup", "once", "v2");
      }
    }
  }

  @Test
  void shouldMeasureLatencyAtAGivenRateWithoutTheThroughputRuns() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      RunResult run = bench(kafka, "--backlog", "100", "--rounds", "2", "--rate", "25");

      assertThat(run.result().exitCode()).as(run.err()).isZero();
      JsonNode r = RunResult.JSON.readTree(run.out());
      assertThat(r.get("decode_encode_frames_per_second").isNull()).as(r.toString()).isTrue();
      assertThat(r.get("at_least_once_runs")).isEmpty();
      assertThat(r.get("latency")).hasSize(2);
      for (JsonNode l : r.get("latency")) {
        assertThat(l.get("offered_frames_per_second").asDouble()).isEqualTo(25.0);
        // Two rounds of 2 s each after 5 s of start-up: 50 measured frames a guarantee.
        assertThat(l.get("records").asLong()).as(l.toString()).isEqualTo(100);
        assertThat(l.get("p99_runs")).hasSize(2);
        assertThat(l.get("startup_p99_millis").asDouble()).isPositive();
      }
    }
  }

  /** A short one-thread run against {@code kafka}, printing JSON, with {@code options} added. */
  private static RunResult bench(EmbeddedKafka kafka, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                "pipeline",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--threads",
                "1",
                "--partitions",
                "1",
                "--latency-seconds",
                "2",
                "--json"));
    args.addAll(List.of(options));
    return RunResult.run(args.toArray(new String[0]));
  }

  @Test
  void shouldRefuseAnUnknownServiceKeyAsAUsageError() {
    RunResult run =
        RunResult.run(
            "bench", "pipeline", "--backlog", "100", "--rounds", "1", "-p", "pinwheel.typo=1");

    assertThat(run.result().exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--property").contains("pinwheel.typo: unknown pinwheel key");
  }
}
