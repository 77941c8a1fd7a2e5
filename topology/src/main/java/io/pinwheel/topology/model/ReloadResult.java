package io.pinwheel.topology.model;

import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link ModelRegistry} did with a model it was offered.
 *
 * @param outcome accepted, rejected or ignored
 * @param message why, in words, naming the model and its origin
 * @param reason why, as a metric tag: {@code none} unless rejected; a rejected model is {@code
 *     unsigned}, {@code untrusted-key} or {@code bad-signature} when its signature failed ({@link
 *     io.pinwheel.extractor.model.ModelSignatures}), else {@code invalid}
 */
public record ReloadResult(Outcome outcome, String message, String reason) {

  /** The reason of a model that was not rejected. */
  public static final String NONE = "none";

  /** The reason of a model rejected for anything but its signature. */
  public static final String INVALID = "invalid";

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
  }

  /**
   * A result with the usual reason of its outcome: {@code none}, or {@code invalid} if rejected.
   *
   * @param outcome accepted, rejected or ignored
   * @param message why, in words
   */
  public ReloadResult(Outcome outcome, String message) {
    this(outcome, message, outcome == Outcome.REJECTED ? INVALID : NONE);
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
