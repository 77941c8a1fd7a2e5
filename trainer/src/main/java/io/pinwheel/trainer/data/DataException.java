package io.pinwheel.trainer.data;

/**
 * A data set that cannot be read: a missing or malformed file, a folder with nothing decodable in
 * it. The message names the file or folder and, where there is one, what to do about it.
 */
public final class DataException extends Exception {
  private static final long serialVersionUID = 1L;

  /** An exception with the given message. */
  public DataException(String message) {
    super(message);
  }

  /** An exception with the given message and cause. */
  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
