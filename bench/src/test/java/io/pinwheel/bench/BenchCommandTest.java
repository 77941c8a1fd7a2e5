package io.pinwheel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    assertThat(row.get("framesPerSecond").asDouble()).isPositive();
    assertThat(row.get("convGflops").asDouble()).isPositive();
    assertThat(row.get("sgemmPeakGflops").asDouble()).isPositive();
    assertThat(row.get("fractionOfPeak").asDouble()).isPositive();
    assertThat(row.get("alternatives").get("nd4j-conv2d").asDouble()).isPositive();
    assertThat(row.get("alternatives").get("opencv-filter2d").asDouble()).isPositive();
    assertThat(row.get("alternatives").get("onnxruntime").asDouble()).isPositive();
    assertThat(json.get("maxRelativeDifference").get("onnxruntime").asDouble()).isLessThan(1e-5);
    assertThat(json.get("maxRelativeDifference").get("nd4j-conv2d").asDouble()).isLessThan(1e-3);
    assertThat(json.get("convAlone").get(0).get("gflops").asDouble()).isPositive();
    assertThat(json.get("engine").asText()).startsWith("oneDNN ");
    assertThat(json.get("best").get(0).get("encoderFramesPerSecond").asDouble()).isPositive();
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

    assertThat(json.get("cameraFrames").get("1080p").asText()).contains("synthetic");
    assertThat(json.get("fullPath")).hasSize(2);
    JsonNode row = json.get("fullPath").get(1);
    assertThat(row.get("frames").asText()).isEqualTo("1080p");
    assertThat(row.get("fullDecodeFramesPerSecond").asDouble()).isPositive();
    assertThat(row.get("reducedDecodeFramesPerSecond").asDouble()).isPositive();
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
    assertThat(row.get("fidelity").get("meanCosine").asDouble()).isBetween(0.9, 1.0 + 1e-9);
    assertThat(row.get("microsPerFrame").get("imdecodeFull").asDouble()).isPositive();
    assertThat(row.get("reducedPathFramesPerSecond").asDouble()).isPositive();
  }

  @Test
  void shouldReportMemorySamplesFromSoak() throws Exception {
    JsonNode json = runJson("bench", "soak", "--json", "--frames", "200", "--samples", "4");
    assertThat(json.get("frames").asLong()).isEqualTo(200);
    assertThat(json.get("samples")).hasSize(4);
    assertThat(json.get("samples").get(3).get("rssBytes").asLong()).isPositive();
    assertThat(json.get("samples").get(3).get("physicalBytes").asLong()).isPositive();
    assertThat(json.get("reloads").asLong()).isZero();
  }

  @Test
  void shouldWriteEveryJsonKeyInCamelCase() throws Exception {
    JsonNode json = runJson("bench", "soak", "--json", "--frames", "20", "--samples", "2");

    List<String> keys = new ArrayList<>();
    collectKeys(json, keys);
    assertThat(keys).contains("frameSource", "rssGrowthBytes", "rssBytes");
    assertThat(keys).allMatch(k -> k.matches("[a-z][A-Za-z0-9]*"), "camelCase");
  }

  private static void collectKeys(JsonNode node, List<String> keys) {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      keys.add(e.getKey());
      collectKeys(e.getValue(), keys);
    }
    if (node.isArray()) {
      node.forEach(n -> collectKeys(n, keys));
    }
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
    assertThat(json.get("frameSource").asText()).contains("synthetic");
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
