package io.pinwheel.extractor.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayerCodecTest {

  @Test
  void shouldHaveOneCodecForEveryLayerType() {
    List<Class<?>> codecs = LayerCodec.ALL.stream().<Class<?>>map(LayerCodec::layerClass).toList();

    assertThat(codecs).doesNotHaveDuplicates();
    assertThat(codecs).containsExactlyInAnyOrder(Layer.class.getPermittedSubclasses());
  }

  @Test
  void shouldGiveEachLayerTheTypeItReports() {
    List<Layer> layers = new ArrayList<>(TestModels.random(new Random(1)).layers());
    layers.addAll(TestModels.recurrent(new Random(2), true).layers());

    assertThat(layers)
        .extracting(l -> l.getClass().getSimpleName())
        .containsAll(
            Arrays.stream(Layer.class.getPermittedSubclasses()).map(Class::getSimpleName).toList());
    for (Layer layer : layers) {
      assertThat(LayerCodec.of(layer).type()).isEqualTo(layer.type());
      assertThat(LayerCodec.ofType(layer.type())).isSameAs(LayerCodec.of(layer));
    }
  }

  @Test
  void shouldNameEachTensorItWritesInTheManifest() {
    EncoderModel model = TestModels.recurrent(new Random(3), true);
    for (Layer layer : model.layers()) {
      var node = Manifest.JSON.createObjectNode();
      LayerCodec.of(layer).describe(layer, node, name -> "file/" + name);

      for (String tensor : LayerCodec.of(layer).tensorFiles(layer).keySet()) {
        assertThat(node.get(tensor).asText()).as(layer.type()).isEqualTo("file/" + tensor);
      }
    }
  }
}
