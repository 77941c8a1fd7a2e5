package io.pinwheel.trainer.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.trainer.viz.OrientationMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class PinwheelStartTest {
  private static float[] lattice(int side, int periods, int kernel, int channels) {
    float[] encoder = new float[side * side * channels * kernel * kernel];
    PinwheelStart.fill(encoder, side, side, periods, kernel, channels, 7);
    return encoder;
  }

  private static List<OrientationMap.Tuning> tunings(float[] encoder, int side, int kernel) {
    return OrientationMap.tunings(
        FloatTensor.of(new int[] {side * side, 1, kernel, kernel}, encoder));
  }

  @Test
  void shouldStartAMapWithFourPinwheelsPerPeriodSquared() {
    double[] orientation = OrientationMap.orientations(tunings(lattice(16, 2, 9, 1), 16, 9));

    assertThat(OrientationMap.pinwheels(orientation, 16, 16)).isEqualTo(16);
  }

  @Test
  void shouldStartAMapWhoseWavelengthIsTheTorusSideOverThePeriods() {
    double[] orientation = OrientationMap.orientations(tunings(lattice(16, 2, 9, 1), 16, 9));

    assertThat(OrientationMap.dominantWavelength(orientation, 16, 16).getAsDouble())
        .isCloseTo(8, within(0.01));
  }

  @Test
  void shouldGiveEachFilterItsLatticeOrientationWithinTwoDegrees() {
    List<OrientationMap.Tuning> t = tunings(lattice(16, 2, 9, 1), 16, 9);

    for (int m = 0; m < 256; m++) {
      double expected = PinwheelStart.orientation(m / 16, m % 16, 16, 16, 2);
      double apart = Math.abs(Math.IEEEremainder(t.get(m).orientation() - expected, Math.PI));
      assertThat(Math.toDegrees(apart)).as("map %d", m).isLessThan(2);
    }
  }

  @Test
  void shouldMakeEveryFilterZeroMeanAndUnitNormOverItsChannels() {
    float[] encoder = lattice(8, 1, 5, 3);
    int depth = 3 * 25;

    for (int m = 0; m < 64; m++) {
      double sum = 0;
      double squares = 0;
      for (int i = 0; i < depth; i++) {
        sum += encoder[m * depth + i];
        squares += encoder[m * depth + i] * (double) encoder[m * depth + i];
      }
      assertThat(sum).as("map %d", m).isCloseTo(0, within(1e-5));
      assertThat(squares).as("map %d", m).isCloseTo(1, within(1e-5));
    }
  }

  @Test
  void shouldRejectALatticeWithFewerThanFourCellsAPeriod() {
    assertThatThrownBy(() -> lattice(8, 3, 5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("periods");
  }
}
