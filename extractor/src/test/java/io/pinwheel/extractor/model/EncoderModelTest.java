package io.pinwheel.extractor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The layer chain rules of {@link EncoderModel} and the checks of the recurrent and head layers.
 */
class EncoderModelTest {
  private final Random rnd = new Random(3);
  private final EncoderModel conv = TestModels.random(new Random(4));
  private final EncoderModel recurrent = TestModels.recurrent(new Random(5), true);
  private final RecurrentLayer rec = (RecurrentLayer) recurrent.layers().get(0);
  private final LinearLayer head = (LinearLayer) recurrent.layers().get(1);

  private EncoderModel withLayers(EncoderModel base, List<Layer> layers) {
    return EncoderModel.of("m", 1, base.input(), layers, base.output());
  }

  private static List<Layer> list(List<Layer> first, Layer... more) {
    List<Layer> out = new ArrayList<>(first);
    out.addAll(List.of(more));
    return out;
  }

  private LinearLayer headOf(int inputs, List<String> labels) {
    return new LinearLayer(
        TestModels.gaussian(rnd, labels.size(), inputs),
        TestModels.gaussian(rnd, labels.size()),
        labels);
  }

  // ------------------------------------------------------------ shapes and the head

  @Test
  void shouldGiveARecurrentCodeTheShapeKByOneByOne() {
    assertThat(recurrent.outputShape()).containsExactly(12, 1, 1);
  }

  @Test
  void shouldKeepTheCodeShapeWhenAHeadIsAdded() {
    int[] shape = conv.outputShape();
    int k = shape[0] * shape[1] * shape[2];
    EncoderModel withHead = withLayers(conv, list(conv.layers(), headOf(k, List.of("a", "b"))));

    assertThat(withHead.outputShape()).containsExactly(shape);
    assertThat(withHead.head()).isPresent();
    assertThat(withHead.codeLayers()).isEqualTo(conv.layers());
    assertThat(withHead.layerShapes().get(4)).containsExactly(2, 1, 1);
  }

  @Test
  void shouldHaveNoHeadWhenTheLastLayerIsNotLinear() {
    assertThat(conv.head()).isEmpty();
    assertThat(conv.codeLayers()).isEqualTo(conv.layers());
  }

  @Test
  void shouldExposeTheHeadAndItsLabels() {
    assertThat(recurrent.head()).containsSame(head);
    assertThat(head.labels()).containsExactly("T-shirt", "trouser", "pullover");
    assertThat(head.classes()).isEqualTo(3);
    assertThat(head.inputSize()).isEqualTo(12);
  }

  @Test
  void shouldLabelTheArgmaxWithTiesToTheLowerIndex() {
    assertThat(head.labelOf(new float[] {-1f, 3f, 3f})).isEqualTo("trouser");
    assertThat(head.labelOf(new float[] {0f, 0f, 0f})).isEqualTo("T-shirt");
    assertThat(head.labelOf(new float[] {-5f, -4f, -3f})).isEqualTo("pullover");
  }

