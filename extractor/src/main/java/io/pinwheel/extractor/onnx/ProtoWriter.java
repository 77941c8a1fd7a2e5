package io.pinwheel.extractor.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Protocol-buffer wire format, for writing: varints, length-delimited fields and packed repeated
 * numbers. Only what ONNX's messages use. A nested message is written into its own writer and then
 * added with {@link #message}, which prefixes its length.
 */
final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int FIXED32 = 5;
  private static final int LENGTH_DELIMITED = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** An int64, int32 or enum field (negative values take ten bytes, as protobuf does). */
  ProtoWriter int64(int field, long value) {
    tag(field, VARINT);
    varint(value);
    return this;
  }

  /** A float field. */
  ProtoWriter float32(int field, float value) {
    tag(field, FIXED32);
    fixed32(Float.floatToRawIntBits(value));
    return this;
  }

  /** A string field, UTF-8. */
  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A bytes field. */
  ProtoWriter bytes(int field, byte[] value) {
    tag(field, LENGTH_DELIMITED);
    varint(value.length);
    out.writeBytes(value);
    return this;
  }

  /** An embedded message field. */
  ProtoWriter message(int field, ProtoWriter message) {
    return bytes(field, message.toByteArray());
  }

  /**
   * A repeated int64 field, one tag per value: ONNX's schema is proto2, whose repeated numbers are
   * not packed unless declared so (parsers accept both).
   */
  ProtoWriter repeatedInt64(int field, long[] values) {
    for (long v : values) {
      int64(field, v);
    }
    return this;
  }

  /** What has been written. */
  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    varint(((long) field << 3) | wireType);
  }

  private void varint(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private void fixed32(int bits) {
    out.write(bits);
    out.write(bits >>> 8);
    out.write(bits >>> 16);
    out.write(bits >>> 24);
  }
}
