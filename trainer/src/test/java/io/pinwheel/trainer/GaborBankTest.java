package io.pinwheel.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.extractor.model.FloatTensor;
import org.junit.jupiter.api.Test;

class GaborBankTest {
  private final GaborBank bank = GaborBank.standard(64, 9, 1);

  @Test
  void everyFilterHasZeroMean() {
    for (int k = 0; k < bank.filterCount(); k++) {
      double sum = 0;
      for (float v : bank.filter(k)) {
        sum += v;
      }
      assertThat(sum).as("filter %d", k).isCloseTo(0, within(1e-5));
    }
  }

  @Test
  void everyFilterHasUnitNorm() {
    for (int k = 0; k < bank.filterCount(); k++) {
      double norm2 = 0;
      for (float v : bank.filter(k)) {
        norm2 += v * v;
      }
      assertThat(Math.sqrt(norm2)).as("filter %d", k).isCloseTo(1, within(1e-5));
    }
  }

  @Test
  void standardBankOf64HasEightOrientationsFourPhasesTwoWavelengths() {
    assertThat(bank.orientations()).isEqualTo(8);
    assertThat(bank.phases()).isEqualTo(4);
    assertThat(bank.wavelengths()).containsExactly(4.0, 8.0);
    assertThat(bank.sigma()).isEqualTo(2.25);
  }

  @Test
  void eachBlockOfFourMapsIsTheFourPhasesOfOneOrientationAndWavelength() {
    for (int block = 0; block < 16; block++) {
      for (int i = 0; i < 4; i++) {
        int k = block * 4 + i;
        assertThat(bank.phaseOf(k)).isEqualTo(i);
        assertThat(bank.orientationOf(k)).isEqualTo(block / 2);
        assertThat(bank.wavelengthOf(k)).isEqualTo(block % 2);
      }
    }
  }

  @Test
  void oppositePhasesAreNegativesOfEachOther() {
    float[] even = bank.filter(0);
    float[] odd = bank.filter(2);
    for (int i = 0; i < even.length; i++) {
      assertThat(odd[i]).isCloseTo(-even[i], within(1e-6f));
    }
  }

  @Test
  void quadratureEnergyIsLargestForAGratingAtTheFiltersOrientation() {
    int size = bank.size();
    for (int o = 0; o < bank.orientations(); o++) {
      double best = -1;
      int bestGrating = -1;
      for (int g = 0; g < bank.orientations(); g++) {
        double theta = g * Math.PI / bank.orientations();
        float[] grating = new float[size * size];
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) {
            grating[y * size + x] =
                (float) Math.cos(2 * Math.PI * (x * Math.cos(theta) + y * Math.sin(theta)) / 4.0);
          }
        }
        int cos = o * 8;
        double energy =
            square(dot(bank.filter(cos), grating)) + square(dot(bank.filter(cos + 1), grating));
        if (energy > best) {
          best = energy;
          bestGrating = g;
        }
      }
      assertThat(bestGrating).as("orientation %d", o).isEqualTo(o);
    }
  }

  @Test
  void weightsReplicateTheFilterOverChannelsDividedByTheChannelCount() {
    GaborBank color = GaborBank.standard(64, 9, 3);
    FloatTensor w = color.weights();
    assertThat(w.shape()).containsExactly(64, 3, 9, 9);
    float[] f = color.filter(13);
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < 81; i++) {
        assertThat(w.get((13 * 3 + c) * 81 + i)).isEqualTo(f[i] / 3);
      }
    }
  }

  @Test
  void grayWeightsAreTheFiltersThemselves() {
    FloatTensor w = bank.weights();
    assertThat(w.shape()).containsExactly(64, 1, 9, 9);
    float[] f = bank.filter(5);
    for (int i = 0; i < 81; i++) {
      assertThat(w.get(5 * 81 + i)).isEqualTo(f[i]);
    }
  }

  @Test
  void rejectsAFilterCountThatIsNotAMultipleOfEight() {
    assertThatThrownBy(() -> GaborBank.standard(60, 9, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("filters")
        .hasMessageContaining("60");
  }

  @Test
  void rejectsAKernelSmallerThanTheMinimum() {
    assertThatThrownBy(() -> GaborBank.standard(64, 3, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size");
  }

  @Test
  void rejectsAChannelCountOtherThanOneOrThree() {
    assertThatThrownBy(() -> GaborBank.standard(64, 9, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channels");
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double square(double v) {
    return v * v;
  }
}
