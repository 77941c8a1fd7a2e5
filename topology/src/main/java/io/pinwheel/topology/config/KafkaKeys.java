package io.pinwheel.topology.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What Kafka itself defines about the keys the service passes through: their types and validators,
 * for checking a value before a client is built, and which of them hold secrets.
 */
final class KafkaKeys {
  /** Client prefixes Kafka Streams understands, and the definitions of the keys they carry. */
  private static final Map<String, ConfigDef> PREFIXES = clientPrefixes();

  /** Keys of no prefix: Streams' own and every client's. */
  private static final List<ConfigDef> UNPREFIXED =
      List.of(
          StreamsConfig.configDef(),
          ConsumerConfig.configDef(),
          ProducerConfig.configDef(),
          AdminClientConfig.configDef());

  private KafkaKeys() {}

  /**
   * Type-checks a passthrough value against the definition Kafka has for its key, so that a bad
   * value is reported with the others instead of failing later when a client is built. Keys Kafka
   * does not define pass unchecked (Kafka warns about them itself).
   *
   * @return what is wrong with the value, or null when nothing is
   */
  static String valueError(String key, String value) {
    ConfigDef.ConfigKey def = null;
    String name = key;
    for (Map.Entry<String, ConfigDef> e : PREFIXES.entrySet()) {
      if (key.startsWith(e.getKey())) {
        name = key.substring(e.getKey().length());
        def = e.getValue().configKeys().get(name);
        break;
      }
    }
    if (name.equals(key)) {
      for (ConfigDef d : UNPREFIXED) {
        def = d.configKeys().get(key);
        if (def != null) {
          break;
        }
      }
    }
    if (def == null) {
      return null;
    }
    try {
      Object parsed = ConfigDef.parseType(name, value, def.type);
      if (def.validator != null) {
        def.validator.ensureValid(name, parsed);
      }
      return null;
    } catch (ConfigException | IllegalArgumentException e) {
      String message = e.getMessage();
      return message == null ? "invalid value " + ConfigValidator.quote(value) : message;
    }
  }

  /** Whether the value of {@code key} must not appear in logs: passwords and JAAS settings. */
  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.contains("password") || k.contains("jaas") || k.contains("secret")) {
      return true;
    }
    for (ConfigDef d : UNPREFIXED) {
      ConfigDef.ConfigKey def = d.configKeys().get(key);
      if (def != null && def.type == ConfigDef.Type.PASSWORD) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, ConfigDef> clientPrefixes() {
    // Longest first: "main.consumer." must win over "consumer.".
    Map<String, ConfigDef> m = new LinkedHashMap<>();
    m.put(StreamsConfig.MAIN_CONSUMER_PREFIX, ConsumerConfig.configDef());
    m.put(StreamsConfig.RESTORE_CONSUMER_PREFIX, ConsumerConfig.configDef());
    m.put(StreamsConfig.GLOBAL_CONSUMER_PREFIX, ConsumerConfig.configDef());
    m.put(StreamsConfig.CONSUMER_PREFIX, ConsumerConfig.configDef());
    m.put(StreamsConfig.PRODUCER_PREFIX, ProducerConfig.configDef());
    m.put(StreamsConfig.ADMIN_CLIENT_PREFIX, AdminClientConfig.configDef());
    // "topic." keys (internal topics' configs) have no client-side definition: they pass unchecked.
    m.put(StreamsConfig.TOPIC_PREFIX, new ConfigDef());
    return m;
  }
}
