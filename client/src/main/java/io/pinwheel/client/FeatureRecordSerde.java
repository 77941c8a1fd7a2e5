package io.pinwheel.client;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Kafka {@link Serde} of pinwheel's features topic.
 *
 * <pre>{@code
 * KStream<String, FeatureRecord> features =
 *     builder.stream("features", Consumed.with(Serdes.String(), FeatureRecordSerde.protobuf()));
 * }</pre>
 *
 * <p>When created from a class name (as a Streams default serde), the format comes from {@value
 * #FORMAT_CONFIG}; protobuf when absent.
 */
public final class FeatureRecordSerde implements Serde<FeatureRecord> {

  /**
   * The configuration property that picks the byte form: {@code protobuf} (the default) or {@code
   * json}. Read by {@link #configure(Map, boolean)} and by the serializer's and deserializer's own
   * {@code configure}.
   */
  public static final String FORMAT_CONFIG = "pinwheel.feature.format";

  private final FeatureRecordSerializer serializer;
  private final FeatureRecordDeserializer deserializer;

  /** A protobuf serde, unless {@link #configure(Map, boolean)} says otherwise. */
  public FeatureRecordSerde() {
    this(FeatureRecordFormat.PROTOBUF);
  }

  /**
   * A serde for the given format, unless {@link #configure(Map, boolean)} says otherwise.
   *
   * @param format the byte form to write and read
   */
  public FeatureRecordSerde(FeatureRecordFormat format) {
    Objects.requireNonNull(format, "format");
    serializer = new FeatureRecordSerializer(format);
    deserializer = new FeatureRecordDeserializer(format);
  }

  /**
   * Returns a serde of the compact protobuf form, the one pinwheel writes by default.
   *
   * @return a new protobuf serde
   */
  public static FeatureRecordSerde protobuf() {
    return new FeatureRecordSerde(FeatureRecordFormat.PROTOBUF);
  }

  /**
   * Returns a serde of the JSON form.
   *
   * @return a new JSON serde
   */
  public static FeatureRecordSerde json() {
    return new FeatureRecordSerde(FeatureRecordFormat.JSON);
  }

  /**
   * Returns the byte form this serde writes and reads.
   *
   * @return the current format
   */
  public FeatureRecordFormat format() {
    return serializer.format();
  }

  /**
   * Takes the format from {@value #FORMAT_CONFIG} if present, for both directions.
   *
   * @throws org.apache.kafka.common.config.ConfigException if the property has an unknown value
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  /**
   * Returns this serde's serializer (the same instance on every call).
   *
   * @return the serializer
   */
  @Override
  public Serializer<FeatureRecord> serializer() {
    return serializer;
  }

  /**
   * Returns this serde's deserializer (the same instance on every call).
   *
   * @return the deserializer
   */
  @Override
  public Deserializer<FeatureRecord> deserializer() {
    return deserializer;
  }
}
