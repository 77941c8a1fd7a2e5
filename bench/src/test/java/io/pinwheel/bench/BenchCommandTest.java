package io.pinwheel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    assertThat(row.get("alternatives").get("onnxruntime").asDouble()).isPositive();
    assertThat(json.get("max_relative_difference").get("onnxruntime").asDouble()).isLessThan(1e-5);
    assertThat(json.get("max_relative_difference").get("nd4j-conv2d").asDouble()).isLessThan(1e-3);
    assertThat(json.get("conv_alone").get(0).get("gflops").asDouble()).isPositive();
    assertThat(json.get("engine").asText()).startsWith("oneDNN ");
    assertThat(json.get("best").get(0).get("encoder_frames_per_second").asDouble()).isPositive();
  }

  @Test
  void shouldTimeTheFullPathOnCameraFramesItMakesWhenNoneAreGiven(@TempDir Path dir)
      throws Exception {
    JsonNode json =
        runJson(
            "bench",
            "encoder",
            "--json",
            "--rounds",
            "1",
            "--round-millis",
            "30",
            "--batch",
            "1",
            "--threads",
            "1",
            "--camera-dir",
            dir.resolve("camera").toString());

    assertThat(json.get("camera_frames").get("1080p").asText()).contains("synthetic");
    assertThat(json.get("full_path")).hasSize(2);
    JsonNode row = json.get("full_path").get(1);
    assertThat(row.get("frames").asText()).isEqualTo("1080p");
    assertThat(row.get("full_decode_frames_per_second").asDouble()).isPositive();
    assertThat(row.get("reduced_decode_frames_per_second").asDouble()).isPositive();
  }

  @Test
  void shouldReportCodeFidelityAndStageTimesFromDecode(@TempDir Path dir) throws Exception {
    JsonNode json =
        runJson(
            "bench",
            "decode",
            "--json",
            "--rounds",
            "1",
            "--round-millis",
            "20",
            "--model",
            Path.of("..", "models", "fashion-mnist.pwe").toString(),
            "--camera-dir",
            dir.resolve("camera").toString());

    assertThat(json.get("rows")).hasSize(2);
    JsonNode row = json.get("rows").get(1);
    assertThat(row.get("fidelity").get("reduction").asInt()).isEqualTo(8);
    assertThat(row.get("fidelity").get("mean_cosine").asDouble()).isBetween(0.9, 1.0 + 1e-9);
    assertThat(row.get("micros_per_frame").get("imdecodeFull").asDouble()).isPositive();
    assertThat(row.get("reduced_path_frames_per_second").asDouble()).isPositive();
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
  void shouldSoakOnCameraFramesWhenAsked(@TempDir Path dir) throws Exception {
    JsonNode json =
        runJson(
            "bench",
            "soak",
            "--json",
            "--frames",
            "40",
            "--samples",
            "2",
            "--workload",
            "720p",
            "--camera-dir",
            dir.resolve("camera").toString());

    assertThat(json.get("workload").asText()).isEqualTo("720p");
    assertThat(json.get("frame_source").asText()).contains("synthetic");
    assertThat(json.get("frames").asLong()).isEqualTo(40);
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
