package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import io.pinwheel.cli.support.ModelOption;
import io.pinwheel.cli.support.ShippedModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class DemoIT {

  @Test
  void shouldRunShortDemoWithoutLosingFrames() {
    long t0 = System.nanoTime();
    Cli run = Cli.run("demo", "--duration", "12s", "--rate", "40");
    System.out.printf(
        "demo took %.1f s; it printed:%n%s", (System.nanoTime() - t0) / 1e9, run.err());

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode summary = run.lastLine();
    assertThat(summary.get("lost").asLong()).isZero();
    assertThat(summary.get("duplicates").asLong()).isZero();
    assertThat(summary.get("features").asLong()).isPositive();
    assertThat(summary.get("deadLetters").asLong()).isPositive();
    assertThat(summary.get("sent").asLong())
        .isEqualTo(summary.get("features").asLong() + summary.get("deadLetters").asLong());
    List<Integer> versions = new ArrayList<>();
    summary.get("modelVersionsSeen").forEach(v -> versions.add(v.asInt()));
    int base = ShippedModels.defaultModel().version();
    assertThat(versions).containsExactly(base, base + 1);
    assertThat(run.err())
        .contains("model " + ModelOption.DEFAULT + " v" + (base + 1) + " now serving");
  }

  @Test
  void shouldSwapInEveryVersionPublishedAtTheReloadInterval() {
    Cli run = Cli.run("demo", "--duration", "14s", "--rate", "40", "--reload-every", "4s");

    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode summary = run.lastLine();
    assertThat(summary.get("lost").asLong()).isZero();
    assertThat(summary.get("duplicates").asLong()).isZero();
    // Published at 4, 8 and 12 s; the last may swap in after the final frames.
    List<Integer> versions = new ArrayList<>();
    summary.get("modelVersionsSeen").forEach(v -> versions.add(v.asInt()));
    int base = ShippedModels.defaultModel().version();
    assertThat(versions).startsWith(base, base + 1, base + 2);
    assertThat(run.err())
        .contains("every 4 s a new model version is published")
        .contains("model " + ModelOption.DEFAULT + " v" + (base + 2) + " now serving")
        .contains("published model " + ModelOption.DEFAULT + " v" + (base + 3));
  }
}
