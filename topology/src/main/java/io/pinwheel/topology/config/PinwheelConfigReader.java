package io.pinwheel.topology.config;

import static io.pinwheel.topology.config.PinwheelConfig.APPLICATION_ID;
import static io.pinwheel.topology.config.PinwheelConfig.BOOTSTRAP_SERVERS;
import static io.pinwheel.topology.config.PinwheelConfig.COMMIT_INTERVAL_MS;
import static io.pinwheel.topology.config.PinwheelConfig.DEAD_LETTER_TOPIC;
import static io.pinwheel.topology.config.PinwheelConfig.DECODER_MAX_BYTES;
import static io.pinwheel.topology.config.PinwheelConfig.DECODER_MAX_PIXELS;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_APPLICATION_ID;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_COMMIT_INTERVAL_MS;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_DEAD_LETTER_TOPIC;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_DECODER_MAX_BYTES;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_DECODER_MAX_PIXELS;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_FEATURES_TOPIC;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_FRAMES_TOPIC;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_MODELS_DIR_POLL_INTERVAL_MS;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_MODELS_TOPIC;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_NUM_STREAM_THREADS;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_PROCESSING_GUARANTEE;
import static io.pinwheel.topology.config.PinwheelConfig.FEATURES_TOPIC;
import static io.pinwheel.topology.config.PinwheelConfig.FEATURE_FORMAT;
import static io.pinwheel.topology.config.PinwheelConfig.FRAMES_TOPIC;
import static io.pinwheel.topology.config.PinwheelConfig.KEY_PREFIX;
import static io.pinwheel.topology.config.PinwheelConfig.MODELS_DIR;
import static io.pinwheel.topology.config.PinwheelConfig.MODELS_DIR_POLL_INTERVAL_MS;
import static io.pinwheel.topology.config.PinwheelConfig.MODELS_TOPIC;
import static io.pinwheel.topology.config.PinwheelConfig.NUM_STREAM_THREADS;
import static io.pinwheel.topology.config.PinwheelConfig.OWN_KEYS;
import static io.pinwheel.topology.config.PinwheelConfig.PINWHEEL_KEYS;
import static io.pinwheel.topology.config.PinwheelConfig.PROCESSING_GUARANTEE;

import io.pinwheel.client.FeatureRecordFormat;
import io.pinwheel.topology.config.PinwheelConfigException.Problem;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads a {@link PinwheelConfig} from the flat key/value pairs of a properties file: parses each
 * value, applies the defaults, refuses unknown {@code pinwheel.} keys with a spelling suggestion,
 * and reports every problem at once, its own and those of {@link PinwheelConfig}'s checks.
 */
final class PinwheelConfigReader {
  private final Map<String, String> properties;
  private final List<Problem> problems = new ArrayList<>();

  private PinwheelConfigReader(Map<String, String> properties) {
    this.properties = properties;
  }

  /** See {@link PinwheelConfig#fromProperties(Map)}. */
  static PinwheelConfig read(Map<String, String> properties) {
    Objects.requireNonNull(properties, "properties");
    return new PinwheelConfigReader(properties).read();
  }

