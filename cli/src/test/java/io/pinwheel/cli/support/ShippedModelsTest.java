package io.pinwheel.cli.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.RandomModels;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputRule;
import java.io.InputStream;
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
  void shouldBundleTheDefaultEncoderAsTheNaturalFiltersWithWidePoolsAndAFloor() {
    EncoderModel model = ShippedModels.defaultModel();
    EncoderModel natural = ShippedModels.natural();

    assertThat(model.name()).isEqualTo(ModelOption.DEFAULT);
    assertThat(model.output().rule()).isEqualTo(OutputRule.SHRINK);
    assertThat(model.output().minActive()).hasValue(8);
    assertThat(model.layers().get(0)).isEqualTo(natural.layers().get(0));
    assertThat(model.outputShape()).containsExactly(64, 3, 3);
  }

  @Test
  void shouldBundleNatural16x16As256MapsWithWidePoolsAndTheShrinkRule() {
    EncoderModel model = ShippedModels.named("natural-16x16").orElseThrow();

    assertThat(model.output().rule()).isEqualTo(OutputRule.SHRINK);
    assertThat(model.input()).isEqualTo(ShippedModels.natural().input());
    assertThat(model.outputShape()).containsExactly(256, 3, 3);
  }

  @Test
  void shouldListTheDefaultModelFirst() {
    assertThat(ShippedModels.names().get(0)).isEqualTo(ModelOption.DEFAULT);
  }

  @Test
  void shouldBundleTheFashionMnistEncoderFor28By28Frames() {
    EncoderModel model = ShippedModels.load(ShippedModels.FASHION);
    assertThat(model.input().height()).isEqualTo(28);
    assertThat(model.input().width()).isEqualTo(28);
  }

  @Test
  void shouldWriteABundledKeepModelBackByteForByte() throws Exception {
    // fashion-mnist.pwe was written before output rules existed: a keep model's file is unchanged.
    byte[] bundled;
    try (InputStream in =
        ShippedModels.class.getClassLoader().getResourceAsStream(ShippedModels.FASHION)) {
      bundled = in.readAllBytes();
    }
    EncoderModel model = EncoderFile.read(bundled, ShippedModels.FASHION);

    assertThat(model.output().rule()).isEqualTo(OutputRule.KEEP);
    assertThat(EncoderFile.toBytes(model)).isEqualTo(bundled);
  }

  @Test
  void shouldKeepTheRuleWhenScalingTheThreshold() {
    EncoderModel natural = ShippedModels.natural();
    EncoderModel shrink =
        RandomModels.withOutput(natural, natural.output().withRule(OutputRule.SHRINK));

    EncoderModel scaled = ShippedModels.withThresholdScaled(shrink, 7, 2.0);

    assertThat(scaled.output().rule()).isEqualTo(OutputRule.SHRINK);
    assertThat(scaled.output().threshold()).isEqualTo(2 * natural.output().threshold());
    assertThat(scaled.version()).isEqualTo(7);
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
