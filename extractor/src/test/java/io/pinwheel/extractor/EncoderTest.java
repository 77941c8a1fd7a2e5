package io.pinwheel.extractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.extractor.RandomModels.StageSpec;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.IntTensor;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Normalization;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EncoderTest {

  private static void assertClose(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    float max = 0;
    for (float v : expected) {
      max = Math.max(max, Math.abs(v));
    }
    float tol = 1e-4f * Math.max(max, 1e-6f);
    for (int i = 0; i < expected.length; i++) {
      assertThat(Math.abs(actual[i] - expected[i]))
          .as("element %d: fast %s vs reference %s", i, actual[i], expected[i])
          .isLessThanOrEqualTo(tol);
    }
  }

  private static void assertMatchesReference(EncoderModel model, Frame frame) throws Exception {
    try (Encoder encoder = new Encoder(model)) {
      assertClose(encoder.encodeDense(frame), ReferenceEncoder.pooled(model, frame));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void shouldMatchReferenceOnReferenceWorkloadShape(int seed) throws Exception {
    Random rnd = new Random(seed);
    EncoderModel model =
        RandomModels.model(
            rnd, 96, 96, 1, RandomModels.output(0.5f, 0), new StageSpec(64, 9, 16, 4, 2, 2));
    assertMatchesReference(model, RandomModels.frame(rnd, 1, 96, 96));
  }

  @ParameterizedTest
  @ValueSource(ints = {11, 12, 13})
  void shouldMatchReferenceOnColorInputWithOverlappingWeightedGroups(int seed) throws Exception {
    Random rnd = new Random(seed);
    EncoderModel model =
        RandomModels.model(
            rnd, 37, 53, 3, RandomModels.output(0.1f, 0), new StageSpec(12, 5, 9, 5, 3, 2));
    assertMatchesReference(model, RandomModels.frame(rnd, 3, 37, 53));
  }

  @ParameterizedTest
  @ValueSource(ints = {21, 22, 23})
  void shouldMatchReferenceOnStackedStages(int seed) throws Exception {
    Random rnd = new Random(seed);
    EncoderModel model =
        RandomModels.model(
            rnd,
            64,
            48,
            1,
            RandomModels.output(0.2f, 0),
            new StageSpec(16, 7, 8, 2, 2, 2),
            new StageSpec(10, 3, 5, 2, 3, 1));
    assertMatchesReference(model, RandomModels.frame(rnd, 1, 64, 48));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6})
  void shouldMatchReferenceWithDisjointGroupsOfAnySize(int groupSize) throws Exception {
    Random rnd = new Random(30 + groupSize);
    int pools = 24 / groupSize;
    EncoderModel model =
        RandomModels.model(
            rnd,
            40,
            44,
            1,
            RandomModels.output(0.2f, 0),
            new StageSpec(24, 5, pools, groupSize, 2, 2, true));
    assertMatchesReference(model, RandomModels.frame(rnd, 1, 40, 44));
  }

  @Test
  void shouldMatchReferenceWhenBandsDoNotDivideTheImage() throws Exception {
    // 294 output rows of 300 columns split into 22 bands of 13 or 14 rows: two band sizes.
    Random rnd = new Random(7);
    EncoderModel model =
        RandomModels.model(
            rnd, 300, 300, 1, RandomModels.output(0f, 0), new StageSpec(4, 7, 2, 2, 4, 3));
    assertMatchesReference(model, RandomModels.frame(rnd, 1, 300, 300));
  }

  @Test
  void shouldMatchReferenceWithOneByOneKernelAndWindow() throws Exception {
    Random rnd = new Random(8);
    EncoderModel model =
        RandomModels.model(
            rnd, 5, 7, 3, RandomModels.output(0f, 0), new StageSpec(3, 1, 3, 1, 1, 1));
    assertMatchesReference(model, RandomModels.frame(rnd, 3, 5, 7));
  }

  @Test
  void shouldReturnSameCodeAsReferenceSparsification() throws Exception {
    Random rnd = new Random(9);
    EncoderModel model =
        RandomModels.model(
            rnd, 40, 40, 1, RandomModels.output(0.3f, 0), new StageSpec(8, 5, 4, 2, 2, 2));
    Frame frame = RandomModels.frame(rnd, 1, 40, 40);
    try (Encoder encoder = new Encoder(model)) {
      SparseCode code = encoder.encode(frame);
      float[] dense = encoder.encodeDense(frame);
      assertThat(code)
          .isEqualTo(ReferenceEncoder.sparsify(dense, model.outputShape(), model.output()));
      assertThat(code.nnz()).isPositive().isLessThan(code.denseSize());
    }
  }

  @Test
  void shouldKeepOnlyTopKLargestWithTiesToLowerIndex() throws Exception {
    Random rnd = new Random(10);
    EncoderModel model =
        RandomModels.model(
            rnd, 40, 40, 1, RandomModels.output(0f, 7), new StageSpec(8, 5, 4, 2, 2, 2));
    Frame frame = RandomModels.frame(rnd, 1, 40, 40);
    try (Encoder encoder = new Encoder(model)) {
      SparseCode code = encoder.encode(frame);
      assertThat(code.nnz()).isEqualTo(7);
      assertThat(code)
          .isEqualTo(
              ReferenceEncoder.sparsify(
                  encoder.encodeDense(frame), model.outputShape(), model.output()));
    }
  }

  @Test
  void shouldBreakTopKTiesTowardsLowerIndex() throws Exception {
    // Zero weights and a positive bias make every pooled value equal: all are ties.
    EncoderModel flat =
        EncoderModel.of(
            "flat",
            1,
            new InputSpec(12, 12, 1, new Normalization.None()),
            List.of(
                new ConvLayer(
                    FloatTensor.filled(new int[] {2, 1, 3, 3}, 0f),
                    FloatTensor.filled(new int[] {2}, 0.5f),
                    FloatTensor.filled(new int[] {2}, 1f)),
                L2PoolLayer.unweighted(IntTensor.of(new int[] {1, 2}, new int[] {0, 1}), 2, 2)),
            RandomModels.output(0f, 5));
    try (Encoder encoder = new Encoder(flat)) {
      SparseCode code = encoder.encode(Frame.of(1, 12, 12, new float[144]));
      assertThat(code.indices()).containsExactly(0, 1, 2, 3, 4);
      assertThat(code.values()).containsOnly((float) Math.sqrt(2 * 4 * 0.25));
    }
  }

  @Test
  void shouldGiveSameResultOnRepeatedCalls() throws Exception {
    Random rnd = new Random(4);
    EncoderModel model =
        RandomModels.model(
            rnd, 32, 32, 1, RandomModels.output(0.1f, 0), new StageSpec(8, 5, 4, 2, 2, 2));
    Frame a = RandomModels.frame(rnd, 1, 32, 32);
    Frame b = RandomModels.frame(rnd, 1, 32, 32);
    try (Encoder encoder = new Encoder(model)) {
      SparseCode first = encoder.encode(a);
      encoder.encode(b);
      assertThat(encoder.encode(a)).isEqualTo(first);
    }
  }

  @Test
  void shouldRefuseFrameOfWrongSize() {
    Random rnd = new Random(5);
    EncoderModel model =
        RandomModels.model(
            rnd, 32, 32, 1, RandomModels.output(0.1f, 0), new StageSpec(8, 5, 4, 2, 2, 2));
    try (Encoder encoder = new Encoder(model)) {
      assertThatThrownBy(() -> encoder.encode(RandomModels.frame(rnd, 3, 32, 32)))
          .isInstanceOf(FrameDecodeException.class)
          .hasMessageContaining("3x32x32")
          .hasMessageContaining("1x32x32")
          .extracting(e -> ((FrameDecodeException) e).reason())
          .isEqualTo(FrameDecodeException.Reason.WRONG_SHAPE);
    }
  }

  @Test
  void shouldRefuseFrameHoldingNaN() {
    Random rnd = new Random(6);
    EncoderModel model =
        RandomModels.model(
            rnd, 16, 16, 1, RandomModels.output(0.1f, 0), new StageSpec(4, 3, 2, 2, 2, 2));
    float[] d = new float[256];
    d[17] = Float.NaN;
    try (Encoder encoder = new Encoder(model)) {
      assertThatThrownBy(() -> encoder.encode(Frame.of(1, 16, 16, d)))
          .isInstanceOf(FrameDecodeException.class)
          .hasMessageContaining("non-finite")
          .hasMessageContaining("17");
    }
  }

  @Test
  void shouldRefuseUseAfterClose() {
    Random rnd = new Random(6);
    EncoderModel model =
        RandomModels.model(
            rnd, 16, 16, 1, RandomModels.output(0.1f, 0), new StageSpec(4, 3, 2, 2, 2, 2));
    Encoder encoder = new Encoder(model);
    encoder.close();
    encoder.close();
    assertThatThrownBy(() -> encoder.encode(RandomModels.frame(rnd, 1, 16, 16)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
