package io.pinwheel.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import org.junit.jupiter.api.Test;

class EvalTopographyCommandTest {
  @Test
  void shouldPrintTheShippedMapsWavelengthAndPinwheelDensityAsJson() {
    Cli cli = Cli.run("eval", "topography", "--model", "natural", "--json");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode report = cli.lines().get(0);
    double wavelength = report.get("wavelengthCells").asDouble();
    assertThat(report.get("rows").asInt() * report.get("cols").asInt()).isEqualTo(64);
    assertThat(report.get("pinwheelsPerWavelengthSquared").asDouble())
        .isEqualTo(report.get("pinwheels").asInt() * wavelength * wavelength / 64);
  }

  @Test
  void shouldAskForAGridWhenTheModelHasNoTorus() {
    Cli cli = Cli.run("eval", "topography", "--model", "drsae");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--grid");
  }

  @Test
  void shouldRefuseAGridThatIsNotRowsByColumns() {
    Cli cli = Cli.run("eval", "topography", "--model", "natural", "--grid", "16");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("invalid --grid '16'");
  }
}
