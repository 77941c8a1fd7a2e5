package io.pinwheel.trainer.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.extractor.model.FloatTensor;
import org.junit.jupiter.api.Test;

class TopographyTest {
  /** 16 gratings on a 4x4 torus whose orientation turns by π along each row, as cos((x, y)·k). */
  private static FloatTensor turningGratings() {
    int side = 9;
    float[] w = new float[16 * side * side];
    for (int j = 0; j < 16; j++) {
      double theta = Math.PI * (j % 4) / 4;
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          double phase = 2 * Math.PI * 0.25 * (x * Math.cos(theta) + y * Math.sin(theta));
          w[(j * side + y) * side + x] = (float) Math.cos(phase);
        }
      }
    }
    return FloatTensor.of(new int[] {16, 1, side, side}, w);
  }

  @Test
  void shouldMeasureTheWavelengthOfFiltersWhoseOrientationTurnsAlongTheRows() {
    Topography t = Topography.of(turningGratings(), 4, 4);

    assertThat(t.wavelength().getAsDouble()).isCloseTo(4, within(0.2));
    assertThat(t.pinwheels()).isZero();
  }

  @Test
  void shouldReadTheTorusFromTheTrainingProvenance() {
    String training = "{\"options\":{\"groups\":\"topo:16x12:3\",\"filters\":192}}";

    assertThat(Topography.torusOf(training))
        .hasValueSatisfying(g -> assertThat(g).containsExactly(16, 12));
  }

  @Test
  void shouldFindNoTorusInTheProvenanceOfDisjointGroups() {
    assertThat(Topography.torusOf("{\"options\":{\"groups\":\"block:4\"}}")).isEmpty();
  }

  @Test
  void shouldRefuseATorusThatDoesNotHoldEveryFilter() {
    assertThatThrownBy(() -> Topography.of(turningGratings(), 4, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 20 filters");
  }
}
