package io.pinwheel.trainer.lateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.trainer.data.FrameSet;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LateralExportTest {
  private static final int PATCH = 4;

  @TempDir Path dir;

  /** A briefly trained state, so every parameter is something other than its start value. */
  private static LateralTrainer.State trained() {
    LateralOptions o =
        LateralTrainerTest.options(new PatternSpec.Tree(3, 2), new InhibitionMode.Learned(), 2, 1);
    LateralTrainer trainer = new LateralTrainer(o);
    LateralTrainer.State state =
        trainer.initial(LateralTrainerTest.syntheticPatches(200, PATCH, 7, 0));
    trainer.train(
        e -> LateralTrainerTest.syntheticPatches(200, PATCH, 7, e),
        LateralTrainerTest.syntheticPatches(50, PATCH, 7, 1000),
        state,
        io.pinwheel.trainer.run.TrainingListener.silent());
    return state;
  }

  private static EncoderModel model(LateralTrainer.State state, InputSpec input) {
    return LateralExport.model(
        state.psd,
        state.w,
        state.s,
        PATCH,
        "lateral-test",
        3,
        Instant.parse("2024-05-01T12:00:00Z"),
        input,
        OutputSpec.threshold(0f),
        "{\"trainer\":\"test\"}");
  }

  private static InputSpec patchInput() {
    return new InputSpec(PATCH, PATCH, 1, new Normalization.None());
  }

  @Test
  void shouldServeTheEncodersForwardPassOnAPatchSizedFrame() throws Exception {
    FrameSet patches = LateralTrainerTest.syntheticPatches(20, PATCH, 7, 5);
    try (LateralTrainer.State state = trained();
        Encoder encoder = new Encoder(model(state, patchInput()))) {
      for (int n = 0; n < patches.count(); n++) {
        float[] pixels = patches.frame(n).toArray();
        float[] expected;
        try (INDArray x = Nd4j.create(pixels, new long[] {1, pixels.length}, 'c');
            INDArray z = state.psd.encode(x)) {
          expected = z.data().asFloat();
        }

        float[] served = encoder.encodeDense(Frame.of(1, PATCH, PATCH, pixels));

        assertThat(served).hasSize(expected.length);
        for (int k = 0; k < expected.length; k++) {
          assertThat(served[k]).as("patch %d unit %d", n, k).isCloseTo(expected[k], within(1e-4f));
        }
      }
    }
  }

  @Test
  void shouldRoundTripTheEncoderDictionaryAndInhibitionThroughAFile() throws Exception {
    Path file = dir.resolve("l.pwe");
    try (LateralTrainer.State state = trained()) {
      EncoderModel written = model(state, new InputSpec(16, 16, 1, new Normalization.Lcn(2)));
      EncoderFile.write(written, file);

      EncoderModel read = EncoderFile.read(file);

      assertThat(read).isEqualTo(written);
      try (PsdEncoder psd = LateralExport.encoder(read);
          INDArray w = LateralExport.dictionary(read);
          INDArray s = LateralExport.inhibition(read)) {
        for (String p : PsdEncoder.PARAMETERS) {
          assertThat(psd.parameter(p).equalsWithEps(state.psd.parameter(p), 0)).as(p).isTrue();
        }
        assertThat(w.equalsWithEps(state.w, 0)).isTrue();
        assertThat(s.equalsWithEps(state.s, 0)).isTrue();
      }
    }
  }

  @Test
  void shouldPoolEachMapAloneOverAWindowOfOne() {
    L2PoolLayer pool = LateralExport.identityPool(5);

    assertThat(pool.poolCount()).isEqualTo(5);
    assertThat(pool.groupSize()).isEqualTo(1);
    assertThat(pool.groups().toArray()).containsExactly(0, 1, 2, 3, 4);
    assertThat(pool.window()).isEqualTo(1);
    assertThat(pool.stride()).isEqualTo(1);
  }

  @Test
  void shouldServeOneValuePerUnitAndPositionOfAFrame() {
    try (LateralTrainer.State state = trained()) {
      EncoderModel m = model(state, new InputSpec(16, 12, 1, new Normalization.None()));

      assertThat(m.outputShape()).containsExactly(7, 16 - PATCH + 1, 12 - PATCH + 1);
    }
  }

  @Test
  void shouldRefuseToReadAnEncoderOfSeveralStages() {
    EncoderModel twoStages = stackedModel();

    assertThatThrownBy(() -> LateralExport.encoder(twoStages))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("4 layers");
  }

  private static EncoderModel stackedModel() {
    try (LateralTrainer.State state = trained()) {
      EncoderModel one = model(state, new InputSpec(8, 8, 1, new Normalization.None()));
      List<Layer> layers = new ArrayList<>(one.layers());
      // A second stage reading the 7 maps of the first through a 1x1 kernel.
      float[] w = new float[7 * 7];
      Arrays.fill(w, 0.1f);
      layers.add(
          new ConvLayer(
              FloatTensor.of(new int[] {7, 7, 1, 1}, w),
              FloatTensor.filled(new int[] {7}, 0f),
              FloatTensor.filled(new int[] {7}, 1f)));
      layers.add(LateralExport.identityPool(7));
      return new EncoderModel(
          one.name(),
          one.version(),
          one.createdAt(),
          one.input(),
          layers,
          one.output(),
          one.training(),
          one.trainingTensors());
    }
  }
}
