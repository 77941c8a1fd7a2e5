package io.pinwheel.trainer.eval;

/**
 * Where a long evaluation is: told at the start of each step (encoding a split, fitting one probe
 * setting, scoring one invariance case), so a command can show progress instead of nothing for
 * minutes.
 */
@FunctionalInterface
public interface EvalProgress {
  /** Says nothing. */
  EvalProgress NONE = (step, done, total) -> {};

  /**
   * A step begins.
   *
   * @param step what is being done, for people
   * @param done steps finished so far in this evaluation
   * @param total steps the evaluation will take (it may grow when baselines come from the cache)
   */
  void step(String step, int done, int total);
}
