package io.pinwheel.client;

import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The byte forms of a {@link FeatureRecord} on a topic. Both carry the same fields; see {@code
 * docs/feature-record.md}.
 */
public enum FeatureRecordFormat {
  /**
   * The {@code pinwheel.v1.FeatureRecord} protobuf message ({@code pinwheel/feature_record.proto}):
   * compact, about 5-6 bytes per non-zero. The default.
   */
  PROTOBUF("protobuf"),

  /**
   * A UTF-8 JSON object with the record's components under their Java names ({@code frameId},
   * {@code sourceTimestampMs}, {@code modelName}, {@code modelVersion}, {@code shape}, {@code
   * indices}, {@code values}, {@code scores}, {@code label}, {@code producedTimestampMs}); indices
   * are absolute, not delta-encoded. For tools and languages without protobuf.
   */
  JSON("json");

  private final String configValue;

  FeatureRecordFormat(String configValue) {
    this.configValue = configValue;
  }

  /**
   * Returns the name used for this format in the {@value FeatureRecordSerde#FORMAT_CONFIG}
   * property.
   *
   * @return {@code protobuf} or {@code json}
   */
  public String configValue() {
    return configValue;
  }

  /**
   * Parses a {@value FeatureRecordSerde#FORMAT_CONFIG} value, ignoring case and surrounding blanks.
   *
   * @param value {@code protobuf} or {@code json}
   * @return the format
   * @throws ConfigException if the value is neither
   */
  public static FeatureRecordFormat parse(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    for (FeatureRecordFormat f : values()) {
      if (f.configValue.equals(v)) {
        return f;
      }
    }
    throw new ConfigException(
        FeatureRecordSerde.FORMAT_CONFIG, value, "expected \"protobuf\" or \"json\"");
  }

  /**
   * Reads the {@value FeatureRecordSerde#FORMAT_CONFIG} property from Kafka client or Streams
   * configs.
   *
   * @param configs the configs a serializer, deserializer or serde was given
   * @param fallback the format to keep when the property is absent
   * @return the configured format, or {@code fallback}
   * @throws ConfigException if the property is neither a format name nor a {@link
   *     FeatureRecordFormat}
   */
  static FeatureRecordFormat fromConfigs(Map<String, ?> configs, FeatureRecordFormat fallback) {
    Object value = configs.get(FeatureRecordSerde.FORMAT_CONFIG);
    if (value == null) {
      return fallback;
    }
    if (value instanceof FeatureRecordFormat f) {
      return f;
    }
    if (value instanceof String s) {
      return parse(s);
    }
    throw new ConfigException(
        FeatureRecordSerde.FORMAT_CONFIG, value, "expected \"protobuf\" or \"json\"");
  }
}
