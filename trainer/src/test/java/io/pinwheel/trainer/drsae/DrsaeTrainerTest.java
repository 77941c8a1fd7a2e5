package io.pinwheel.trainer.drsae;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.trainer.run.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DrsaeTrainerTest {
  private static final int D = 16;
  private static final int COUNT = 200;
  private static final double ALPHA = 1;

  /** Two classes, each a fixed random non-negative prototype plus noise. */
  private record Problem(float[] x, int[] labels) {}

  private static Problem problem(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] prototypes = new double[2][D];
    for (double[] p : prototypes) {
      for (int i = 0; i < D; i++) {
        p[i] = rnd.nextDouble();
      }
    }
    float[] x = new float[COUNT * D];
    int[] labels = new int[COUNT];
    for (int n = 0; n < COUNT; n++) {
      labels[n] = n % 2;
      for (int i = 0; i < D; i++) {
        x[n * D + i] = (float) (prototypes[labels[n]][i] + 0.3 * rnd.nextGaussian());
      }
    }
    return new Problem(x, labels);
  }

  private static DrsaeModel model() {
    return DrsaeModel.initial(new DrsaeConfig(8, D, 2, 3, 0.1), 1);
  }

  private static DrsaeModel train(DrsaeTrainer trainer, DrsaeModel model, Problem p) {
    return trainer.train(model, p.x(), p.labels(), TrainingListener.silent(), e -> {});
  }

  private static double accuracy(DrsaeModel model, Problem p) {
    try (DrsaeGradients g = new DrsaeGradients(model.config(), 50, 1)) {
      return g.accuracy(model.parameters(), p.x(), p.labels());
    }
  }

  private static double loss(DrsaeModel model, Problem p) {
    try (DrsaeGradients g = new DrsaeGradients(model.config(), 50, 1)) {
      return g.terms(model.parameters(), p.x(), p.labels(), COUNT).loss(0.1, ALPHA);
    }
  }

  private static DrsaeTrainer trainer() {
    return new DrsaeTrainer(new DrsaeOptions(3, 6, ALPHA, 20, 0.02, 9, 1, 0, 0, 0));
  }

  @Test
  void shouldLowerTheLoss() {
    Problem p = problem(2);
    DrsaeModel model = model();
    double before = loss(model, p);
    List<DrsaeTrainer.EpochInfo> epochs = new ArrayList<>();
    trainer().train(model, p.x(), p.labels(), TrainingListener.silent(), epochs::add);
    double after = loss(model, p);
    assertThat(epochs).hasSize(9);
    assertThat(epochs.get(0).alpha()).isZero();
    assertThat(epochs.get(8).alpha()).isEqualTo(ALPHA);
    assertThat(after).isLessThan(0.5 * before);
  }

  @Test
  void shouldClassifyTheTrainingProblemWithItsOwnClassifier() {
    Problem p = problem(3);
    DrsaeModel model = train(trainer(), model(), p);
    assertThat(accuracy(model, p)).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void shouldEndWithTheAveragedWeightsWhenAveraging() {
    Problem p = problem(3);
    DrsaeModel last = train(trainer(), model(), p);
    DrsaeModel averaged =
        train(
            new DrsaeTrainer(new DrsaeOptions(3, 6, ALPHA, 20, 0.02, 9, 1, 0.9, 0, 0)), model(), p);
    // Same seed and batches, so the only difference is the average the second run ends with.
    assertThat(averaged.parameter(DrsaeGradients.CLASSIFIER))
        .isNotEqualTo(last.parameter(DrsaeGradients.CLASSIFIER));
    assertThat(accuracy(averaged, p)).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void shouldTrainWithoutRecurrenceWhenTIsOne() {
    Problem p = problem(3);
    DrsaeModel model = train(trainer(), DrsaeModel.initial(new DrsaeConfig(8, D, 2, 1, 0.1), 1), p);
    assertThat(accuracy(model, p)).isGreaterThanOrEqualTo(0.95);
    // S is never read with T = 1, so it never moves from its start at 0.
    for (float v : model.parameter(DrsaeGradients.LATERAL)) {
      assertThat(v).isZero();
    }
  }

  @Test
  void shouldRejectAnAveragingDecayOfOne() {
    assertThatThrownBy(() -> new DrsaeOptions(1, 1, ALPHA, 20, 0.01, 1, 1, 1.0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("averaging");
  }

  @Test
  void shouldRejectOptionsWithoutEpochs() {
    assertThatThrownBy(() -> new DrsaeOptions(0, 0, ALPHA, 20, 0.01, 1, 1, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pretrainEpochs + discriminativeEpochs");
  }

  @Test
  void shouldMoveEachImageByAtMostTheShiftInEveryDirection() {
    int side = 5;
    int n = 400;
    float[] images = new float[n * side * side];
    for (int i = 0; i < n; i++) {
      images[i * side * side + 2 * side + 2] = 1;
    }
    DrsaeTrainer.translate(images, n, side, side, 1, new SplittableRandom(3));
    java.util.Set<Integer> offsets = new java.util.HashSet<>();
    for (int i = 0; i < n; i++) {
      int lit = -1;
      for (int k = 0; k < side * side; k++) {
        if (images[i * side * side + k] != 0) {
          assertThat(lit).as("image %d has one lit pixel", i).isEqualTo(-1);
          lit = k;
        }
      }
      int dy = lit / side - 2;
      int dx = lit % side - 2;
      assertThat(Math.max(Math.abs(dy), Math.abs(dx))).isLessThanOrEqualTo(1);
      offsets.add(dy * 10 + dx);
    }
    assertThat(offsets).hasSize(9);
  }

  @Test
  void shouldRepeatTheEdgeIntoTheSpaceATranslationLeaves() {
    // One 1x3 image [1 2 3] moved right by one pixel (the only non-zero offset with height 1 is
    // along x, and the seed is searched until it draws +1).
    for (long seed = 0; ; seed++) {
      float[] image = {1, 2, 3};
      SplittableRandom probe = new SplittableRandom(seed);
      int dy = probe.nextInt(-1, 2);
      int dx = probe.nextInt(-1, 2);
      if (dy == 0 && dx == 1) {
        DrsaeTrainer.translate(image, 1, 1, 3, 1, new SplittableRandom(seed));
        assertThat(image).containsExactly(1, 1, 2);
        return;
      }
    }
  }

  @Test
  void shouldTrainReproduciblyWithTranslations() {
    Problem p = problem(3);
    DrsaeOptions shifting = new DrsaeOptions(1, 2, ALPHA, 20, 0.02, 9, 1, 0, 1, 0);
    DrsaeModel a = train(new DrsaeTrainer(shifting, 4, 4), model(), p);
    DrsaeModel b = train(new DrsaeTrainer(shifting, 4, 4), model(), p);
    DrsaeModel still =
        train(
            new DrsaeTrainer(new DrsaeOptions(1, 2, ALPHA, 20, 0.02, 9, 1, 0, 0, 0), 4, 4),
            model(),
            p);
    assertThat(a.parameters().bitEquals(b.parameters())).isTrue();
    assertThat(a.parameter(DrsaeGradients.ENCODER))
        .isNotEqualTo(still.parameter(DrsaeGradients.ENCODER));
  }

  @Test
  void shouldRefuseTranslationsWithoutTheImageGeometry() {
    DrsaeOptions shifting = new DrsaeOptions(1, 1, ALPHA, 20, 0.01, 1, 1, 0, 1, 0);
    assertThatThrownBy(() -> new DrsaeTrainer(shifting))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shift 1");
  }

  @Test
  void shouldRejectANegativeShift() {
    assertThatThrownBy(() -> new DrsaeOptions(1, 1, ALPHA, 20, 0.01, 1, 1, 0, -1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shift");
  }

  /**
   * {@link #model()} with every unit firing on every input (a threshold of −10, which a few steps
   * cannot raise to the drives), so none falls silent while training.
   */
  private static DrsaeModel firing() {
    DrsaeModel model = model();
    java.util.Arrays.fill(model.parameter(DrsaeGradients.BIAS), -10f);
    return model;
  }

  /** {@link #firing()} with unit 0 silenced: a threshold no input's drive reaches. */
  private static DrsaeModel silenced() {
    DrsaeModel model = firing();
    model.parameter(DrsaeGradients.BIAS)[0] = 1000;
    return model;
  }

  private static DrsaeOptions reviving(int reviveEpochs, int threads) {
    return new DrsaeOptions(1, 2, ALPHA, 20, 0.02, 9, threads, 0.9, 0, reviveEpochs);
  }

  /** How many of {@code p}'s examples unit {@code u} fires on. */
  private static int firings(DrsaeModel model, Problem p, int u) {
    int k = model.config().units();
    try (DrsaeGradients g = new DrsaeGradients(model.config(), 50, 1)) {
      float[] codes = g.codes(model.parameters(), p.x(), COUNT);
      int n = 0;
      for (int i = 0; i < COUNT; i++) {
        if (codes[i * k + u] > 0) {
          n++;
        }
      }
      return n;
    }
  }

  @Test
  void shouldMakeASilentUnitFireAgainWhenReviving() {
    Problem p = problem(3);
    DrsaeModel model = silenced();
    assertThat(firings(model, p, 0)).isZero();
    int revived;
    try (DrsaeTrainer.Session session = new DrsaeTrainer(reviving(1, 1)).session(model)) {
      revived = session.revive(p.x(), COUNT, 0);
    }
    assertThat(revived).isEqualTo(1);
    assertThat(firings(model, p, 0)).isPositive();
  }

  @Test
  void shouldKeepARevivedUnitFiringThroughTheRestOfTraining() {
    Problem p = problem(3);
    DrsaeModel model = train(new DrsaeTrainer(reviving(1, 1)), silenced(), p);
    assertThat(firings(model, p, 0)).isPositive();
  }

  @Test
  void shouldCutARevivedUnitFromTheOtherUnitsAndTheClassifier() {
    Problem p = problem(3);
    DrsaeModel model = silenced();
    java.util.Arrays.fill(model.parameter(DrsaeGradients.LATERAL), 0.01f);
    java.util.Arrays.fill(model.parameter(DrsaeGradients.CLASSIFIER), 0.01f);
    try (DrsaeTrainer.Session session = new DrsaeTrainer(reviving(1, 1)).session(model)) {
      session.revive(p.x(), COUNT, 0);
    }
    int k = model.config().units();
    float[] lateral = model.parameter(DrsaeGradients.LATERAL);
    float[] classifier = model.parameter(DrsaeGradients.CLASSIFIER);
    for (int v = 0; v < k; v++) {
      assertThat(lateral[v * k]).as("S[%d][0]", v).isZero();
    }
    assertThat(classifier[0]).isZero();
    assertThat(classifier[k]).isZero();
    // Another unit keeps its weights.
    assertThat(lateral[k + 1]).isEqualTo(0.01f);
    assertThat(classifier[1]).isEqualTo(0.01f);
  }

  @Test
  void shouldDriveARevivedUnitByTheResidualTheOtherUnitsLeave() {
    Problem p = problem(3);
    DrsaeModel model = silenced();
    try (DrsaeTrainer.Session session = new DrsaeTrainer(reviving(1, 1)).session(model)) {
      session.revive(p.x(), COUNT, 0);
    }
    int k = model.config().units();
    float[] lateral = model.parameter(DrsaeGradients.LATERAL);
    float[] encoder = model.parameter(DrsaeGradients.ENCODER);
    float[] decoder = model.parameter(DrsaeGradients.DECODER);
    assertThat(lateral[0]).isZero();
    for (int v = 1; v < k; v++) {
      double dot = 0;
      for (int j = 0; j < D; j++) {
        dot += decoder[j * k] * decoder[j * k + v];
      }
      assertThat(lateral[v]).as("S[0][%d]", v).isCloseTo((float) -dot, within(1e-5f));
    }
    for (int j = 0; j < D; j++) {
      assertThat(encoder[j]).isEqualTo(decoder[j * k]);
    }
    assertThat(model.parameter(DrsaeGradients.BIAS)[0]).isEqualTo(0.05f);
  }

  @Test
  void shouldReportTheUnitsRevivedAfterEachEpoch() {
    Problem p = problem(3);
    List<DrsaeTrainer.EpochInfo> epochs = new ArrayList<>();
    new DrsaeTrainer(reviving(2, 1))
        .train(silenced(), p.x(), p.labels(), TrainingListener.silent(), epochs::add);
    assertThat(epochs.get(0).revived()).isEqualTo(1);
    // The last epoch never revives: a unit revived then would never train.
    assertThat(epochs.get(2).revived()).isZero();
  }

  @Test
  void shouldLeaveASilentUnitSilentWithoutReviving() {
    Problem p = problem(3);
    List<DrsaeTrainer.EpochInfo> epochs = new ArrayList<>();
    DrsaeModel model =
        new DrsaeTrainer(reviving(0, 1))
            .train(silenced(), p.x(), p.labels(), TrainingListener.silent(), epochs::add);
    assertThat(firings(model, p, 0)).isZero();
    assertThat(epochs).allSatisfy(e -> assertThat(e.revived()).isZero());
  }

  @Test
  void shouldChangeNothingWhenReviveFindsNoSilentUnit() {
    Problem p = problem(3);
    DrsaeModel plain = train(new DrsaeTrainer(reviving(0, 1)), firing(), p);
    DrsaeModel revivingNone = train(new DrsaeTrainer(reviving(3, 1)), firing(), p);
    assertThat(revivingNone.parameters().bitEquals(plain.parameters())).isTrue();
  }

  @Test
  void shouldReviveReproduciblyForTheSameSeedAndThreads() {
    Problem p = problem(3);
    DrsaeModel a = train(new DrsaeTrainer(reviving(2, 2)), silenced(), p);
    DrsaeModel b = train(new DrsaeTrainer(reviving(2, 2)), silenced(), p);
    DrsaeModel still = train(new DrsaeTrainer(reviving(0, 2)), silenced(), p);
    assertThat(a.parameters().bitEquals(b.parameters())).isTrue();
    assertThat(a.parameters().bitEquals(still.parameters())).isFalse();
  }

  @Test
  void shouldRejectANegativeNumberOfRevivingEpochs() {
    assertThatThrownBy(() -> new DrsaeOptions(1, 1, ALPHA, 20, 0.01, 1, 1, 0, 0, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reviveEpochs");
  }
}