  private PinwheelConfig read() {
    for (String key : properties.keySet()) {
      if (key == null) {
        problem("(null)", "a key cannot be null");
      } else if (key.startsWith(KEY_PREFIX) && !PINWHEEL_KEYS.contains(key)) {
        problem(key, "unknown pinwheel key" + suggestion(key));
      } else if (properties.get(key) == null) {
        problem(key, "has no value");
      }
    }
    String applicationId = text(APPLICATION_ID, DEFAULT_APPLICATION_ID);
    String bootstrap = text(BOOTSTRAP_SERVERS, null);
    String frames = text(FRAMES_TOPIC, DEFAULT_FRAMES_TOPIC);
    String features = text(FEATURES_TOPIC, DEFAULT_FEATURES_TOPIC);
    String deadLetter = text(DEAD_LETTER_TOPIC, DEFAULT_DEAD_LETTER_TOPIC);
    String models = text(MODELS_TOPIC, DEFAULT_MODELS_TOPIC);
    Optional<Path> modelsDir = directory(MODELS_DIR);
    long pollMs = longValue(MODELS_DIR_POLL_INTERVAL_MS, DEFAULT_MODELS_DIR_POLL_INTERVAL_MS);
    FeatureRecordFormat format = format(FEATURE_FORMAT);
    long maxPixels = longValue(DECODER_MAX_PIXELS, DEFAULT_DECODER_MAX_PIXELS);
    int maxBytes = intValue(DECODER_MAX_BYTES, DEFAULT_DECODER_MAX_BYTES);
    String guarantee = text(PROCESSING_GUARANTEE, DEFAULT_PROCESSING_GUARANTEE);
    long commitMs = longValue(COMMIT_INTERVAL_MS, DEFAULT_COMMIT_INTERVAL_MS);
    int threads = intValue(NUM_STREAM_THREADS, DEFAULT_NUM_STREAM_THREADS);
    Map<String, String> kafka = new LinkedHashMap<>();
    properties.forEach(
        (k, v) -> {
          if (k != null && v != null && !OWN_KEYS.contains(k) && !k.startsWith(KEY_PREFIX)) {
            kafka.put(k, v);
          }
        });
    // A value that did not parse was replaced by its default above; the record's checks then run
    // over everything, and their problems are added except for keys already reported here.
    Set<String> reported = new LinkedHashSet<>();
    problems.forEach(p -> reported.add(p.key()));
    try {
      PinwheelConfig config =
          new PinwheelConfig(
              applicationId,
              bootstrap,
              frames,
              features,
              deadLetter,
              models,
              modelsDir,
              Duration.ofMillis(pollMs),
              format,
              maxPixels,
              maxBytes,
              guarantee,
              commitMs,
              threads,
              kafka);
      if (problems.isEmpty()) {
        return config;
      }
    } catch (PinwheelConfigException e) {
      e.problems().stream().filter(p -> !reported.contains(p.key())).forEach(problems::add);
    }
    throw new PinwheelConfigException(problems);
  }

  private void problem(String key, String message) {
    problems.add(new Problem(key, message));
  }

  private String raw(String key) {
    String v = properties.get(key);
    return v == null ? null : v.strip();
  }

  private String text(String key, String fallback) {
    String v = raw(key);
    if (v == null) {
      return fallback;
    }
    if (v.isEmpty()) {
      if (fallback == null) {
        // Reported by the record's checks as missing, which says what to give.
        return null;
      }
      problem(key, "is empty; leave it out for the default " + ConfigValidator.quote(fallback));
      return fallback;
    }
    return v;
  }

  private long longValue(String key, long fallback) {
    String v = raw(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      problem(key, "must be a whole number, got " + ConfigValidator.quote(v));
      return fallback;
    }
  }

  private int intValue(String key, int fallback) {
    String v = raw(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      problem(
          key,
          "must be a whole number of at most "
              + Integer.MAX_VALUE
              + ", got "
              + ConfigValidator.quote(v));
      return fallback;
    }
  }

  private FeatureRecordFormat format(String key) {
    String v = raw(key);
    if (v == null) {
      return FeatureRecordFormat.PROTOBUF;
    }
    try {
      return FeatureRecordFormat.parse(v);
    } catch (ConfigException e) {
      problem(key, "must be protobuf or json, got " + ConfigValidator.quote(v));
      return FeatureRecordFormat.PROTOBUF;
    }
  }

  private Optional<Path> directory(String key) {
    String v = raw(key);
    if (v == null || v.isEmpty()) {
      return Optional.empty();
    }
    try {
      Path dir = Path.of(v);
      if (!Files.isDirectory(dir)) {
        problem(
            key,
            (Files.exists(dir) ? "is not a directory: " : "no such directory: ")
                + v
                + " (create it, or leave the key out to watch no directory)");
      }
      return Optional.of(dir);
    } catch (InvalidPathException e) {
      problem(key, "is not a path: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The known pinwheel key nearest to a mistyped one, as a hint, or nothing. */
  static String suggestion(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : new TreeSet<>(PINWHEEL_KEYS)) {
      int d = distance(key, known);
      if (d < bestDistance) {
        best = known;
        bestDistance = d;
      }
    }
    // Further than a few edits is another key altogether, and a wrong hint is worse than none.
    return bestDistance <= Math.max(3, key.length() / 5) ? "; did you mean " + best + "?" : "";
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
