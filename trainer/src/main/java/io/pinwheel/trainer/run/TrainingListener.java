package io.pinwheel.trainer.run;

import java.util.List;
import java.util.function.Function;

/** What a training run reports while it works: every trainer calls the same two methods. */
public interface TrainingListener {
  /** After every gradient step. */
  void onStep(StepInfo step);

  /** After every epoch. */
  default void onEpoch(EpochInfo epoch) {}

  /**
   * This listener, with the measures {@code more} gives for each epoch added to what it is told
   * after that epoch (a job's held-out figures, say, on the trainer's progress line).
   */
  default TrainingListener withEpochMeasures(Function<EpochInfo, List<Term>> more) {
    TrainingListener self = this;
    return new TrainingListener() {
      @Override
      public void onStep(StepInfo step) {
        self.onStep(step);
      }

      @Override
      public void onEpoch(EpochInfo epoch) {
        self.onEpoch(epoch.withMeasures(more.apply(epoch)));
      }
    };
  }

  /** A listener that ignores everything. */
  static TrainingListener silent() {
    return step -> {};
  }
}
