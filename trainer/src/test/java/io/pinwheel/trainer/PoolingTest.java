package io.pinwheel.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.extractor.model.L2PoolLayer;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PoolingTest {

  @Test
  void parsesBlock() {
    assertThat(Pooling.parse("block:4")).isEqualTo(new Pooling.Block(4));
  }

  @Test
  void parsesTopographicWithoutWeights() {
    assertThat(Pooling.parse("topo:8x8:3"))
        .isEqualTo(new Pooling.Topographic(8, 8, 3, OptionalDouble.empty()));
  }

  @Test
  void parsesTopographicWithGaussianSigma() {
    assertThat(Pooling.parse("topo:8x8:3:1.5"))
        .isEqualTo(new Pooling.Topographic(8, 8, 3, OptionalDouble.of(1.5)));
  }

  @Test
  void specReadsBackToAnEqualValue() {
    for (String text : new String[] {"block:4", "topo:8x8:3", "topo:4x16:5:0.75"}) {
      assertThat(Pooling.parse(Pooling.parse(text).spec())).isEqualTo(Pooling.parse(text));
    }
  }

  @Test
  void rejectsUnknownTextWithTheAcceptedSyntax() {
    assertThatThrownBy(() -> Pooling.parse("ring:4"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Pooling.SYNTAX)
        .hasMessageContaining("ring:4");
  }

  @Test
  void topographicLayerHasOneUnweightedPoolPerMap() {
    L2PoolLayer layer = Pooling.parse("topo:8x8:3").layer(64, 2, 2);
    assertThat(layer.poolCount()).isEqualTo(64);
    assertThat(layer.weights().toArray()).containsOnly(1f);
  }

  @Test
  void topographicLayerRejectsAGridThatDoesNotHoldTheMaps() {
    assertThatThrownBy(() -> Pooling.parse("topo:4x4:3").layer(64, 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4x4")
        .hasMessageContaining("64 maps");
  }
}
