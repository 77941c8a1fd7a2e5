package io.pinwheel.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.cli.Cli;
import io.pinwheel.cli.support.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/** What {@code demo} refuses before it starts anything, and how it reads durations. */
class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void shouldRefuseANonPositiveRate() {
    Cli cli = Cli.run("demo", "--rate", "0");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--rate must be in (0, 2000]");
  }

  @Test
  void shouldRefuseAnUnreadableDuration() {
    Cli cli = Cli.run("demo", "--duration", "soon");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("'soon' is not a duration");
  }

  @Test
  void shouldRefuseAReloadIntervalBelowOneSecond() {
    Cli cli = Cli.run("demo", "--reload-every", "500ms");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--reload-every must be at least 1s");
  }

  @Test
  void shouldRefuseAReloadIntervalWithNoReload() {
    Cli cli = Cli.run("demo", "--reload-every", "10s", "--no-reload");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--reload-every and --no-reload contradict each other");
  }

  @Test
  void shouldRefuseAMissingImagesDirectory() {
    Cli cli = Cli.run("demo", "--images", dir.resolve("absent").toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--images: no such directory");
  }

  @Test
  void shouldRefuseADirectoryWithoutImages() {
    Cli cli = Cli.run("demo", "--images", dir.toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--images: no image files");
  }

  @Test
  void shouldReadDurationsAsPeopleWriteThem() {
    DurationConverter c = new DurationConverter();

    assertThat(c.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(c.convert("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.convert("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(c.convert("45")).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.convert("PT12S")).isEqualTo(Duration.ofSeconds(12));
    assertThatThrownBy(() -> c.convert("12 s")).isInstanceOf(TypeConversionException.class);
    assertThatThrownBy(() -> c.convert("s")).isInstanceOf(TypeConversionException.class);
  }
}
