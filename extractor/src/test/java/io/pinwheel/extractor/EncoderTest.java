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
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.LinearLayer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.extractor.model.RecurrentLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
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
  void shouldMatchReferenceOnALargeFrameWhoseWindowsLeaveTheLastRowsOut() throws Exception {
    // A 294x294 conv output pooled with a 4x4 window at stride 3: the windows end at row 292.
    Random rnd = new Random(7);
    EncoderModel model =
        RandomModels.model(
            rnd, 300, 300, 1, RandomModels.output(0f, 0), new StageSpec(4, 7, 2, 2, 4, 3));
    assertMatchesReference(model, RandomModels.frame(rnd, 1, 300, 300));
  }

  @Test
  void shouldMatchReferenceWithTopographicPoolsAndAWideStride() throws Exception {
    // Pools of nine overlapping members with a 4x4 window and stride 4, as the shipped natural
    // model has; the 146x57 conv output leaves its last rows and column out of every window.
    Random rnd = new Random(9);
    EncoderModel model =
        RandomModels.model(
            rnd, 150, 61, 1, RandomModels.output(0f, 0), new StageSpec(16, 5, 16, 9, 4, 4));
    assertMatchesReference(model, RandomModels.frame(rnd, 1, 150, 61));
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
  void shouldEmitEachPooledValueAboveTheThresholdLessTheThresholdForAShrinkModel()
      throws Exception {
    Random rnd = new Random(9);
    float threshold = 0.3f;
    EncoderModel model =
        RandomModels.model(
            rnd,
            40,
            40,
            1,
            RandomModels.output(threshold, 0, OutputRule.SHRINK),
            new StageSpec(8, 5, 4, 2, 2, 2));
    Frame frame = RandomModels.frame(rnd, 1, 40, 40);
    try (Encoder encoder = new Encoder(model)) {
      SparseCode code = encoder.encode(frame);
      float[] dense = encoder.encodeDense(frame);
      List<Integer> above = new ArrayList<>();
      List<Float> shrunk = new ArrayList<>();
      for (int i = 0; i < dense.length; i++) {
        if (dense[i] > threshold) {
          above.add(i);
          shrunk.add(dense[i] - threshold);
        }
      }
      assertThat(above).isNotEmpty().hasSizeLessThan(dense.length);
      assertThat(code.indices()).containsExactly(above.stream().mapToInt(i -> i).toArray());
      assertThat(code.values()).containsExactly(toArray(shrunk));
    }
  }

  private static float[] toArray(List<Float> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  @Test
  void shouldReturnSameCodeAsReferenceSparsificationForAShrinkModelWithTopK() throws Exception {
    Random rnd = new Random(11);
    EncoderModel model =
        RandomModels.model(
            rnd,
            40,
            40,
            1,
            RandomModels.output(0.1f, 7, OutputRule.SHRINK),
            new StageSpec(8, 5, 4, 2, 2, 2));
    assertEncodesAsTheReference(model, RandomModels.frame(rnd, 1, 40, 40), 7);
  }

  @Test
  void shouldKeepTheKLargestAsTheReferenceDoesWhenTheThresholdPassesFewer() throws Exception {
    Random rnd = new Random(11);
    EncoderModel model =
        RandomModels.model(
            rnd,
            40,
            40,
            1,
            new OutputSpec(1e6f, OptionalInt.empty(), OutputRule.SHRINK, OptionalInt.of(5)),
            new StageSpec(8, 5, 4, 2, 2, 2));
    assertEncodesAsTheReference(model, RandomModels.frame(rnd, 1, 40, 40), 5);
  }

  @Test
  void shouldKeepOnlyTopKLargestWithTiesToLowerIndex() throws Exception {
    Random rnd = new Random(10);
    EncoderModel model =
        RandomModels.model(
            rnd, 40, 40, 1, RandomModels.output(0f, 7), new StageSpec(8, 5, 4, 2, 2, 2));
    assertEncodesAsTheReference(model, RandomModels.frame(rnd, 1, 40, 40), 7);
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
  void shouldNameOneDnnForConvStagesAndNd4jForARecurrentLayer() {
    Random rnd = new Random(5);
    EncoderModel conv =
        RandomModels.model(
            rnd, 32, 32, 1, RandomModels.output(0.1f, 0), new StageSpec(8, 5, 4, 2, 2, 2));
    try (Encoder encoder = new Encoder(conv)) {
      assertThat(encoder.engine()).startsWith("oneDNN ");
    }
    try (Encoder encoder = new Encoder(RandomModels.recurrent(rnd, 1, 8, 8, 6, 2, KEEP_ALL))) {
      assertThat(encoder.engine()).isEqualTo("ND4J");
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

  // ------------------------------------------------------------ recurrent layer and linear head

  /** Keeps every value of a recurrent code (ReLU outputs are >= 0), so codes compare densely. */
  private static final OutputSpec KEEP_ALL = RandomModels.output(-1f, 0);

  private static List<Frame> frames(Random rnd, EncoderModel model, int count) {
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      frames.add(
          RandomModels.frame(
              rnd, model.input().channels(), model.input().height(), model.input().width()));
    }
    return frames;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 10, 25})
  void shouldMatchReferenceOnRecurrentLayerForAnyNumberOfSteps(int steps) throws Exception {
    Random rnd = new Random(40 + steps);
    EncoderModel model = RandomModels.recurrent(rnd, 1, 12, 10, 48, steps, KEEP_ALL);
    Frame frame = RandomModels.frame(rnd, 1, 12, 10);
    // Both sides of the ReLU are exercised: some units on, some off.
    float[] reference = ReferenceEncoder.pooled(model, frame);
    assertThat(reference).contains(0f);
    float max = 0;
    for (float v : reference) {
      max = Math.max(max, v);
    }
    assertThat(max).isGreaterThan(0.05f);
    assertMatchesReference(model, frame);
  }

  @Test
  void shouldLetTheLateralWeightsChangeTheCodeAfterTheFirstStep() throws Exception {
    Random rnd = new Random(52);
    EncoderModel three = RandomModels.recurrent(new Random(52), 1, 6, 6, 16, 3, KEEP_ALL);
    EncoderModel one = RandomModels.recurrent(new Random(52), 1, 6, 6, 16, 1, KEEP_ALL);
    Frame frame = RandomModels.frame(rnd, 1, 6, 6);
    try (Encoder a = new Encoder(three);
        Encoder b = new Encoder(one)) {
      assertThat(a.encodeDense(frame)).isNotEqualTo(b.encodeDense(frame));
    }
  }

  @Test
  void shouldMatchReferenceOnRecurrentLayerOverColorFrames() throws Exception {
    Random rnd = new Random(50);
    EncoderModel model = RandomModels.recurrent(rnd, 3, 7, 9, 20, 4, KEEP_ALL);
    assertMatchesReference(model, RandomModels.frame(rnd, 3, 7, 9));
  }

  @Test
  void shouldStopAfterTheFirstCodeWhenStepsIsOne() throws Exception {
    // With steps = 1 the lateral weights must not matter: z = relu(E x - b).
    Random rnd = new Random(51);
    EncoderModel model = RandomModels.recurrent(rnd, 1, 4, 4, 8, 1, KEEP_ALL);
    RecurrentLayer rec = (RecurrentLayer) model.layers().get(0);
    Frame frame = RandomModels.frame(rnd, 1, 4, 4);
    float[] expected = new float[8];
    for (int k = 0; k < 8; k++) {
      double s = -rec.bias().get(k);
      for (int i = 0; i < 16; i++) {
        s += rec.encoder().get(k * 16 + i) * (double) frame.get(0, i / 4, i % 4);
      }
      expected[k] = (float) Math.max(0, s);
    }
    try (Encoder encoder = new Encoder(model)) {
      assertClose(encoder.encodeDense(frame), expected);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 32, 37, 70})
  void shouldMatchReferenceWhenEncodingRecurrentBatches(int count) throws Exception {
    Random rnd = new Random(60 + count);
    EncoderModel model = RandomModels.recurrent(rnd, 1, 8, 8, 24, 6, KEEP_ALL);
    List<Frame> frames = frames(rnd, model, count);
    try (Encoder encoder = new Encoder(model)) {
      assertThat(encoder.recurrentBatch()).isEqualTo(32);
      List<SparseCode> codes = encoder.encodeAll(frames);
      assertThat(codes).hasSize(count);
      for (int i = 0; i < count; i++) {
        assertThat(codes.get(i).shape()).containsExactly(24, 1, 1);
        assertClose(codes.get(i).toDense(), ReferenceEncoder.pooled(model, frames.get(i)));
      }
    }
  }

  @Test
  void shouldShrinkRecurrentBatchesForLargeFrames() throws Exception {
    Random rnd = new Random(61);
    EncoderModel model = RandomModels.recurrent(rnd, 3, 200, 200, 4, 2, KEEP_ALL);
    List<Frame> frames = frames(rnd, model, 10);
    try (Encoder encoder = new Encoder(model)) {
      // 120 000 inputs per frame: 8 frames fill the 2^20-float batch.
      assertThat(encoder.recurrentBatch()).isEqualTo(8);
      List<SparseCode> codes = encoder.encodeAll(frames);
      for (int i = 0; i < frames.size(); i++) {
        assertClose(codes.get(i).toDense(), ReferenceEncoder.pooled(model, frames.get(i)));
      }
    }
  }

  @Test
  void shouldApplyTheOutputRuleToRecurrentCodes() throws Exception {
    Random rnd = new Random(62);
    EncoderModel model =
        RandomModels.recurrent(rnd, 1, 10, 10, 64, 3, RandomModels.output(0.05f, 5));
    Frame frame = RandomModels.frame(rnd, 1, 10, 10);
    try (Encoder encoder = new Encoder(model)) {
      SparseCode code = encoder.encode(frame);
      assertThat(code.nnz()).isEqualTo(5);
      assertThat(code)
          .isEqualTo(
              ReferenceEncoder.sparsify(
                  encoder.encodeDense(frame), model.outputShape(), model.output()));
    }
  }

  @Test
  void shouldRefuseABatchHoldingAFrameOfWrongSize() {
    Random rnd = new Random(63);
    EncoderModel model = RandomModels.recurrent(rnd, 1, 8, 8, 16, 3, KEEP_ALL);
    List<Frame> frames = frames(rnd, model, 4);
    frames.set(2, RandomModels.frame(rnd, 1, 8, 9));
    try (Encoder encoder = new Encoder(model)) {
      assertThatThrownBy(() -> encoder.encodeAll(frames))
          .isInstanceOf(FrameDecodeException.class)
          .hasMessageContaining("1x8x9");
    }
  }

  @Test
  void shouldRefuseRecurrentUseAfterClose() {
    Random rnd = new Random(64);
    EncoderModel model = RandomModels.recurrent(rnd, 1, 8, 8, 16, 3, KEEP_ALL);
    Encoder encoder = new Encoder(model);
    encoder.close();
    assertThatThrownBy(() -> encoder.encode(RandomModels.frame(rnd, 1, 8, 8)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  private static void assertScoresMatchReference(EncoderModel model, List<Frame> frames)
      throws Exception {
    LinearLayer head = model.head().orElseThrow();
    try (Encoder encoder = new Encoder(model)) {
      List<SparseCode> codes = encoder.encodeAll(frames);
      for (int i = 0; i < frames.size(); i++) {
        SparseCode code = codes.get(i);
        float[] expected =
            ReferenceEncoder.scores(head, ReferenceEncoder.pooled(model, frames.get(i)));
        assertClose(code.scores(), expected);
        assertThat(code.label()).isEqualTo(head.labelOf(code.scores()));
      }
    }
  }

  @Test
  void shouldScoreRecurrentCodesWithTheHead() throws Exception {
    Random rnd = new Random(70);
    EncoderModel model =
        RandomModels.withHead(
            rnd, RandomModels.recurrent(rnd, 1, 8, 8, 32, 5, RandomModels.output(0.1f, 4)), 10);
    assertScoresMatchReference(model, frames(rnd, model, 40));
  }

  @Test
  void shouldScoreConvCodesWithTheHead() throws Exception {
    Random rnd = new Random(71);
    EncoderModel model =
        RandomModels.withHead(
            rnd,
            RandomModels.model(
                rnd, 24, 24, 1, RandomModels.output(0.3f, 0), new StageSpec(8, 5, 4, 2, 2, 2)),
            3);
    assertScoresMatchReference(model, frames(rnd, model, 3));
  }

  @Test
  void shouldScoreTheDenseCodeNotTheSparseOne() throws Exception {
    // topK 1 drops almost every value; the scores must not change with it.
    Random rnd = new Random(72);
    EncoderModel base = RandomModels.recurrent(rnd, 1, 6, 6, 16, 3, KEEP_ALL);
    EncoderModel full = RandomModels.withHead(new Random(1), base, 4);
    EncoderModel sparse =
        new EncoderModel(
            full.name(),
            full.version(),
            full.createdAt(),
            full.input(),
            full.layers(),
            RandomModels.output(0f, 1),
            full.training(),
            full.trainingTensors());
    Frame frame = RandomModels.frame(rnd, 1, 6, 6);
    try (Encoder a = new Encoder(full);
        Encoder b = new Encoder(sparse)) {
      SparseCode all = a.encode(frame);
      SparseCode one = b.encode(frame);
      assertThat(one.nnz()).isEqualTo(1);
      assertThat(one.scores()).containsExactly(all.scores());
      assertThat(one.label()).isEqualTo(all.label());
    }
  }

  @Test
  void shouldBreakLabelTiesTowardsTheLowerIndex() throws Exception {
    Random rnd = new Random(73);
    EncoderModel base = RandomModels.recurrent(rnd, 1, 4, 4, 6, 2, KEEP_ALL);
    LinearLayer head =
        new LinearLayer(
            FloatTensor.filled(new int[] {3, 6}, 0f),
            FloatTensor.of(new int[] {3}, new float[] {1f, 2f, 2f}),
            List.of("zebra", "yak", "aardvark"));
    List<Layer> layers = new ArrayList<>(base.layers());
    layers.add(head);
    EncoderModel model = EncoderModel.of("ties", 1, base.input(), layers, base.output());
    try (Encoder encoder = new Encoder(model)) {
      SparseCode code = encoder.encode(RandomModels.frame(rnd, 1, 4, 4));
      assertThat(code.scores()).containsExactly(1f, 2f, 2f);
      assertThat(code.label()).isEqualTo("yak");
    }
  }

  @Test
  void shouldGiveNoScoresOrLabelWithoutAHead() throws Exception {
    Random rnd = new Random(74);
    EncoderModel model = RandomModels.recurrent(rnd, 1, 4, 4, 6, 2, KEEP_ALL);
    try (Encoder encoder = new Encoder(model)) {
      SparseCode code = encoder.encode(RandomModels.frame(rnd, 1, 4, 4));
      assertThat(code.hasClassifierOutput()).isFalse();
      assertThat(code.scores()).isEmpty();
      assertThat(code.label()).isEmpty();
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
  void shouldRefuseACodeThatOverflowsInsteadOfGivingAnEmptyOne() throws Exception {
    // Finite weights so large that pooling squares them past the float range.
    Random rnd = new Random(8);
    EncoderModel random =
        RandomModels.model(
            rnd, 16, 16, 1, RandomModels.output(0.1f, 0), new StageSpec(8, 5, 4, 2, 2, 2));
    ConvLayer conv = (ConvLayer) random.layers().get(0);
    float[] huge = new float[conv.weights().size()];
    java.util.Arrays.fill(huge, 1e30f);
    EncoderModel model =
        EncoderModel.of(
            "overflowing",
            1,
            random.input(),
            List.of(
                new ConvLayer(
                    FloatTensor.of(conv.weights().shape(), huge), conv.bias(), conv.gain()),
                random.layers().get(1)),
            random.output());
    float[] ones = new float[256];
    java.util.Arrays.fill(ones, 1f);
    try (Encoder encoder = new Encoder(model)) {
      assertThatThrownBy(() -> encoder.encode(Frame.of(1, 16, 16, ones)))
          .isInstanceOf(ArithmeticException.class)
          .hasMessageContaining("non-finite")
          .hasMessageContaining("overflow");
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

  /** The encoder's code of {@code frame} has {@code nnz} values and equals the reference's. */
  private static void assertEncodesAsTheReference(EncoderModel model, Frame frame, int nnz)
      throws Exception {
    try (Encoder encoder = new Encoder(model)) {
      SparseCode code = encoder.encode(frame);
      assertThat(code.nnz()).isEqualTo(nnz);
      assertThat(code)
          .isEqualTo(
              ReferenceEncoder.sparsify(
                  encoder.encodeDense(frame), model.outputShape(), model.output()));
    }
  }
}
