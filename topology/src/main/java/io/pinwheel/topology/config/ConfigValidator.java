package io.pinwheel.topology.config;

import static io.pinwheel.topology.config.PinwheelConfig.APPLICATION_ID;
import static io.pinwheel.topology.config.PinwheelConfig.BOOTSTRAP_SERVERS;
import static io.pinwheel.topology.config.PinwheelConfig.COMMIT_INTERVAL_MS;
import static io.pinwheel.topology.config.PinwheelConfig.DEAD_LETTER_TOPIC;
import static io.pinwheel.topology.config.PinwheelConfig.DECODER_MAX_BYTES;
import static io.pinwheel.topology.config.PinwheelConfig.DECODER_MAX_PIXELS;
import static io.pinwheel.topology.config.PinwheelConfig.FEATURES_TOPIC;
import static io.pinwheel.topology.config.PinwheelConfig.FRAMES_TOPIC;
import static io.pinwheel.topology.config.PinwheelConfig.MODELS_DIR_POLL_INTERVAL_MS;
import static io.pinwheel.topology.config.PinwheelConfig.MODELS_TOPIC;
import static io.pinwheel.topology.config.PinwheelConfig.NUM_STREAM_THREADS;
import static io.pinwheel.topology.config.PinwheelConfig.PROCESSING_GUARANTEE;

import io.pinwheel.topology.config.PinwheelConfigException.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Checks the ranges and relations of configuration values, one concern a method, collecting every
 * problem instead of stopping at the first. {@link PinwheelConfig}'s constructor runs every check,
 * so a configuration built in code is held to the same rules, with the same messages, as one read
 * from a file.
 */
final class ConfigValidator {
  /** The smallest directory poll interval: anything shorter is a busy loop over a directory. */
  static final long MIN_POLL_INTERVAL_MS = 100;

  /** Kafka's own rule for topic names; the application id becomes part of such names. */
  private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[a-zA-Z0-9._-]+):([0-9]{1,5})");

  private final List<Problem> problems = new ArrayList<>();

  /** Every problem found so far, at most once per key and message. */
  List<Problem> problems() {
    return problems;
  }

  ConfigValidator applicationId(String applicationId) {
    if (!isTopicLike(applicationId)) {
      add(
          APPLICATION_ID,
          "must be 1-249 letters, digits, '.', '_' or '-' (it names consumer groups and"
              + " transactional ids), got "
              + quote(applicationId));
    }
    return this;
  }

  ConfigValidator bootstrapServers(String bootstrapServers) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      add(BOOTSTRAP_SERVERS, "is required: the Kafka brokers as host:port[,host:port...]");
      return this;
    }
    for (String address : bootstrapServers.split(",", -1)) {
      if (!isHostPort(address.strip())) {
        add(
            BOOTSTRAP_SERVERS,
            "each address must be host:port with a port in [1, 65535], got "
                + quote(address.strip()));
      }
    }
    return this;
  }

  /** Each topic a valid name, and no two keys naming the same topic. */
  ConfigValidator topics(String frames, String features, String deadLetter, String models) {
    Map<String, String> topics = new LinkedHashMap<>();
    topics.put(FRAMES_TOPIC, frames);
    topics.put(FEATURES_TOPIC, features);
    topics.put(DEAD_LETTER_TOPIC, deadLetter);
    topics.put(MODELS_TOPIC, models);
    Map<String, String> keyOfTopic = new LinkedHashMap<>();
    topics.forEach(
        (key, topic) -> {
          if (!isTopicLike(topic) || topic.equals(".") || topic.equals("..")) {
            add(
                key,
                "must be a Kafka topic name (1-249 letters, digits, '.', '_' or '-'), got "
                    + quote(topic));
            return;
          }
          String other = keyOfTopic.putIfAbsent(topic, key);
          if (other != null) {
            add(key, "names the same topic as " + other + " (" + topic + ")");
          }
        });
    return this;
  }

  ConfigValidator modelsDirPollInterval(Duration interval) {
    if (interval.toMillis() < MIN_POLL_INTERVAL_MS) {
      add(
          MODELS_DIR_POLL_INTERVAL_MS,
          "must be at least " + MIN_POLL_INTERVAL_MS + " ms, got " + interval.toMillis());
    }
    return this;
  }

  ConfigValidator decoderLimits(long maxPixels, int maxBytes) {
    if (maxPixels < 1) {
      add(DECODER_MAX_PIXELS, "must be a positive number of pixels, got " + maxPixels);
    }
    if (maxBytes < 1) {
      add(DECODER_MAX_BYTES, "must be a positive number of bytes, got " + maxBytes);
    }
    return this;
  }

  ConfigValidator processingGuarantee(String guarantee) {
    if (!StreamsConfig.EXACTLY_ONCE_V2.equals(guarantee)
        && !StreamsConfig.AT_LEAST_ONCE.equals(guarantee)) {
      add(
          PROCESSING_GUARANTEE,
          "must be "
              + StreamsConfig.EXACTLY_ONCE_V2
              + " or "
              + StreamsConfig.AT_LEAST_ONCE
              + ", got "
              + quote(guarantee));
    }
    return this;
  }

  ConfigValidator commitIntervalMs(long commitIntervalMs) {
    if (commitIntervalMs < 0) {
      add(COMMIT_INTERVAL_MS, "must be >= 0 ms, got " + commitIntervalMs);
    }
    return this;
  }

  ConfigValidator numStreamThreads(int threads) {
    if (threads < 1) {
      add(NUM_STREAM_THREADS, "must be at least 1, got " + threads);
    }
    return this;
  }

  /** No pinwheel key among the passthrough keys, and each value of a key Kafka defines valid. */
  ConfigValidator passthrough(Map<String, String> kafka, Set<String> ownKeys) {
    kafka.forEach(
        (key, value) -> {
          if (ownKeys.contains(key) || key.startsWith(PinwheelConfig.KEY_PREFIX)) {
            add(key, "is a pinwheel key and cannot be passed through to Kafka");
            return;
          }
          String error = KafkaKeys.valueError(key, value);
          if (error != null) {
            add(key, error);
          }
        });
    return this;
  }

  private void add(String key, String message) {
    Problem p = new Problem(key, message);
    if (!problems.contains(p)) {
      problems.add(p);
    }
  }

  private static boolean isTopicLike(String s) {
    return s != null && TOPIC_NAME.matcher(s).matches();
  }

  private static boolean isHostPort(String address) {
    var m = HOST_PORT.matcher(address);
    if (!m.matches()) {
      return false;
    }
    int port = Integer.parseInt(m.group(2));
    return port >= 1 && port <= 65535;
  }

  /** A value for a message: quoted, or "nothing" for null. */
  static String quote(String s) {
    return s == null ? "nothing" : "\"" + s + "\"";
  }
}
