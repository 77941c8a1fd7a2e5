package io.pinwheel.trainer.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Summary of one finished epoch, as progress shows it; each trainer keeps its own fuller history
 * for its report.
 *
 * @param epoch the epoch just done, from 1
 * @param epochs the number of epochs of the run
 * @param phase the phase of a trainer with several ({@code joint}, {@code encoder}), or empty
 * @param loss the mean loss over the epoch's batches
 * @param terms the mean loss terms and weights that make up {@code loss}, in order
 * @param measures further figures after the epoch (held-out error, the share of signal not
 *     reconstructed), in order
 * @param seconds wall time of the epoch
 * @param residentMegabytes the process's resident memory at the epoch's end
 */
public record EpochInfo(
    int epoch,
    int epochs,
    String phase,
    double loss,
    List<Term> terms,
    List<Term> measures,
    double seconds,
    double residentMegabytes) {
  /** Copies the lists. */
  public EpochInfo {
    Objects.requireNonNull(phase, "phase");
    terms = List.copyOf(terms);
    measures = List.copyOf(measures);
  }

  /** This epoch with {@code more} measures after its own; itself when there are none. */
  public EpochInfo withMeasures(List<Term> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<Term> all = new ArrayList<>(measures);
    all.addAll(more);
    return new EpochInfo(epoch, epochs, phase, loss, terms, all, seconds, residentMegabytes);
  }

  /** The value of the term or measure called {@code name}. */
  public double value(String name) {
    for (Term t : measures) {
      if (t.name().equals(name)) {
        return t.value();
      }
    }
    return Terms.value(terms, name);
  }
}
