package io.pinwheel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import io.pinwheel.trainer.data.FashionMnist;
import io.pinwheel.trainer.data.GrayImages;
import io.pinwheel.trainer.data.Idx;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench train} runs both trainers and reports every figure; the figures are not asserted.
 */
class BenchTrainCommandTest {
  @TempDir Path dir;

  /** 300 28×28 gratings in Fashion-MNIST's layout: vertical ones labelled 0, horizontal ones 1. */
  private Path gratings() throws Exception {
    int count = 300;
    int side = 28;
    byte[] pixels = new byte[count * side * side];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = i % 2;
      double period = 4 + i % 5;
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          double t = labels[i] == 0 ? x : y;
          double v = 0.5 + 0.4 * Math.sin(2 * Math.PI * t / period + i);
          pixels[(i * side + y) * side + x] = (byte) Math.round(255 * v);
        }
      }
    }
    Idx.writeSplit(
        dir, FashionMnist.Split.TRAIN, new GrayImages(count, side, side, pixels, labels), false);
    return dir;
  }

  @Test
  void shouldReportBothTrainersRatesAndTheMemoryRunAsCamelCaseJson() throws Exception {
    Cli cli =
        Cli.run(
            "bench",
            "train",
            "--json",
            "--recipes",
            "fashion,drsae",
            "--threads",
            "1",
            "--rounds",
            "1",
            "--round-seconds",
            "0.05",
            "--memory-steps",
            "200",
            "--fashion-mnist",
            gratings().toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode json = Cli.JSON.readTree(cli.out());
    assertThat(json.get("recipes")).hasSize(2);
    for (JsonNode recipe : json.get("recipes")) {
      JsonNode run = recipe.get("runs").get(0);
      assertThat(run.get("threads").asInt()).isEqualTo(1);
      assertThat(run.get("nativeImagesPerSecond").asDouble()).isPositive();
      assertThat(run.get("sameDiffImagesPerSecond").asDouble()).isPositive();
      assertThat(run.get("speedup").asDouble()).isPositive();
    }
    JsonNode memory = json.get("memory");
    assertThat(memory.get("steps").asInt()).isEqualTo(200);
    assertThat(memory.get("residentMegabytes").get("200").asDouble()).isPositive();
    assertThat(memory.get("heapBytesPerStep").isNumber()).isTrue();
    assertThat(json.get("cpu").asText()).isNotEmpty();
  }

  @Test
  void shouldRefuseAnUnknownRecipeWithoutReadingAnyData() throws Exception {
    Cli cli = Cli.run("bench", "train", "--recipes", "fashion,mnist");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("no recipe mnist");
  }
}
