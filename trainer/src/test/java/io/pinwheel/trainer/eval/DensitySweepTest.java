package io.pinwheel.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.trainer.GaborModelOptions;
import io.pinwheel.trainer.InitialModels;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DensitySweepTest {
  private static final EncoderModel MODEL =
      InitialModels.gabor(GaborModelOptions.defaults().withSize(28).withKernel(7).withThreshold(0));

  private static DensitySweep.Report sweep;

  @BeforeAll
  static void sweepGratings() {
    DataSplit split =
        DataSplit.of(Synthetic.gratings(60, 28, 1), Synthetic.gratings(10, 28, 2), 0.25, 15);
    sweep =
        DensitySweep.run(
            MODEL,
            split,
            EvalOptions.defaults()
                .withInvarianceImages(8)
                .withProbe(LinearProbe.Options.defaults().withEpochs(3)),
            1e-4,
            3,
            EvalProgress.NONE);
  }

  @Test
  void shouldReachEachTargetDensityOnTheValidationImages() {
    for (DensitySweep.Point p : sweep.points()) {
      assertThat(p.validationDensity())
          .as("target %s", p.targetDensity())
          .isCloseTo(p.targetDensity(), offset(0.5 * p.targetDensity() + 0.01));
    }
  }

  @Test
  void shouldRaiseTheThresholdAsTheDensityFalls() {
    List<Double> thresholds = sweep.points().stream().map(DensitySweep.Point::threshold).toList();
    assertThat(thresholds).isSorted();
    assertThat(sweep.points().get(0).targetDensity()).isEqualTo(0.5);
  }

  @Test
  void shouldSweepOnlyTheDensitiesGivenDensestFirst() {
    DataSplit split =
        DataSplit.of(Synthetic.gratings(40, 28, 1), Synthetic.gratings(10, 28, 2), 0.25, 15);
    DensitySweep.Report two =
        DensitySweep.run(
            MODEL,
            split,
            EvalOptions.defaults()
                .withInvarianceImages(4)
                .withProbe(LinearProbe.Options.defaults().withEpochs(1)),
            1e-4,
            1,
            List.of(0.1, 0.3),
            OutputRule.KEEP,
            EvalProgress.NONE);
    assertThat(two.points())
        .extracting(DensitySweep.Point::targetDensity)
        .containsExactly(0.3, 0.1);
  }

  @Test
  void shouldRefuseADensityAboveOne() {
    DataSplit split =
        DataSplit.of(Synthetic.gratings(40, 28, 1), Synthetic.gratings(10, 28, 2), 0.25, 15);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                DensitySweep.run(
                    MODEL,
                    split,
                    EvalOptions.defaults(),
                    1e-4,
                    1,
                    List.of(1.5),
                    OutputRule.KEEP,
                    EvalProgress.NONE))
        .hasMessageContaining("densities must be in (0, 1]");
  }

  @Test
  void shouldApplyTheModelsOwnRuleByDefault() {
    assertThat(sweep.outputRule()).isEqualTo("keep");
    assertThat(sweep.toJson()).contains("\"outputRule\":\"keep\"");
  }

  @Test
  void shouldPassTheSameShareOfValuesWhenShrinkingAsWhenKeeping() {
    DataSplit split =
        DataSplit.of(Synthetic.gratings(40, 28, 1), Synthetic.gratings(10, 28, 2), 0.25, 15);
    EvalOptions options =
        EvalOptions.defaults()
            .withInvarianceImages(4)
            .withProbe(LinearProbe.Options.defaults().withEpochs(1));
    List<Double> densities = List.of(0.3, 0.1);
    DensitySweep.Report keep =
        DensitySweep.run(
            MODEL, split, options, 1e-4, 1, densities, OutputRule.KEEP, EvalProgress.NONE);
    DensitySweep.Report shrink =
        DensitySweep.run(
            MODEL, split, options, 1e-4, 1, densities, OutputRule.SHRINK, EvalProgress.NONE);

    assertThat(shrink.outputRule()).isEqualTo("shrink");
    for (int i = 0; i < densities.size(); i++) {
      assertThat(shrink.points().get(i).threshold()).isEqualTo(keep.points().get(i).threshold());
      assertThat(shrink.points().get(i).validationDensity())
          .isCloseTo(keep.points().get(i).validationDensity(), offset(1e-3));
    }
  }

  @Test
  void shouldShrinkInStepsAsMuchAsShrinkingOnceUpToRounding() {
    float[] v = {0f, 0.1f, 0.35f, 0.5f, 0.9f, 3.7f};
    try (INDArray steps = Nd4j.create(v.clone(), new long[] {1, v.length});
        INDArray once = Nd4j.create(v.clone(), new long[] {1, v.length})) {
      DensitySweep.apply(steps, shrink(0.2f));
      DensitySweep.apply(steps, shrink(0.4f - 0.2f));
      DensitySweep.apply(once, shrink(0.4f));

      assertThat(steps.toFloatVector()).containsExactly(once.toFloatVector(), offset(1e-6f));
      assertThat(once.toFloatVector())
          .containsExactly(new float[] {0f, 0f, 0f, 0.1f, 0.5f, 3.3f}, offset(1e-6f));
    }
  }

  @Test
  void shouldApplyTheFloorToEachImagesCodeOnItsOwn() {
    float[] v = {0.1f, 0.9f, 0.3f, 0.2f, 0.1f, 0.05f};
    try (INDArray codes = Nd4j.create(v, new long[] {2, 3})) {
      DensitySweep.apply(
          codes, new OutputSpec(0.5f, OptionalInt.empty(), OutputRule.KEEP, OptionalInt.of(2)));

      assertThat(codes.data().asFloat()).containsExactly(0f, 0.9f, 0.3f, 0.2f, 0.1f, 0f);
    }
  }

  @Test
  void shouldLetMoreValuesThroughAtLowDensityWithTheModelsFloor() {
    DataSplit split =
        DataSplit.of(Synthetic.gratings(40, 28, 1), Synthetic.gratings(10, 28, 2), 0.25, 15);
    EvalOptions options =
        EvalOptions.defaults()
            .withInvarianceImages(4)
            .withProbe(LinearProbe.Options.defaults().withEpochs(1));
    int[] shape = MODEL.outputShape();
    int floor = shape[0] * shape[1] * shape[2] / 10;
    EncoderModel floored =
        EncoderModel.of(
            MODEL.name(),
            MODEL.version(),
            MODEL.input(),
            MODEL.layers(),
            MODEL.output().withMinActive(OptionalInt.of(floor)));
    List<Double> sparse = List.of(0.02);
    DensitySweep.Report plain =
        DensitySweep.run(
            MODEL, split, options, 1e-4, 1, sparse, OutputRule.KEEP, EvalProgress.NONE);
    DensitySweep.Report withFloor =
        DensitySweep.run(
            floored, split, options, 1e-4, 1, sparse, OutputRule.KEEP, EvalProgress.NONE);

    assertThat(withFloor.points().get(0).threshold()).isEqualTo(plain.points().get(0).threshold());
    assertThat(withFloor.points().get(0).validationDensity())
        .isGreaterThan(plain.points().get(0).validationDensity());
  }

  private static OutputSpec shrink(float threshold) {
    return new OutputSpec(threshold, OptionalInt.empty(), OutputRule.SHRINK);
  }

  @Test
  void shouldWriteThePictureAndTheFigures() {
    assertThat(sweep.png()).startsWith(0x89, 'P', 'N', 'G');
    assertThat(sweep.toJson()).contains("\"validationAccuracy\"", "\"shiftRetrievalAt1\"");
  }
}
