package io.pinwheel.topology.model;

import io.pinwheel.extractor.model.EncoderModel;
import java.time.Instant;
import java.util.Objects;

/**
 * The model a {@link ModelRegistry} serves, with where it came from. A new instance is made for
 * every swap, so readers can tell a swap happened by comparing references.
 *
 * @param model the verified, warmed-up encoder
 * @param origin where it came from, for logs: {@code topic/partition@offset}, a file path, or what
 *     the caller named it ({@code built-in}, say)
 * @param loadedAt when it started serving
 */
public record ServingModel(EncoderModel model, String origin, Instant loadedAt) {

  /** Checks that every component is present. */
  public ServingModel {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(loadedAt, "loadedAt");
  }

  /**
   * Returns the model's name.
   *
   * @return {@code model().name()}
   */
  public String name() {
    return model.name();
  }

  /**
   * Returns the model's version.
   *
   * @return {@code model().version()}
   */
  public int version() {
    return model.version();
  }

  @Override
  public String toString() {
    return model.name() + " v" + model.version() + " (from " + origin + ")";
  }
}