  @Test
  void shouldRefuseToLabelScoresOfTheWrongCount() {
    assertThatThrownBy(() -> head.labelOf(new float[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 3 scores");
  }

  // ------------------------------------------------------------ chain order

  @Test
  void shouldRefuseNoLayers() {
    assertThatThrownBy(() -> withLayers(conv, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("layers must hold conv/l2pool pairs or one recurrent layer, got no layers");
  }

  @Test
  void shouldRefuseLinearThatIsNotLast() {
    List<Layer> layers = list(List.of(rec, head), headOf(3, List.of("x", "y")));

    assertThatThrownBy(() -> withLayers(recurrent, layers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("layers[1] (linear) must be the last layer, but layers[2] (linear) follows it");
  }

  @Test
  void shouldRefuseLinearBetweenStages() {
    List<Layer> layers =
        list(conv.layers().subList(0, 2), headOf(36, List.of("a")), conv.layers().get(2));

    assertThatThrownBy(() -> withLayers(conv, layers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("layers[2] (linear) must be the last layer");
  }

  @Test
  void shouldRefuseLinearAsTheFirstLayer() {
    assertThatThrownBy(() -> withLayers(recurrent, List.of(headOf(30, List.of("a")))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("layers[0] must be conv or recurrent, got linear");
  }

  @Test
  void shouldRefuseRecurrentAfterConv() {
    List<Layer> layers = list(conv.layers().subList(0, 2), rec);

    assertThatThrownBy(() -> withLayers(conv, layers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "layers[2] (recurrent) must be the first layer: it reads the frame, not the output of"
                + " layers[1] (l2pool)");
  }

  @Test
  void shouldRefuseTwoRecurrentLayers() {
    assertThatThrownBy(() -> withLayers(recurrent, List.of(rec, rec)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("layers[1] (recurrent) must be the first layer");
  }

  @Test
  void shouldRefuseConvAfterRecurrent() {
    List<Layer> layers = list(List.of(rec), conv.layers().get(0));

    assertThatThrownBy(() -> withLayers(recurrent, layers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("layers[1] must be linear after layers[0] (recurrent), got conv");
  }

  @Test
  void shouldRefuseConvWithoutItsPool() {
    List<Layer> layers = list(conv.layers().subList(0, 3));

    assertThatThrownBy(() -> withLayers(conv, layers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("layers[2] (conv) must be followed by an l2pool layer");
  }

  @Test
  void shouldRefusePoolWhereAConvBelongs() {
    List<Layer> layers = list(conv.layers().subList(0, 2), conv.layers().get(1));

    assertThatThrownBy(() -> withLayers(conv, layers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("layers[2] must be conv or linear after layers[1] (l2pool), got l2pool");
  }

  // ------------------------------------------------------------ shapes along the chain

  @Test
  void shouldRefuseEncoderWhoseWidthIsNotTheFrameSize() {
    EncoderModel base = TestModels.recurrent(new Random(6), false);
    InputSpec bigger = new InputSpec(6, 6, 1, new Normalization.None());

    assertThatThrownBy(() -> EncoderModel.of("m", 1, bigger, base.layers(), base.output()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "layers[0]: recurrent.encoder reads D = 30 values but its input [C,H,W] = [1, 6, 6]"
                + " flattens to 36");
  }

  @Test
  void shouldRefuseHeadWhoseWidthIsNotTheCodeSize() {
    List<Layer> layers = List.of(rec, headOf(11, List.of("a", "b")));

    assertThatThrownBy(() -> withLayers(recurrent, layers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "layers[1]: linear.weights reads K = 11 values but the previous layer's output"
                + " [12, 1, 1] has 12");
  }

  // ------------------------------------------------------------ recurrent layer fields

  @Test
  void shouldRefuseEncoderThatIsNotAMatrix() {
    assertThatThrownBy(
            () ->
                new RecurrentLayer(
                    TestModels.gaussian(rnd, 12, 5, 6), rec.lateral(), rec.bias(), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recurrent.encoder must have shape [K,D], got FloatTensor[12, 5, 6]");
  }

  @Test
  void shouldRefuseLateralOfTheWrongShape() {
    assertThatThrownBy(
            () ->
                new RecurrentLayer(rec.encoder(), TestModels.gaussian(rnd, 12, 11), rec.bias(), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recurrent.lateral must have shape [12, 12], got FloatTensor[12, 11]");
  }

  @Test
  void shouldRefuseRecurrentBiasOfTheWrongShape() {
    assertThatThrownBy(
            () -> new RecurrentLayer(rec.encoder(), rec.lateral(), TestModels.gaussian(rnd, 13), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recurrent.bias must have shape [12], got FloatTensor[13]");
  }

  @Test
  void shouldRefuseNonFiniteLateralWeight() {
    float[] s = rec.lateral().toArray();
    s[7] = Float.NaN;
    FloatTensor bad = FloatTensor.of(rec.lateral().shape(), s);

    assertThatThrownBy(() -> new RecurrentLayer(rec.encoder(), bad, rec.bias(), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recurrent.lateral has a non-finite value NaN at flat index 7");
  }

  @Test
  void shouldRefuseZeroSteps() {
    assertThatThrownBy(() -> new RecurrentLayer(rec.encoder(), rec.lateral(), rec.bias(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recurrent.steps must be in [1, 1000], got 0");
  }

  @Test
  void shouldRefuseStepsOverTheCap() {
    assertThatThrownBy(() -> new RecurrentLayer(rec.encoder(), rec.lateral(), rec.bias(), 1001))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recurrent.steps must be in [1, 1000], got 1001");
  }

  // ------------------------------------------------------------ linear head fields

  @Test
  void shouldRefuseDuplicateLabels() {
    assertThatThrownBy(() -> headOf(12, List.of("cat", "dog", "cat")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("linear.labels[2] \"cat\" repeats linear.labels[0]");
  }

  @Test
  void shouldRefuseEmptyLabel() {
    assertThatThrownBy(() -> headOf(12, List.of("cat", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("linear.labels[1] is empty");
  }

  @Test
  void shouldRefuseOneLabelTooFew() {
    assertThatThrownBy(
            () -> new LinearLayer(head.weights(), head.bias(), List.of("T-shirt", "trouser")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("linear.labels has 2 labels but linear.weights has N = 3 rows, one per class");
  }

  @Test
  void shouldRefuseHeadWeightsThatAreNotAMatrix() {
    assertThatThrownBy(
            () -> new LinearLayer(TestModels.gaussian(rnd, 36), head.bias(), TestModels.LABELS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("linear.weights must have shape [N,K], got FloatTensor[36]");
  }

  @Test
  void shouldRefuseHeadBiasOfTheWrongShape() {
    assertThatThrownBy(
            () -> new LinearLayer(head.weights(), TestModels.gaussian(rnd, 4), TestModels.LABELS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("linear.bias must have shape [3], got FloatTensor[4]");
  }

  @Test
  void shouldRefuseInfiniteHeadWeight() {
    float[] w = head.weights().toArray();
    w[0] = Float.POSITIVE_INFINITY;
    FloatTensor bad = FloatTensor.of(head.weights().shape(), w);

    assertThatThrownBy(() -> new LinearLayer(bad, head.bias(), TestModels.LABELS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("linear.weights has a non-finite value Infinity at flat index 0");
  }
}
