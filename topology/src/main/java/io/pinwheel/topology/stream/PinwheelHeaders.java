package io.pinwheel.topology.stream;

/**
 * The record headers the topology reads and writes. The values of {@link #ERROR_REASON} are {@link
 * io.pinwheel.topology.DeadLetterReason}'s.
 *
 * <p>Header values are UTF-8 text; numbers are in decimal.
 */
public final class PinwheelHeaders {
  private PinwheelHeaders() {}

  /**
   * Input header: the producer's id of the frame (UTF-8), copied into the feature record's {@code
   * frameId}. When it is absent or empty the id is {@code topic/partition/offset} of the input
   * record, which is unique and stable across reprocessing.
   */
  public static final String FRAME_ID = "frame-id";

  /**
   * Header set on feature records: {@value #PROTOBUF_CONTENT_TYPE} or {@value #JSON_CONTENT_TYPE}.
   * An input {@code content-type} (the image's) is replaced, not copied.
   */
  public static final String CONTENT_TYPE = "content-type";

  /** {@link #CONTENT_TYPE} of protobuf feature records. */
  public static final String PROTOBUF_CONTENT_TYPE =
      "application/x-protobuf; messageType=pinwheel.v1.FeatureRecord";

  /** {@link #CONTENT_TYPE} of JSON feature records. */
  public static final String JSON_CONTENT_TYPE = "application/json";

  /**
   * Dead-letter header: why the frame was refused, a {@link
   * io.pinwheel.topology.DeadLetterReason#tag()}.
   */
  public static final String ERROR_REASON = "pinwheel.error.reason";

  /** Dead-letter header: the class name of the exception that refused the frame. */
  public static final String ERROR_CLASS = "pinwheel.error.class";

  /** Dead-letter header: the exception's message, at most {@value #MAX_MESSAGE_CHARS} chars. */
  public static final String ERROR_MESSAGE = "pinwheel.error.message";

  /** Dead-letter header: the topic the frame was read from. */
  public static final String SOURCE_TOPIC = "pinwheel.source.topic";

  /** Dead-letter header: the partition the frame was read from. */
  public static final String SOURCE_PARTITION = "pinwheel.source.partition";

  /** Dead-letter header: the offset the frame was read from. */
  public static final String SOURCE_OFFSET = "pinwheel.source.offset";

  /** Prefix of every header pinwheel writes on dead letters, removed from frames it re-reads. */
  public static final String ERROR_PREFIX = "pinwheel.error.";

  /** Prefix of the source headers pinwheel writes on dead letters. */
  public static final String SOURCE_PREFIX = "pinwheel.source.";

  /** The longest {@link #ERROR_MESSAGE} written; longer messages are cut. */
  public static final int MAX_MESSAGE_CHARS = 1000;
}
