package io.pinwheel.topology.model;

/**
 * Where the stream threads get the model to encode with. The topology reads {@link #current()} once
 * per record; when it returns another instance than before, the thread switches to it before
 * encoding that record.
 */
@FunctionalInterface
public interface EncoderSource {

  /**
   * Returns the model to encode the next record with.
   *
   * <p>Called on every record from every stream thread: it must be cheap (a volatile read) and
   * thread-safe.
   *
   * @return the serving model; the same instance until the model changes
   * @throws IllegalStateException if no model has been loaded yet
   */
  ServingModel current();
}
