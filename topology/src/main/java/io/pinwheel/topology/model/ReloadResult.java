package io.pinwheel.topology.model;

import io.pinwheel.topology.RejectReason;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link ModelRegistry} did with a model it was offered.
 *
 * @param outcome accepted, rejected or ignored
 * @param message why, in words, naming the model and its origin
 * @param reason why it was rejected: {@link RejectReason#NONE} unless rejected, else its
 *     signature's refusal or {@link RejectReason#INVALID}
 */
public record ReloadResult(Outcome outcome, String message, RejectReason reason) {

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

  /** Checks that the components are present. */
  public ReloadResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(reason, "reason");
    if ((outcome == Outcome.REJECTED) == (reason == RejectReason.NONE)) {
      throw new IllegalArgumentException(
          "a rejected result needs a reason and no other one has: " + outcome + ", " + reason);
    }
  }

  /**
   * A result with the usual reason of its outcome: {@code none}, or {@code invalid} if rejected.
   *
   * @param outcome accepted, rejected or ignored
   * @param message why, in words
   */
  public ReloadResult(Outcome outcome, String message) {
    this(outcome, message, outcome == Outcome.REJECTED ? RejectReason.INVALID : RejectReason.NONE);
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
