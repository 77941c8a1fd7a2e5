package io.pinwheel.cli.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.Normalization;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ShippedModelsTest {
  @Test
  void shouldBundleTheNaturalImageEncoderForGrayFramesWithLcn() {
    EncoderModel model = ShippedModels.natural();
    assertThat(model.name()).isEqualTo("natural");
    assertThat(model.input().height()).isEqualTo(96);
    assertThat(model.input().channels()).isEqualTo(1);
    assertThat(model.input().normalize()).isInstanceOf(Normalization.Lcn.class);
    assertThat(model.trainingTensors()).containsKey("decoder");
  }

  @Test
  void shouldBundleTheFashionMnistEncoderFor28By28Frames() {
    EncoderModel model = ShippedModels.load(ShippedModels.FASHION);
    assertThat(model.input().height()).isEqualTo(28);
    assertThat(model.input().width()).isEqualTo(28);
  }

  @Test
  void shouldGiveASparseCodeForASampleImage() throws Exception {
    OpenCv.load();
    EncoderModel model = ShippedModels.natural();
    byte[] bytes = Files.readAllBytes(Path.of("../samples/images").toRealPath().resolve(first()));
    try (Encoder encoder = new Encoder(model)) {
      SparseCode code = encoder.encode(new FrameDecoder(model.input()).decode(bytes));
      assertThat(code.density()).isBetween(0.005, 0.5);
    }
  }

  private static String first() throws Exception {
    try (var files = Files.list(Path.of("../samples/images"))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".jpg") || n.endsWith(".png"))
          .sorted()
          .findFirst()
          .orElseThrow();
    }
  }
}
