package io.pinwheel.trainer.run;

import java.util.List;

/**
 * Progress after one step.
 *
 * @param epoch the current epoch, from 1
 * @param epochs the number of epochs of the run
 * @param batchInEpoch the batch just done, from 1
 * @param batchesPerEpoch batches per epoch
 * @param terms this batch's loss terms (before the step) and any other figure worth showing, in the
 *     order to show them
 * @param examplesPerSecond throughput since the epoch started
 */
public record StepInfo(
    int epoch,
    int epochs,
    int batchInEpoch,
    int batchesPerEpoch,
    List<Term> terms,
    double examplesPerSecond) {
  /** Copies the terms. */
  public StepInfo {
    terms = List.copyOf(terms);
  }

  /** The value of the term called {@code name}. */
  public double term(String name) {
    return Terms.value(terms, name);
  }
}
