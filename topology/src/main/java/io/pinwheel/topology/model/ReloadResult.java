package io.pinwheel.topology.model;

import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link ModelRegistry} did with a model it was offered.
 *
 * @param outcome accepted, rejected or ignored
 * @param message why, in words, naming the model and its origin
 */
public record ReloadResult(Outcome outcome, String message) {

  /** What became of an offered model. */
  public enum Outcome {
    /** Verified, warmed up and now serving. */
    ACCEPTED,
    /** Failed verification or warm-up, or reads another input; the old model keeps serving. */
    REJECTED,
    /** Valid but not newer than the serving model (or offered as a default too late). */
    IGNORED;

    /**
     * Returns the lowercase name, used as the metric tag.
     *
     * @return {@code accepted}, {@code rejected} or {@code ignored}
     */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Checks that both components are present. */
  public ReloadResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
  }

  /**
   * Tells whether the offered model now serves.
   *
   * @return true for {@link Outcome#ACCEPTED}
   */
  public boolean accepted() {
    return outcome == Outcome.ACCEPTED;
  }

  @Override
  public String toString() {
    return outcome.tag() + ": " + message;
  }
}
