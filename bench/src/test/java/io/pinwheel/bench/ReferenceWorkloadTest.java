package io.pinwheel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.trainer.InitialModels;
import org.junit.jupiter.api.Test;

/** The encoder bench's workload is the reference model, changed only where the bench needs it. */
class ReferenceWorkloadTest {
  private static final EncoderModel GABOR = InitialModels.gabor();

  @Test
  void shouldHaveTheReferenceModelsFrameWithoutLcn() {
    EncoderModel model = ReferenceWorkload.create(42).model();

    assertThat(model.input().height()).isEqualTo(GABOR.input().height());
    assertThat(model.input().width()).isEqualTo(GABOR.input().width());
    assertThat(model.input().channels()).isEqualTo(GABOR.input().channels());
    assertThat(model.input().normalize()).isEqualTo(new Normalization.None());
    assertThat(model.outputShape()).containsExactly(GABOR.outputShape());
  }

  @Test
  void shouldHaveTheReferenceModelsLayersWithSeededWeights() {
    ReferenceWorkload w = ReferenceWorkload.create(42);
    ConvLayer gabor = (ConvLayer) GABOR.layers().get(0);
    L2PoolLayer pool = (L2PoolLayer) GABOR.layers().get(1);

    assertThat(w.conv().weights().shape()).containsExactly(gabor.weights().shape());
    assertThat(w.conv().weights().toArray()).isNotEqualTo(gabor.weights().toArray());
    assertThat(w.conv().bias().toArray()).containsExactly(gabor.bias().toArray());
    assertThat(w.conv().gain().toArray()).containsExactly(gabor.gain().toArray());
    assertThat(w.pool().groups().toArray()).containsExactly(pool.groups().toArray());
    assertThat(w.pool().weights().toArray()).containsExactly(pool.weights().toArray());
    assertThat(w.pool().window()).isEqualTo(pool.window());
    assertThat(w.pool().stride()).isEqualTo(pool.stride());
  }

  @Test
  void shouldDrawTheSameWeightsFromTheSameSeed() {
    float[] first = ReferenceWorkload.create(42).conv().weights().toArray();

    assertThat(ReferenceWorkload.create(42).conv().weights().toArray()).containsExactly(first);
    assertThat(ReferenceWorkload.create(43).conv().weights().toArray()).isNotEqualTo(first);
  }

  @Test
  void shouldCountTheConvWorkOfTheReferenceModel() {
    // 2 * 64 filters * 81 taps * 88 * 88 valid positions: 80.3 MFLOP a frame.
    assertThat(ReferenceWorkload.create(42).convFlopsPerFrame()).isEqualTo(2.0 * 64 * 81 * 88 * 88);
  }
}
