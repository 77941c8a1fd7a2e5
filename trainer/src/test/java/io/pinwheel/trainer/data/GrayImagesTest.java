package io.pinwheel.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GrayImagesTest {
  private static final GrayImages THREE =
      new GrayImages(3, 1, 2, new byte[] {1, 2, 3, 4, 5, 6}, new int[] {7, 8, 9});

  @Test
  void shouldSelectImagesAndLabelsInTheOrderGiven() {
    GrayImages picked = THREE.select(new int[] {2, 0});
    assertThat(picked.pixels()).containsExactly(5, 6, 1, 2);
    assertThat(picked.labels()).containsExactly(9, 7);
  }

  @Test
  void shouldRefuseAnIndexOutsideTheSet() {
    assertThatThrownBy(() -> THREE.select(new int[] {3}))
        .hasMessageContaining("indices[0] must be in [0, 3)");
  }
}
