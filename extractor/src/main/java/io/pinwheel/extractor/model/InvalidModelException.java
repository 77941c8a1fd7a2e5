package io.pinwheel.extractor.model;

/** An encoder file that cannot be loaded; the message names the file and the problem. */
public final class InvalidModelException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An exception with the given message. */
  public InvalidModelException(String message) {
    super(message);
  }

  /** An exception with the given message and cause. */
  public InvalidModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
