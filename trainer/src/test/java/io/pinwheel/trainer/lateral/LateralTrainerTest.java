package io.pinwheel.trainer.lateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.trainer.data.FrameSet;
import io.pinwheel.trainer.run.EpochInfo;
import io.pinwheel.trainer.run.StepInfo;
import io.pinwheel.trainer.run.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LateralTrainerTest {

  /** A tree of 7 units (root, 2 children, 4 grandchildren) over 4×4 patches. */
  private static final PatternSpec TREE = new PatternSpec.Tree(3, 2);

  static LateralOptions options(PatternSpec pattern, InhibitionMode s, int epochs, int psdEpochs) {
    return new LateralOptions(
        pattern, s, 0.3, 0.05, 0.1, 4, 50, epochs, psdEpochs, 32, 0.05, 0.01, 0.2, 7, 1);
  }

  /**
   * Patches that a K-atom non-negative sparse code explains: each is a random non-negative mix of
   * two atoms of a hidden unit-norm dictionary, plus a little noise.
   */
  static FrameSet syntheticPatches(int count, int patch, int atoms, long seed) {
    SplittableRandom hidden = new SplittableRandom(99);
    int d = patch * patch;
    double[][] w = new double[atoms][d];
    for (double[] atom : w) {
      double norm = 0;
      for (int i = 0; i < d; i++) {
        atom[i] = hidden.nextDouble(-1, 1);
        norm += atom[i] * atom[i];
      }
      for (int i = 0; i < d; i++) {
        atom[i] /= Math.sqrt(norm);
      }
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] data = new float[count * d];
    for (int n = 0; n < count; n++) {
      int a = rnd.nextInt(atoms);
      int b = rnd.nextInt(atoms);
      double za = 1 + 2 * rnd.nextDouble();
      double zb = rnd.nextDouble();
      for (int i = 0; i < d; i++) {
        data[n * d + i] = (float) (za * w[a][i] + zb * w[b][i] + 0.02 * rnd.nextDouble(-1, 1));
      }
    }
    return new FrameSet(count, 1, patch, patch, data);
  }

  private static List<LateralTrainer.EpochStats> train(LateralOptions o) {
    LateralTrainer trainer = new LateralTrainer(o);
    FrameSet heldOut = syntheticPatches(200, 4, 7, 1000);
    try (LateralTrainer.State state = trainer.initial(syntheticPatches(400, 4, 7, 0))) {
      trainer.train(e -> syntheticPatches(400, 4, 7, e), heldOut, state, TrainingListener.silent());
      return new ArrayList<>(state.history);
    }
  }

  @Test
  void shouldLowerTheEnergyOfHeldOutPatches() {
    LateralOptions o = options(TREE, new InhibitionMode.Learned(), 6, 0);
    LateralTrainer trainer = new LateralTrainer(o);
    FrameSet heldOut = syntheticPatches(200, 4, 7, 1000);
    try (LateralTrainer.State state = trainer.initial(syntheticPatches(400, 4, 7, 0))) {
      double before = trainer.evaluate(state, heldOut).energy();

      trainer.train(e -> syntheticPatches(400, 4, 7, e), heldOut, state, TrainingListener.silent());

      assertThat(trainer.evaluate(state, heldOut).energy()).isLessThan(0.7 * before);
    }
  }

  @Test
  void shouldLowerTheTrainingEnergyFromTheFirstEpochToTheLast() {
    List<LateralTrainer.EpochStats> history =
        train(options(TREE, new InhibitionMode.Learned(), 6, 0));

    assertThat(history.get(history.size() - 1).energy()).isLessThan(history.get(0).energy());
  }

  @Test
  void shouldKeepSFeasibleWhileLearningIt() {
    LateralOptions o = options(TREE, new InhibitionMode.Learned(), 4, 0);
    LateralTrainer trainer = new LateralTrainer(o);
    InhibitionPattern pattern = TREE.pattern();
    try (LateralTrainer.State state = trainer.initial(syntheticPatches(400, 4, 7, 0))) {
      trainer.train(
          e -> syntheticPatches(400, 4, 7, e),
          syntheticPatches(50, 4, 7, 1000),
          state,
          TrainingListener.silent());

      double[][] s = state.s.toDoubleMatrix();
      double max = 0;
      for (int i = 0; i < s.length; i++) {
        for (int j = 0; j < s.length; j++) {
          assertThat(s[i][j]).as("S[%d][%d] symmetric", i, j).isEqualTo(s[j][i]);
          assertThat(s[i][j]).as("S[%d][%d] bounded", i, j).isBetween(0.0, (double) (float) 0.3);
          if (!pattern.free(i, j)) {
            assertThat(s[i][j]).as("S[%d][%d] fixed by the tree", i, j).isZero();
          }
          max = Math.max(max, s[i][j]);
        }
      }
      assertThat(max).as("S learned something").isPositive();
    }
  }

  @Test
  void shouldLeaveAFixedSAsSet() {
    LateralOptions o = options(TREE, new InhibitionMode.Fixed(0.2), 2, 0);
    LateralTrainer trainer = new LateralTrainer(o);
    InhibitionPattern pattern = TREE.pattern();
    try (LateralTrainer.State state = trainer.initial(syntheticPatches(400, 4, 7, 0))) {
      trainer.train(
          e -> syntheticPatches(400, 4, 7, e),
          syntheticPatches(50, 4, 7, 1000),
          state,
          TrainingListener.silent());

      double[][] s = state.s.toDoubleMatrix();
      for (int i = 0; i < s.length; i++) {
        for (int j = 0; j < s.length; j++) {
          assertThat(s[i][j])
              .as("S[%d][%d]", i, j)
              .isCloseTo(pattern.free(i, j) ? 0.2 : 0.0, within(1e-7));
        }
      }
    }
  }

  @Test
  void shouldKeepDictionaryColumnsAtUnitNorm() {
    LateralOptions o = options(new PatternSpec.Free(6), new InhibitionMode.Learned(), 2, 0);
    LateralTrainer trainer = new LateralTrainer(o);
    try (LateralTrainer.State state = trainer.initial(syntheticPatches(400, 4, 7, 0))) {
      trainer.train(
          e -> syntheticPatches(400, 4, 7, e),
          syntheticPatches(50, 4, 7, 1000),
          state,
          TrainingListener.silent());

      for (double norm : state.w.norm2(0).toDoubleVector()) {
        assertThat(norm).isCloseTo(1.0, within(1e-5));
      }
    }
  }

  @Test
  void shouldLowerTheEncoderErrorOverTraining() {
    List<LateralTrainer.EpochStats> history =
        train(options(TREE, new InhibitionMode.Fixed(0.1), 3, 3));

    double first = history.get(0).heldOut().psdRelativeError();
    double last = history.get(history.size() - 1).heldOut().psdRelativeError();
    assertThat(last).isLessThan(first);
    assertThat(history.get(history.size() - 1).phase()).isEqualTo("encoder");
  }

  @Test
  void shouldNotMoveTheDictionaryInEncoderOnlyEpochs() {
    LateralOptions o = options(TREE, new InhibitionMode.Learned(), 1, 2);
    LateralTrainer trainer = new LateralTrainer(o);
    List<double[][]> dictionaries = new ArrayList<>();
    try (LateralTrainer.State state = trainer.initial(syntheticPatches(400, 4, 7, 0))) {
      trainer.train(
          e -> syntheticPatches(400, 4, 7, e),
          syntheticPatches(50, 4, 7, 1000),
          state,
          new TrainingListener() {
            @Override
            public void onStep(StepInfo step) {}

            @Override
            public void onEpoch(EpochInfo epoch) {
              dictionaries.add(state.w.toDoubleMatrix());
            }
          });
    }

    assertThat(dictionaries.get(2)).isDeepEqualTo(dictionaries.get(1));
  }

  @Test
  void shouldMeasureSupportAgreementBetweenZeroAndOne() {
    List<LateralTrainer.EpochStats> history =
        train(options(TREE, new InhibitionMode.Learned(), 1, 1));

    LateralTrainer.Evaluation e = history.get(history.size() - 1).heldOut();
    assertThat(e.supportJaccard()).isBetween(0.0, 1.0);
    assertThat(e.supportJaccard()).isLessThanOrEqualTo(e.supportPrecision());
    assertThat(e.supportJaccard()).isLessThanOrEqualTo(e.supportRecall());
    assertThat(e.activity()).hasSize(7);
  }

  @Test
  void shouldRejectPatchesOfAnotherSize() {
    LateralTrainer trainer = new LateralTrainer(options(TREE, new InhibitionMode.Learned(), 1, 0));

    assertThatThrownBy(() -> trainer.initial(syntheticPatches(10, 5, 7, 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("patches must be 1x4x4");
  }
}
