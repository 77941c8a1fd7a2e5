package io.pinwheel.trainer.run;

/** What a training run reports while it works: every trainer calls the same two methods. */
public interface TrainingListener {
  /** After every gradient step. */
  void onStep(StepInfo step);

  /** After every epoch. */
  default void onEpoch(EpochInfo epoch) {}

  /** A listener that ignores everything. */
  static TrainingListener silent() {
    return step -> {};
  }
}
