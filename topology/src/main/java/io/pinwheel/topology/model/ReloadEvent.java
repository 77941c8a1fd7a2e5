package io.pinwheel.topology.model;

import io.pinwheel.topology.model.ReloadResult.Outcome;
import java.time.Instant;
import java.util.Objects;

/**
 * One decision of a {@link ModelRegistry}, as the live page's reload timeline shows it.
 *
 * @param at when it was decided
 * @param outcome accepted, rejected or ignored
 * @param modelName the offered model's name, or null when its file could not be read
 * @param modelVersion the offered model's version, or 0 when its file could not be read
 * @param origin where the model came from: {@code topic/partition@offset}, a file, {@code
 *     built-in}, or the models topic's rollback or pin record
 * @param message why, in words (for a rejection: the reason)
 * @param trigger what asked for the decision
 */
public record ReloadEvent(
    Instant at,
    Outcome outcome,
    String modelName,
    int modelVersion,
    String origin,
    String message,
    Trigger trigger) {

  /** What asked the registry to decide. */
  public enum Trigger {
    /** A model offered by a source (the models topic, the directory, the caller). */
    OFFER,
    /** The default model offered at start-up. */
    DEFAULT,
    /** The models topic's rollout record: a rollback, a pin or an unpin. */
    ROLLOUT;

    /**
     * Returns the lowercase name, as the live page's JSON has it.
     *
     * @return {@code offer}, {@code default} or {@code rollout}
     */
    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Checks that every component but the model's name is present. */
  public ReloadEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(trigger, "trigger");
  }
}
