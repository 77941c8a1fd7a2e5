package io.pinwheel.client;

import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The {@link FeatureRecordFormat#PROTOBUF} form: maps records to and from the generated message.
 */
final class ProtobufCodec {

  private ProtobufCodec() {}

  static byte[] encode(FeatureRecord record) {
    io.pinwheel.client.proto.FeatureRecord.Builder b =
        io.pinwheel.client.proto.FeatureRecord.newBuilder()
            .setFrameId(record.frameId())
            .setSourceTimestampMs(record.sourceTimestampMs())
            .setModelName(record.modelName())
            .setModelVersion(record.modelVersion())
            .setLabel(record.label())
            .setProducedTimestampMs(record.producedTimestampMs());
    for (int d : record.shape()) {
      b.addShape(d);
    }
    int previous = 0;
    for (int index : record.indices()) {
      // The first delta is the index itself: previous starts at 0.
      b.addIndexDeltas(index - previous);
      previous = index;
    }
    for (float v : record.values()) {
      b.addValues(v);
    }
    for (float s : record.scores()) {
      b.addScores(s);
    }
    return b.build().toByteArray();
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
