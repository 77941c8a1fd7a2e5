package io.pinwheel.topology.model;

import io.pinwheel.extractor.model.EncoderModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ModelRegistry} remembers to roll back and pin without reading the topic again: the
 * models it accepted, in order (at most {@value #ACCEPTED_KEPT}), every valid model it was offered
 * (at most {@value #KNOWN_KEPT}, the oldest forgotten first), and the default model it falls back
 * to when nothing else may serve. Not thread-safe: the registry guards it.
 */
final class ModelHistory {
  /** How far back a chain of rollbacks reaches. */
  static final int ACCEPTED_KEPT = 16;

  /** How many offered models are kept for pinning. */
  static final int KNOWN_KEPT = 32;

  /** A verified model of the serving input, with where it came from. */
  record Candidate(EncoderModel model, String origin) {
    Candidate {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(origin, "origin");
    }

    ModelKey key() {
      return ModelKey.of(model);
    }
  }

  private final List<Candidate> accepted = new ArrayList<>();
  private final Map<ModelKey, Candidate> known =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ModelKey, Candidate> eldest) {
          return size() > KNOWN_KEPT;
        }
      };
  private Candidate fallback;

  /** Keeps {@code c} for a later pin. */
  void remember(Candidate c) {
    known.remove(c.key());
    known.put(c.key(), c);
  }

  /** Appends {@code c} to the models accepted, after forgetting an earlier entry of its key. */
  void accept(Candidate c) {
    remember(c);
    accepted.removeIf(a -> a.key().equals(c.key()));
    accepted.add(c);
    if (accepted.size() > ACCEPTED_KEPT) {
      accepted.remove(0);
    }
  }

  /** Forgets that {@code key} was accepted (its warm-up failed when it was to serve again). */
  void unaccept(ModelKey key) {
    accepted.removeIf(a -> a.key().equals(key));
  }

  void setFallback(Candidate c) {
    fallback = c;
  }

  Optional<Candidate> fallback() {
    return Optional.ofNullable(fallback);
  }

  Optional<Candidate> known(ModelKey key) {
    return Optional.ofNullable(known.get(key));
  }

  /** The newest accepted model that is not withdrawn, if any. */
  Optional<Candidate> newestAccepted(RolloutState rollout) {
    for (int i = accepted.size() - 1; i >= 0; i--) {
      if (!rollout.isWithdrawn(accepted.get(i).key())) {
        return Optional.of(accepted.get(i));
      }
    }
    return Optional.empty();
  }

  /**
   * What should serve: the pinned model when it is known, else the newest accepted one not
   * withdrawn, else the fallback.
   */
  Optional<Candidate> target(RolloutState rollout) {
    Optional<Candidate> pinned = rollout.pin().flatMap(this::known);
    if (pinned.isPresent()) {
      return pinned;
    }
    Optional<Candidate> newest = newestAccepted(rollout);
    return newest.isPresent() ? newest : fallback();
  }
}
