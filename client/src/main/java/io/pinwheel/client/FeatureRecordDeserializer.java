package io.pinwheel.client;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads {@link FeatureRecord}s written in a {@link FeatureRecordFormat}. Null bytes (a tombstone)
 * read as null.
 *
 * <p>Bytes that are not a valid record in the configured format raise a {@link
 * SerializationException} whose message names the problem, and nothing else: a consumer's or
 * Streams application's deserialization-error handling sees one exception type. Protobuf has no
 * magic number, so some random byte strings do parse as a (valid, mostly empty) record; the
 * schema's rules (a non-empty shape, ascending indices in range, as many values as indices) reject
 * most garbage.
 *
 * <p>The no-argument constructor lets Kafka create it from a class name ({@code
 * value.deserializer}); the format then comes from {@value FeatureRecordSerde#FORMAT_CONFIG}
 * (protobuf when absent).
 */
public final class FeatureRecordDeserializer implements Deserializer<FeatureRecord> {

  // Volatile: Kafka may configure on one thread and deserialize on another.
  private volatile FeatureRecordFormat format;

  /** A protobuf deserializer, unless {@link #configure(Map, boolean)} says otherwise. */
  public FeatureRecordDeserializer() {
    this(FeatureRecordFormat.PROTOBUF);
  }

  /**
   * A deserializer for the given format, unless {@link #configure(Map, boolean)} says otherwise.
   *
   * @param format the byte form to read
   */
  public FeatureRecordDeserializer(FeatureRecordFormat format) {
    this.format = Objects.requireNonNull(format, "format");
  }

  /**
   * Returns the byte form this deserializer reads.
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
   * Decodes a record.
   *
   * @param topic ignored: the format does not depend on the topic
   * @param data the bytes, or null
   * @return the validated record, or null for null bytes
   * @throws SerializationException if the bytes are not a valid record in this format
   */
  @Override
  public FeatureRecord deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    FeatureRecordFormat f = format;
    try {
      return switch (f) {
        case PROTOBUF -> ProtobufCodec.decode(data);
        case JSON -> JsonCodec.decode(data);
      };
    } catch (SerializationException e) {
      throw e;
    } catch (RuntimeException e) {
      // The codecs check what they read; this is the last line that keeps the promise of a single
      // exception type should a parser fail in a way they do not foresee.
      throw new SerializationException(
          "could not read a " + f.configValue() + " FeatureRecord: " + e, e);
    }
  }
}
