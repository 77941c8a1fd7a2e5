package io.pinwheel.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.IntTensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PoolGroupsTest {

  @Test
  void blockGroupsConsecutiveMapsDisjointly() {
    IntTensor groups = PoolGroups.block(64, 4);
    assertThat(groups.shape()).containsExactly(16, 4);
    assertThat(Arrays.copyOfRange(groups.toArray(), 8, 12)).containsExactly(8, 9, 10, 11);
    assertThat(groups.toArray()).doesNotHaveDuplicates();
  }

  @Test
  void blockRejectsMapsThatAreNotAMultipleOfTheGroupSize() {
    assertThatThrownBy(() -> PoolGroups.block(10, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maps (10)")
        .hasMessageContaining("m (4)");
  }

  @Test
  void blockRejectsANonPositiveGroupSize() {
    assertThatThrownBy(() -> PoolGroups.block(64, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("m must be");
  }

  @Test
  void topographicHasOnePoolPerMapOfKSquaredMembers() {
    assertThat(PoolGroups.topographic(8, 8, 3).shape()).containsExactly(64, 9);
  }

  @Test
  void topographicPoolIsCentredOnItsMap() {
    IntTensor groups = PoolGroups.topographic(8, 8, 3);
    for (int j = 0; j < 64; j++) {
      assertThat(groups.get(j * 9 + 4)).isEqualTo(j);
    }
  }

  @Test
  void topographicInteriorPoolIsTheThreeByThreeNeighbourhood() {
    IntTensor groups = PoolGroups.topographic(8, 8, 3);
    int j = 2 * 8 + 3;
    assertThat(Arrays.copyOfRange(groups.toArray(), j * 9, j * 9 + 9))
        .containsExactly(10, 11, 12, 18, 19, 20, 26, 27, 28);
  }

  @Test
  void topographicNeighbourhoodWrapsAroundBothEdgesOfTheTorus() {
    IntTensor groups = PoolGroups.topographic(8, 8, 3);
    assertThat(Arrays.copyOfRange(groups.toArray(), 0, 9))
        .containsExactly(63, 56, 57, 7, 0, 1, 15, 8, 9);
  }

  @Test
  void topographicWrapsOnANonSquareGrid() {
    IntTensor groups = PoolGroups.topographic(4, 6, 3);
    int j = 3 * 6 + 5; // bottom-right corner
    assertThat(Arrays.copyOfRange(groups.toArray(), j * 9, j * 9 + 9))
        .containsExactly(16, 17, 12, 22, 23, 18, 4, 5, 0);
  }

  @Test
  void everyTopographicPoolHoldsDistinctMaps() {
    IntTensor groups = PoolGroups.topographic(8, 8, 5);
    for (int j = 0; j < 64; j++) {
      assertThat(Arrays.copyOfRange(groups.toArray(), j * 25, j * 25 + 25)).doesNotHaveDuplicates();
    }
  }

  @Test
  void topographicRejectsAnEvenNeighbourhood() {
    assertThatThrownBy(() -> PoolGroups.topographic(8, 8, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k must be odd");
  }

  @Test
  void topographicRejectsANeighbourhoodWiderThanTheGrid() {
    assertThatThrownBy(() -> PoolGroups.topographic(8, 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k (3)")
        .hasMessageContaining("cols (2)");
  }

  @Test
  void topographicRejectsNonPositiveRows() {
    assertThatThrownBy(() -> PoolGroups.topographic(0, 8, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rows");
  }

  @Test
  void gaussianWeightsAreOneAtTheCentreAndFallWithDistance() {
    FloatTensor w = PoolGroups.gaussianWeights(8, 8, 3, 1.0);
    assertThat(w.shape()).containsExactly(64, 9);
    assertThat(w.get(4)).isEqualTo(1f);
    assertThat(w.get(1)).isCloseTo((float) Math.exp(-0.5), within(1e-6f));
    assertThat(w.get(0)).isCloseTo((float) Math.exp(-1.0), within(1e-6f));
  }

  @Test
  void gaussianWeightsAreTheSameForEveryPool() {
    float[] w = PoolGroups.gaussianWeights(8, 8, 3, 1.5).toArray();
    for (int j = 1; j < 64; j++) {
      assertThat(Arrays.copyOfRange(w, j * 9, j * 9 + 9)).containsExactly(Arrays.copyOf(w, 9));
    }
  }

  @Test
  void gaussianWeightsRejectANonPositiveSigma() {
    assertThatThrownBy(() -> PoolGroups.gaussianWeights(8, 8, 3, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sigma");
  }
}
