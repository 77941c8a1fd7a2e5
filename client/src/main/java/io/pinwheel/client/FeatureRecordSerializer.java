package io.pinwheel.client;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes {@link FeatureRecord}s in a {@link FeatureRecordFormat}. A null record is written as null
 * (a tombstone).
 *
 * <p>The no-argument constructor lets Kafka create it from a class name ({@code value.serializer});
 * the format then comes from {@value FeatureRecordSerde#FORMAT_CONFIG} (protobuf when absent).
 */
public final class FeatureRecordSerializer implements Serializer<FeatureRecord> {

  // Volatile: Kafka may configure on one thread and serialize on another.
  private volatile FeatureRecordFormat format;

  /** A protobuf serializer, unless {@link #configure(Map, boolean)} says otherwise. */
  public FeatureRecordSerializer() {
    this(FeatureRecordFormat.PROTOBUF);
  }

  /**
   * A serializer for the given format, unless {@link #configure(Map, boolean)} says otherwise.
   *
   * @param format the byte form to write
   */
  public FeatureRecordSerializer(FeatureRecordFormat format) {
    this.format = Objects.requireNonNull(format, "format");
  }

  /**
   * Returns the byte form this serializer writes.
   *
   * @return the current format
   */
  public FeatureRecordFormat format() {
    return format;
  }

  /**
   * Takes the format from {@value FeatureRecordSerde#FORMAT_CONFIG} if present.
   *
   * @throws org.apache.kafka.common.config.ConfigException if the property has an unknown value
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    format = FeatureRecordFormat.fromConfigs(configs, format);
  }

  /**
   * Encodes a record.
   *
   * @param topic ignored: the format does not depend on the topic
   * @param record the record, or null
   * @return its bytes, or null for a null record
   */
  @Override
  public byte[] serialize(String topic, FeatureRecord record) {
    if (record == null) {
      return null;
    }
    return switch (format) {
      case PROTOBUF -> ProtobufCodec.encode(record);
      case JSON -> JsonCodec.encode(record);
    };
  }
}
