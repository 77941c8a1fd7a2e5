package io.pinwheel.trainer.run;

import java.util.Objects;

/**
 * A named figure of a training step or epoch: a loss term, a weight, a held-out measure.
 *
 * @param name how progress lines and plots call it
 * @param value its value
 */
public record Term(String name, double value) {
  /** Validates the name. */
  public Term {
    Objects.requireNonNull(name, "name");
  }
}
