package io.pinwheel.topology.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.IntTensor;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.topology.model.TestModels;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterTilesTest {

  /** A model of {@code k} 2x2 filters over {@code c} channels, filter j filled with j - 1. */
  private static EncoderModel model(int k, int c, String training) {
    float[] w = new float[k * c * 4];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i / (c * 4)) - 1 + (i % 4) * 0.25f;
    }
    int[] members = new int[k];
    for (int i = 0; i < k; i++) {
      members[i] = i;
    }
    return new EncoderModel(
        "tiles",
        1,
        Instant.parse("2026-01-01T00:00:00Z"),
        new InputSpec(8, 8, c, new Normalization.Standardize(0.5f, 0.25f)),
        List.of(
            new ConvLayer(
                FloatTensor.of(new int[] {k, c, 2, 2}, w),
                FloatTensor.filled(new int[] {k}, 0f),
                FloatTensor.filled(new int[] {k}, 1f)),
            L2PoolLayer.unweighted(IntTensor.of(new int[] {k, 1}, members), 1, 1)),
        OutputSpec.threshold(0f),
        training,
        Map.of());
  }

  @Test
  void shouldLayTopographicFiltersOnTheirTorus() {
    FilterTiles t =
        FilterTiles.of(model(12, 1, "{\"options\":{\"groups\":\"topo:3x4:3\"}}")).orElseThrow();

    assertThat(t.topographic()).isTrue();
    assertThat(t.rows()).isEqualTo(3);
    assertThat(t.cols()).isEqualTo(4);
  }

  @Test
  void shouldUseTheMostNearlySquareGridWithoutTopography() {
    FilterTiles t = FilterTiles.of(model(12, 1, "{}")).orElseThrow();

    assertThat(t.topographic()).isFalse();
    assertThat(t.rows()).isEqualTo(3);
    assertThat(t.cols()).isEqualTo(4);
  }

  @Test
  void shouldScaleEachTileOnItsOwnSymmetricRange() {
    FilterTiles t = FilterTiles.of(model(3, 1, "{}")).orElseThrow();

    // Filter 0 holds -1, -0.75, -0.5, -0.25; filter 2 holds 1, 1.25, 1.5, 1.75.
    assertThat(t.values()).hasSize(12);
    assertThat(t.values()[0]).isEqualTo((byte) -127);
    assertThat(t.values()[3]).isEqualTo((byte) -32);
    assertThat(t.values()[11]).isEqualTo((byte) 127);
    assertThat(t.values()[8]).isEqualTo((byte) 73);
  }

  @Test
  void shouldKeepTheThreeChannelsOfAColourModel() {
    FilterTiles three = FilterTiles.of(model(4, 3, "{}")).orElseThrow();

    assertThat(three.channels()).isEqualTo(3);
    assertThat(three.values()).hasSize(4 * 3 * 4);
  }

  @Test
  void shouldDrawTheRowsOfARecurrentEncoderAtTheInputSize() {
    EncoderModel recurrent = TestModels.recurrent("drsae", 1);

    FilterTiles t = FilterTiles.of(recurrent).orElseThrow();

    assertThat(t.height()).isEqualTo(recurrent.input().height());
    assertThat(t.width()).isEqualTo(recurrent.input().width());
    assertThat(t.rows() * t.cols()).isEqualTo(t.count());
  }
}
