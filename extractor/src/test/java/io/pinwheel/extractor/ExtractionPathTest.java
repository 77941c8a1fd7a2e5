package io.pinwheel.extractor;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.extractor.RandomModels.StageSpec;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.Normalization;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole production path (OpenCV decode, OpenCV normalization, fast encoder) against the plain
 * references (loop normalization, loop encoder) from the same decoded pixels, for every
 * normalization and both channel counts.
 */
class ExtractionPathTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(1, new Normalization.None()),
        Arguments.of(1, new Normalization.Standardize(0.45f, 0.25f)),
        Arguments.of(1, new Normalization.Lcn(2)),
        Arguments.of(1, new Normalization.Lcn(4.5)),
        Arguments.of(3, new Normalization.None()),
        Arguments.of(3, new Normalization.Standardize(0.5f, 0.3f)),
        Arguments.of(3, new Normalization.Lcn(1.5)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void shouldMatchReferenceFromImageBytesToPooledMap(int channels, Normalization normalization)
      throws Exception {
    Random rnd = new Random(channels * 31L + normalization.type().hashCode());
    EncoderModel random =
        RandomModels.model(
            rnd, 48, 56, channels, RandomModels.output(0.2f, 0), new StageSpec(16, 7, 4, 4, 2, 2));
    EncoderModel model =
        new EncoderModel(
            random.name(),
            random.version(),
            random.createdAt(),
            new InputSpec(48, 56, channels, normalization),
            random.layers(),
            random.output(),
            random.training(),
            random.trainingTensors());
    byte[] png = TestImages.colorPng(131, 97);

    // Raw pixels / 255 at the model's size, then the reference normalization and encoder.
    Frame raw =
        new FrameDecoder(new InputSpec(48, 56, channels, new Normalization.None())).decode(png);
    float[] normalized = ReferenceNormalizer.apply(normalization, raw.toArray(), channels, 48, 56);
    float[] expected = ReferenceEncoder.pooled(model, Frame.of(channels, 48, 56, normalized));

    float[] actual;
    try (Encoder encoder = new Encoder(model)) {
      actual = encoder.encodeDense(new FrameDecoder(model.input()).decode(png));
    }
    float max = 0;
    for (float v : expected) {
      max = Math.max(max, Math.abs(v));
    }
    assertThat(max).isPositive();
    for (int i = 0; i < expected.length; i++) {
      assertThat(Math.abs(actual[i] - expected[i]))
          .as("element %d", i)
          .isLessThanOrEqualTo(1e-4f * max);
    }
  }
}
