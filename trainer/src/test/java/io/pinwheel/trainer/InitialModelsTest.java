package io.pinwheel.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Normalization;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InitialModelsTest {

  @Test
  void defaultModelIsTheReferenceWorkload() {
    EncoderModel model = InitialModels.gabor();
    assertThat(model.name()).isEqualTo("gabor");
    assertThat(model.version()).isEqualTo(1);
    assertThat(model.input().height()).isEqualTo(96);
    assertThat(model.input().width()).isEqualTo(96);
    assertThat(model.input().channels()).isEqualTo(1);
    ConvLayer conv = (ConvLayer) model.layers().get(0);
    assertThat(conv.weights().shape()).containsExactly(64, 1, 9, 9);
    L2PoolLayer pool = (L2PoolLayer) model.layers().get(1);
    assertThat(pool.groups().shape()).containsExactly(16, 4);
    assertThat(pool.window()).isEqualTo(2);
    assertThat(pool.stride()).isEqualTo(2);
    assertThat(model.outputShape()).containsExactly(16, 44, 44);
  }

  @Test
  void inputIsContrastNormalizedWithSigmaTwo() {
    assertThat(InitialModels.gabor().input().normalize()).isEqualTo(new Normalization.Lcn(2.0));
  }

  @Test
  void convHasSmallNegativeBiasAndUnitGain() {
    ConvLayer conv = (ConvLayer) InitialModels.gabor().layers().get(0);
    assertThat(conv.bias().toArray()).containsOnly(-0.1f);
    assertThat(conv.gain().toArray()).containsOnly(1f);
  }

  @Test
  void defaultThresholdOfTheReferenceWorkloadIsFive() {
    assertThat(InitialModels.gabor().output().threshold()).isEqualTo(5f);
    assertThat(InitialModels.gabor().output().topK()).isEmpty();
  }

  @Test
  void defaultThresholdGrowsWithPoolMass() {
    EncoderModel topo =
        InitialModels.gabor(GaborModelOptions.defaults().withPooling(Pooling.parse("topo:8x8:3")));
    assertThat(topo.output().threshold()).isEqualTo((float) (1.25 * Math.sqrt(9 * 4)));
  }

  @Test
  void explicitThresholdIsUsedAsGiven() {
    EncoderModel model = InitialModels.gabor(GaborModelOptions.defaults().withThreshold(0.75));
    assertThat(model.output().threshold()).isEqualTo(0.75f);
  }

  @Test
  void trainingProvenanceNamesTheAnalyticGaborMethod() throws Exception {
    JsonNode training = new ObjectMapper().readTree(InitialModels.gabor().training());
    assertThat(training.get("method").asText()).isEqualTo("analytic-gabor");
    assertThat(training.get("pooling").asText()).isEqualTo("block:4");
    assertThat(training.get("filters").asInt()).isEqualTo(64);
  }

  @Test
  void creationTimeIsTheOneGiven() {
    Instant t = Instant.parse("2024-01-02T03:04:05Z");
    assertThat(InitialModels.gabor(GaborModelOptions.defaults(), t).createdAt()).isEqualTo(t);
  }

  @Test
  void topographicModelHasOnePoolPerMap() {
    EncoderModel model =
        InitialModels.gabor(
            GaborModelOptions.defaults().withPooling(Pooling.parse("topo:8x8:3:1.0")));
    assertThat(model.outputShape()).containsExactly(64, 44, 44);
  }

  @Test
  void neighbouringRowsOfTheEightByEightTorusHaveNeighbouringOrientations() {
    GaborBank bank = GaborBank.standard(64, 9, 1);
    for (int j = 0; j < 64; j++) {
      int below = (j + 8) % 64;
      int step = Math.floorMod(bank.orientationOf(below) - bank.orientationOf(j), 8);
      assertThat(step).as("map %d", j).isEqualTo(1);
      int right = j / 8 * 8 + (j + 1) % 8;
      assertThat(bank.orientationOf(right)).isEqualTo(bank.orientationOf(j));
    }
  }

  @Test
  void colorModelReadsThreeChannels() {
    EncoderModel model = InitialModels.gabor(GaborModelOptions.defaults().withChannels(3));
    assertThat(((ConvLayer) model.layers().get(0)).inputChannels()).isEqualTo(3);
  }

  @Test
  void inputSmallerThanTheKernelFailsNamingTheConvLayer() {
    assertThatThrownBy(() -> InitialModels.gabor(GaborModelOptions.defaults().withSize(8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conv kernel 9x9");
  }

  @Test
  void invalidNameFailsNamingTheField() {
    assertThatThrownBy(() -> InitialModels.gabor(GaborModelOptions.defaults().withName("a b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("name");
  }
}
