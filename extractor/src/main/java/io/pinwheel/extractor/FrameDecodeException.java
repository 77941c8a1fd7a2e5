package io.pinwheel.extractor;

/**
 * Image bytes that cannot become a frame. The message says what was wrong; {@link #reason()} is a
 * small fixed set, safe to use as a metric tag or a dead-letter header.
 */
public final class FrameDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a frame was refused. */
  public enum Reason {
    /** Zero bytes. */
    EMPTY,
    /** OpenCV could not decode the bytes as any image format it knows. */
    UNDECODABLE,
    /** The image would exceed the pixel limit. */
    TOO_LARGE,
    /** The bytes end before the image does (for example a JPEG without its end marker). */
    TRUNCATED,
    /** The image or frame has a channel count or size the model cannot read. */
    WRONG_SHAPE;

    /** The lowercase name, for tags and headers. */
    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  private final Reason reason;

  /** An exception with the given reason and message. */
  public FrameDecodeException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** An exception with the given reason, message and cause. */
  public FrameDecodeException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why the frame was refused. */
  public Reason reason() {
    return reason;
  }
}
