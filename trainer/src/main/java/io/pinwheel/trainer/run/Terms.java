package io.pinwheel.trainer.run;

import java.util.List;

/** Looking terms up by name. */
final class Terms {
  private Terms() {}

  static double value(List<Term> terms, String name) {
    for (Term t : terms) {
      if (t.name().equals(name)) {
        return t.value();
      }
    }
    throw new IllegalArgumentException("no term " + name + " in " + terms);
  }
}
