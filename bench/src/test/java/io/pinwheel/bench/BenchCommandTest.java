package io.pinwheel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import org.junit.jupiter.api.Test;

/** The bench commands run and report every field; their figures are not asserted (noisy hosts). */
class BenchCommandTest {

  private static JsonNode runJson(String... args) throws Exception {
    Cli cli = Cli.run(args);
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    return Cli.JSON.readTree(cli.out());
  }

  @Test
  void shouldReportEncoderFiguresAndAlternativesAsJson() throws Exception {
    JsonNode json =
        runJson(
            "bench",
            "encoder",
            "--json",
            "--rounds",
            "1",
            "--round-millis",
            "50",
            "--batch",
            "1,4",
            "--threads",
            "1");
    assertThat(json.get("rows")).hasSize(2);
    JsonNode row = json.get("rows").get(0);
    assertThat(row.get("frames_per_second").asDouble()).isPositive();
    assertThat(row.get("conv_gflops").asDouble()).isPositive();
    assertThat(row.get("sgemm_peak_gflops").asDouble()).isPositive();
    assertThat(row.get("fraction_of_peak").asDouble()).isPositive();
    assertThat(row.get("alternatives").get("nd4j-conv2d").asDouble()).isPositive();
    assertThat(row.get("alternatives").get("opencv-filter2d").asDouble()).isPositive();
    assertThat(json.get("max_relative_difference").get("nd4j-conv2d").asDouble()).isLessThan(1e-3);
  }

  @Test
  void shouldReportMemorySamplesFromSoak() throws Exception {
    JsonNode json = runJson("bench", "soak", "--json", "--frames", "200", "--samples", "4");
    assertThat(json.get("frames").asLong()).isEqualTo(200);
    assertThat(json.get("samples")).hasSize(4);
    assertThat(json.get("samples").get(3).get("rss_bytes").asLong()).isPositive();
    assertThat(json.get("samples").get(3).get("physical_bytes").asLong()).isPositive();
    assertThat(json.get("reloads").asLong()).isZero();
  }

  @Test
  void shouldSwapInAFreshEncoderAtTheSoakReloadInterval() throws Exception {
    JsonNode json =
        runJson(
            "bench", "soak", "--json", "--frames", "200", "--samples", "4", "--reload-every", "50");

    assertThat(json.get("frames").asLong()).isEqualTo(200);
    assertThat(json.get("reloads").asLong()).isEqualTo(4);
  }
}
