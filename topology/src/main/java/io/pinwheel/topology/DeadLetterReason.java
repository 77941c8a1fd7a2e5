package io.pinwheel.topology;

import io.pinwheel.extractor.FrameDecodeException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Why the service sent a frame to the dead-letter topic. Its {@link #tag()}s are the only source of
 * the reason strings: the value of the {@code pinwheel.error.reason} header on a dead letter, the
 * {@code reason} tag of the {@code pinwheel.frames.dead.letter} counter, and the list in the README
 * (a test checks that list against this type).
 *
 * <p>The first five are the decoder's refusals, one for each {@link FrameDecodeException.Reason},
 * whose tags they take: the extractor names them without knowing about dead letters, and {@link
 * #of(FrameDecodeException.Reason)} maps each to its constant here, so a reason added to the
 * extractor fails this module's build until it has one. The last two are the service's own.
 */
public enum DeadLetterReason {
  /** Zero bytes. */
  EMPTY(FrameDecodeException.Reason.EMPTY),
  /** Bytes OpenCV cannot decode as any image format it knows. */
  UNDECODABLE(FrameDecodeException.Reason.UNDECODABLE),
  /** An image cut short, such as a JPEG without its end marker. */
  TRUNCATED(FrameDecodeException.Reason.TRUNCATED),
  /** Over the decoder's byte or pixel limit. */
  TOO_LARGE(FrameDecodeException.Reason.TOO_LARGE),
  /** A channel count or size the serving model cannot read. */
  WRONG_SHAPE(FrameDecodeException.Reason.WRONG_SHAPE),
  /** The model failed on a frame that decoded, or its code could not become a feature record. */
  ENCODE_ERROR,
  /** An unexpected failure outside the encoder, such as in the decoder or the serializer. */
  INTERNAL;

  private static final Map<String, DeadLetterReason> BY_TAG = new HashMap<>();

  static {
    for (DeadLetterReason r : values()) {
      BY_TAG.put(r.tag, r);
    }
  }

  private final String tag;

  DeadLetterReason(FrameDecodeException.Reason decoderReason) {
    this.tag = decoderReason.tag();
  }

  DeadLetterReason() {
    // The extractor's rule for its tags, so that every tag reads alike.
    this.tag = name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Returns the reason's text, as headers, metrics and docs spell it.
   *
   * @return lower case words joined by '-', such as {@code too-large}
   */
  public String tag() {
    return tag;
  }

  /**
   * Returns the dead-letter reason of a frame the decoder or encoder refused.
   *
   * @param reason the extractor's reason
   * @return the constant with the same tag
   */
  public static DeadLetterReason of(FrameDecodeException.Reason reason) {
    // A switch over every constant without a default: a new extractor reason fails to compile here.
    return switch (reason) {
      case EMPTY -> EMPTY;
      case UNDECODABLE -> UNDECODABLE;
      case TRUNCATED -> TRUNCATED;
      case TOO_LARGE -> TOO_LARGE;
      case WRONG_SHAPE -> WRONG_SHAPE;
    };
  }

  /**
   * Returns the reason a tag names, for readers of headers; looks up a map, allocating nothing.
   *
   * @param tag a header or tag value; may be null
   * @return the reason, or null when {@code tag} names none
   */
  public static DeadLetterReason fromTag(String tag) {
    return tag == null ? null : BY_TAG.get(tag);
  }
}
