package io.pinwheel.trainer.viz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.trainer.GaborBank;
import org.junit.jupiter.api.Test;

class FilterMosaicTest {
  /** Two 1-channel 3×3 filters: a strong one with its peak at (1, 2) and a weak one. */
  private static FloatTensor twoFilters() {
    float[] w = new float[2 * 9];
    w[1 * 3 + 2] = 4f;
    w[2 * 3 + 0] = -2f;
    w[9 + 0] = 0.01f;
    w[9 + 8] = -0.005f;
    return FloatTensor.of(new int[] {2, 1, 3, 3}, w);
  }

  @Test
  void shouldDecodeToTheGridOfUpscaledTilesWithSeparators() {
    FloatTensor weights = GaborBank.standard(64, 9, 1).weights();

    Pngs.Picture picture = Pngs.decode(FilterMosaic.png(weights, 4, 16, 3));

    assertThat(picture.width()).isEqualTo(16 * (9 * 3 + 1) + 1);
    assertThat(picture.height()).isEqualTo(4 * (9 * 3 + 1) + 1);
  }

  @Test
  void shouldDrawWhiteWhereTheFilterIsAtItsMaximum() {
    int scale = 4;

    Pngs.Picture picture = Pngs.decode(FilterMosaic.png(twoFilters(), 1, 2, scale));

    // Tile 0 starts at (1, 1); weight (row 1, col 2) covers pixels from (1 + 2·4, 1 + 1·4).
    assertThat(picture.pixel(1 + 2 * scale + 1, 1 + scale + 1)).containsExactly(255, 255, 255);
  }

  @Test
  void shouldDrawZeroAsMidGray() {
    Pngs.Picture picture = Pngs.decode(FilterMosaic.png(twoFilters(), 1, 2, 1));

    assertThat(picture.pixel(1, 1)).containsExactly(128, 128, 128);
  }

  @Test
  void shouldNormaliseEachTileOnItsOwnSymmetricRange() {
    int scale = 2;
    int tile1 = 1 + 3 * scale + 1;

    Pngs.Picture picture = Pngs.decode(FilterMosaic.png(twoFilters(), 1, 2, scale));

    assertThat(picture.pixel(tile1, 1)).containsExactly(255, 255, 255);
    // -0.005 is half of the weak tile's range below zero: a quarter of the way from black.
    assertThat(picture.pixel(tile1 + 2 * scale, 1 + 2 * scale)).containsExactly(64, 64, 64);
  }

  @Test
  void shouldDrawThreeChannelFiltersInBgrColour() {
    float[] w = new float[3 * 4];
    w[2 * 4] = 1f; // channel 2 (red) positive at (0, 0), the others zero
    FloatTensor weights = FloatTensor.of(new int[] {1, 3, 2, 2}, w);

    Pngs.Picture picture = Pngs.decode(FilterMosaic.png(weights, 1, 1, 1));

    assertThat(picture.pixel(1, 1)).containsExactly(128, 128, 255);
  }

  @Test
  void shouldChooseANearSquareGridWhenOnlyTheScaleIsGiven() {
    FloatTensor weights = FloatTensor.filled(new int[] {12, 1, 5, 5}, 0.5f);

    Pngs.Picture picture = Pngs.decode(FilterMosaic.png(weights, 2));

    assertThat(picture.width()).isEqualTo(4 * (5 * 2 + 1) + 1);
    assertThat(picture.height()).isEqualTo(3 * (5 * 2 + 1) + 1);
  }

  @Test
  void shouldRejectAGridThatDoesNotHoldEveryFilter() {
    assertThatThrownBy(() -> FilterMosaic.png(twoFilters(), 2, 2, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rows x cols");
  }

  @Test
  void shouldRejectANonPositiveScale() {
    assertThatThrownBy(() -> FilterMosaic.png(twoFilters(), 1, 2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scale");
  }

  @Test
  void shouldRejectWeightsThatAreNotFourDimensional() {
    FloatTensor flat = FloatTensor.filled(new int[] {4, 9}, 1f);

    assertThatThrownBy(() -> FilterMosaic.png(flat, 2, 2, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weights");
  }

  @Test
  void shouldRejectNonFiniteWeights() {
    float[] w = new float[9];
    w[4] = Float.NaN;
    FloatTensor weights = FloatTensor.of(new int[] {1, 1, 3, 3}, w);

    assertThatThrownBy(() -> FilterMosaic.png(weights, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("weights");
  }
}
