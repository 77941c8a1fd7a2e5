package io.pinwheel.client;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The {@link FeatureRecordFormat#PROTOBUF} form: maps records to and from the generated message.
 */
final class ProtobufCodec {

  // Field numbers, from the generated message.
  private static final int FRAME_ID = io.pinwheel.client.proto.FeatureRecord.FRAME_ID_FIELD_NUMBER;
  private static final int SOURCE_TIMESTAMP =
      io.pinwheel.client.proto.FeatureRecord.SOURCE_TIMESTAMP_MS_FIELD_NUMBER;
  private static final int MODEL_NAME =
      io.pinwheel.client.proto.FeatureRecord.MODEL_NAME_FIELD_NUMBER;
  private static final int MODEL_VERSION =
      io.pinwheel.client.proto.FeatureRecord.MODEL_VERSION_FIELD_NUMBER;
  private static final int SHAPE = io.pinwheel.client.proto.FeatureRecord.SHAPE_FIELD_NUMBER;
  private static final int INDEX_DELTAS =
      io.pinwheel.client.proto.FeatureRecord.INDEX_DELTAS_FIELD_NUMBER;
  private static final int VALUES = io.pinwheel.client.proto.FeatureRecord.VALUES_FIELD_NUMBER;
  private static final int SCORES = io.pinwheel.client.proto.FeatureRecord.SCORES_FIELD_NUMBER;
  private static final int LABEL = io.pinwheel.client.proto.FeatureRecord.LABEL_FIELD_NUMBER;
  private static final int PRODUCED_TIMESTAMP =
      io.pinwheel.client.proto.FeatureRecord.PRODUCED_TIMESTAMP_MS_FIELD_NUMBER;

  private ProtobufCodec() {}

  /**
   * Writes the message with {@link CodedOutputStream} straight from the record's arrays, in field
   * order and with proto3's defaults left out, which is byte for byte what the generated builder
   * writes. The builder adds a few thousand packed elements one call at a time, and that was an
   * eighth of a stream thread's time at a few hundred frames per second.
   */
  static byte[] encode(FeatureRecord record) {
    String frameId = record.frameId();
    String modelName = record.modelName();
    String label = record.label();
    int[] shape = record.sharedShape();
    int[] indices = record.sharedIndices();
    float[] values = record.sharedValues();
    float[] scores = record.sharedScores();
    int shapeBytes = 0;
    for (int d : shape) {
      shapeBytes += CodedOutputStream.computeInt32SizeNoTag(d);
    }
    int deltaBytes = 0;
    int previous = 0;
    for (int index : indices) {
      // The first delta is the index itself: previous starts at 0.
      deltaBytes += CodedOutputStream.computeUInt32SizeNoTag(index - previous);
      previous = index;
    }
    int size = 0;
    if (!frameId.isEmpty()) {
      size += CodedOutputStream.computeStringSize(FRAME_ID, frameId);
    }
    if (record.sourceTimestampMs() != 0) {
      size += CodedOutputStream.computeInt64Size(SOURCE_TIMESTAMP, record.sourceTimestampMs());
    }
    if (!modelName.isEmpty()) {
      size += CodedOutputStream.computeStringSize(MODEL_NAME, modelName);
    }
    if (record.modelVersion() != 0) {
      size += CodedOutputStream.computeInt32Size(MODEL_VERSION, record.modelVersion());
    }
    size += packedSize(SHAPE, shapeBytes);
    size += packedSize(INDEX_DELTAS, deltaBytes);
    size += packedSize(VALUES, Float.BYTES * values.length);
    size += packedSize(SCORES, Float.BYTES * scores.length);
    if (!label.isEmpty()) {
      size += CodedOutputStream.computeStringSize(LABEL, label);
    }
    if (record.producedTimestampMs() != 0) {
      size += CodedOutputStream.computeInt64Size(PRODUCED_TIMESTAMP, record.producedTimestampMs());
    }
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      if (!frameId.isEmpty()) {
        o.writeString(FRAME_ID, frameId);
      }
      if (record.sourceTimestampMs() != 0) {
        o.writeInt64(SOURCE_TIMESTAMP, record.sourceTimestampMs());
      }
      if (!modelName.isEmpty()) {
        o.writeString(MODEL_NAME, modelName);
      }
      if (record.modelVersion() != 0) {
        o.writeInt32(MODEL_VERSION, record.modelVersion());
      }
      if (packedHeader(o, SHAPE, shapeBytes)) {
        for (int d : shape) {
          o.writeInt32NoTag(d);
        }
      }
      if (packedHeader(o, INDEX_DELTAS, deltaBytes)) {
        previous = 0;
        for (int index : indices) {
          o.writeUInt32NoTag(index - previous);
          previous = index;
        }
      }
      if (packedHeader(o, VALUES, Float.BYTES * values.length)) {
        for (float v : values) {
          o.writeFloatNoTag(v);
        }
      }
      if (packedHeader(o, SCORES, Float.BYTES * scores.length)) {
        for (float v : scores) {
          o.writeFloatNoTag(v);
        }
      }
      if (!label.isEmpty()) {
        o.writeString(LABEL, label);
      }
      if (record.producedTimestampMs() != 0) {
        o.writeInt64(PRODUCED_TIMESTAMP, record.producedTimestampMs());
      }
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      // Only a miscounted size can get here: the array is exactly as long as the message.
      throw new IllegalStateException("protobuf FeatureRecord size miscounted", e);
    }
    return out;
  }

  /** The bytes of a packed repeated field whose elements take {@code payload} bytes; 0 if empty. */
  private static int packedSize(int field, int payload) {
    return payload == 0
        ? 0
        : CodedOutputStream.computeTagSize(field)
            + CodedOutputStream.computeUInt32SizeNoTag(payload)
            + payload;
  }

  /** Writes a packed field's tag and length unless it is empty; whether there are elements. */
  private static boolean packedHeader(CodedOutputStream o, int field, int payload)
      throws IOException {
    if (payload == 0) {
      return false;
    }
    o.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    o.writeUInt32NoTag(payload);
    return true;
  }

  static FeatureRecord decode(byte[] data) {
    io.pinwheel.client.proto.FeatureRecord m;
    try {
      m = io.pinwheel.client.proto.FeatureRecord.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw new SerializationException(
          "not a protobuf pinwheel.v1.FeatureRecord (" + data.length + " bytes): " + e.getMessage(),
          e);
    }
    int nnz = m.getIndexDeltasCount();
    if (nnz != m.getValuesCount()) {
      throw new SerializationException(
          "invalid protobuf FeatureRecord: index_deltas and values differ in length: "
              + nnz
              + " vs "
              + m.getValuesCount());
    }
    int[] indices = new int[nnz];
    long index = 0;
    for (int i = 0; i < nnz; i++) {
      // uint32 on the wire: a Java int holds it as a two's-complement bit pattern.
      long delta = Integer.toUnsignedLong(m.getIndexDeltas(i));
      if (i > 0 && delta == 0) {
        throw new SerializationException(
            "invalid protobuf FeatureRecord: index_deltas["
                + i
                + "] is 0, but indices must be strictly ascending");
      }
      index += delta;
      if (index > Integer.MAX_VALUE) {
        throw new SerializationException(
            "invalid protobuf FeatureRecord: index_deltas add up past the int range at " + i);
      }
      indices[i] = (int) index;
    }
    int[] shape = new int[m.getShapeCount()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = m.getShape(i);
    }
    float[] values = new float[nnz];
    for (int i = 0; i < nnz; i++) {
      values[i] = m.getValues(i);
    }
    float[] scores = new float[m.getScoresCount()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = m.getScores(i);
    }
    try {
      return new FeatureRecord(
          m.getFrameId(),
          m.getSourceTimestampMs(),
          m.getModelName(),
          m.getModelVersion(),
          shape,
          indices,
          values,
          scores,
          m.getLabel(),
          m.getProducedTimestampMs());
    } catch (IllegalArgumentException e) {
      throw new SerializationException("invalid protobuf FeatureRecord: " + e.getMessage(), e);
    }
  }
}
