package io.pinwheel.topology.config;

import io.pinwheel.client.FeatureRecordFormat;
import io.pinwheel.extractor.DecoderOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The configuration of the pinwheel feature service, validated as a whole.
 *
 * <p>Read it with {@link #fromProperties(Map)} from the flat key/value pairs of a properties file
 * ({@link PinwheelConfigReader}): every key is checked and every problem is reported in one {@link
 * PinwheelConfigException}. The canonical constructor runs the same checks ({@link
 * ConfigValidator}), with the same messages. {@link #toStreamsProperties()} and {@link
 * #clientProperties()} derive the Kafka clients' settings ({@link StreamsProperties}).
 *
 * <p>The keys, their defaults and meanings are the README's "Configuration reference" table, which
 * a test checks against {@link #settings()} and the reader. Keys starting with {@code pinwheel.}
 * that are not this record's are refused, since they can only be typos; any other key is passed to
 * Kafka Streams untouched (security, client tuning, prefixed client keys such as {@code
 * producer.compression.type}), its value type-checked here when Kafka defines the key.
 *
 * @param applicationId {@code application.id}: the Kafka Streams application id (consumer group,
 *     prefix of transactional and client ids); instances with the same id share the frames topic's
 *     partitions
 * @param bootstrapServers {@code bootstrap.servers}, required
 * @param framesTopic {@code pinwheel.topic.frames}: key = stream id, value = an encoded image,
 *     optional header {@code frame-id}
 * @param featuresTopic {@code pinwheel.topic.features}: feature records, same key as the frame
 * @param deadLetterTopic {@code pinwheel.topic.dead-letter}: frames that could not be used, with
 *     their key, bytes and headers plus {@code pinwheel.error.*} and {@code pinwheel.source.*}
 *     headers
 * @param modelsTopic {@code pinwheel.topic.models}: the compacted topic of encoder files that every
 *     instance reads in full for hot reload
 * @param modelsDir {@code pinwheel.models.dir}, empty when no directory is watched
 * @param modelsDirPollInterval {@code pinwheel.models.dir.poll-interval-ms}
 * @param featureFormat {@code pinwheel.feature.format}
 * @param decoderMaxPixels {@code pinwheel.decoder.max-pixels}
 * @param decoderMaxBytes {@code pinwheel.decoder.max-bytes}
 * @param processingGuarantee {@code processing.guarantee}
 * @param commitIntervalMs {@code commit.interval.ms}
 * @param numStreamThreads {@code num.stream.threads}
 * @param kafka every other key, passed through to Kafka Streams
 */
public record PinwheelConfig(
    String applicationId,
    String bootstrapServers,
    String framesTopic,
    String featuresTopic,
    String deadLetterTopic,
    String modelsTopic,
    Optional<Path> modelsDir,
    Duration modelsDirPollInterval,
    FeatureRecordFormat featureFormat,
    long decoderMaxPixels,
    int decoderMaxBytes,
    String processingGuarantee,
    long commitIntervalMs,
    int numStreamThreads,
    Map<String, String> kafka) {

  /** Key of {@link #applicationId()}. */
  public static final String APPLICATION_ID = StreamsConfig.APPLICATION_ID_CONFIG;

  /** Key of {@link #bootstrapServers()}. */
  public static final String BOOTSTRAP_SERVERS = StreamsConfig.BOOTSTRAP_SERVERS_CONFIG;

  /** Key of {@link #framesTopic()}. */
  public static final String FRAMES_TOPIC = "pinwheel.topic.frames";

  /** Key of {@link #featuresTopic()}. */
  public static final String FEATURES_TOPIC = "pinwheel.topic.features";

  /** Key of {@link #deadLetterTopic()}. */
  public static final String DEAD_LETTER_TOPIC = "pinwheel.topic.dead-letter";

  /** Key of {@link #modelsTopic()}. */
  public static final String MODELS_TOPIC = "pinwheel.topic.models";

  /** Key of {@link #modelsDir()}. */
  public static final String MODELS_DIR = "pinwheel.models.dir";

  /** Key of {@link #modelsDirPollInterval()}. */
  public static final String MODELS_DIR_POLL_INTERVAL_MS = "pinwheel.models.dir.poll-interval-ms";

  /** Key of {@link #featureFormat()}; the same key the client's serde reads. */
  public static final String FEATURE_FORMAT = "pinwheel.feature.format";

  /** Key of {@link #decoderMaxPixels()}. */
  public static final String DECODER_MAX_PIXELS = "pinwheel.decoder.max-pixels";

  /** Key of {@link #decoderMaxBytes()}. */
  public static final String DECODER_MAX_BYTES = "pinwheel.decoder.max-bytes";

  /** Key of {@link #processingGuarantee()}. */
  public static final String PROCESSING_GUARANTEE = StreamsConfig.PROCESSING_GUARANTEE_CONFIG;

  /** Key of {@link #commitIntervalMs()}. */
  public static final String COMMIT_INTERVAL_MS = StreamsConfig.COMMIT_INTERVAL_MS_CONFIG;

  /** Key of {@link #numStreamThreads()}. */
  public static final String NUM_STREAM_THREADS = StreamsConfig.NUM_STREAM_THREADS_CONFIG;

  /** Default {@link #applicationId()}. */
  public static final String DEFAULT_APPLICATION_ID = "pinwheel";

  /** Default {@link #framesTopic()}. */
  public static final String DEFAULT_FRAMES_TOPIC = "pinwheel.frames";

  /** Default {@link #featuresTopic()}. */
  public static final String DEFAULT_FEATURES_TOPIC = "pinwheel.features";

  /** Default {@link #deadLetterTopic()}. */
  public static final String DEFAULT_DEAD_LETTER_TOPIC = "pinwheel.frames.dlq";

  /** Default {@link #modelsTopic()}. */
  public static final String DEFAULT_MODELS_TOPIC = "pinwheel.models";

  /** Default {@link #modelsDirPollInterval()} in ms. */
  public static final long DEFAULT_MODELS_DIR_POLL_INTERVAL_MS = 5000;

  /** Default {@link #decoderMaxPixels()}: the extractor's own limit. */
  public static final long DEFAULT_DECODER_MAX_PIXELS = DecoderOptions.DEFAULT_MAX_PIXELS;

  /** Default {@link #decoderMaxBytes()}: 16 MiB, what the clients are set to carry. */
  public static final int DEFAULT_DECODER_MAX_BYTES = 16 << 20;

  /** Default {@link #processingGuarantee()}. */
  public static final String DEFAULT_PROCESSING_GUARANTEE = StreamsConfig.EXACTLY_ONCE_V2;

  /** Default {@link #commitIntervalMs()}. */
  public static final long DEFAULT_COMMIT_INTERVAL_MS = 100;

  /** Default {@link #numStreamThreads()}. */
  public static final int DEFAULT_NUM_STREAM_THREADS = 1;

  /** Producer {@code max.request.size} default. */
  public static final int DEFAULT_CLIENT_RECORD_BYTES = 16 << 20;

  /** Producer {@code batch.size} default. */
  public static final int DEFAULT_BATCH_BYTES = 1 << 20;

  /** Producer {@code linger.ms} default under at-least-once. */
  public static final int DEFAULT_LINGER_MS = 5;

  /** Producer {@code linger.ms} default under exactly-once: half the default commit interval. */
  public static final int DEFAULT_EXACTLY_ONCE_LINGER_MS = 50;

  /** The prefix of pinwheel's own keys. */
  static final String KEY_PREFIX = "pinwheel.";

  /** Every {@code pinwheel.} key there is; any other is a typo. */
  static final Set<String> PINWHEEL_KEYS =
      Set.of(
          FRAMES_TOPIC,
          FEATURES_TOPIC,
          DEAD_LETTER_TOPIC,
          MODELS_TOPIC,
          MODELS_DIR,
          MODELS_DIR_POLL_INTERVAL_MS,
          FEATURE_FORMAT,
          DECODER_MAX_PIXELS,
          DECODER_MAX_BYTES);

  /** Keys this record holds as components rather than in {@link #kafka()}. */
  static final Set<String> OWN_KEYS =
      union(
          PINWHEEL_KEYS,
          Set.of(
              APPLICATION_ID,
              BOOTSTRAP_SERVERS,
              PROCESSING_GUARANTEE,
              COMMIT_INTERVAL_MS,
              NUM_STREAM_THREADS));

  /** What {@link #toString()} shows instead of a secret's value. */
  private static final String HIDDEN = "[hidden]";

  /**
   * Validates every component; the exception lists every problem, each naming its key.
   *
   * @throws PinwheelConfigException if any component is out of range or missing
   * @throws NullPointerException if an {@link Optional}, {@link Duration}, format or map is null
   */
  public PinwheelConfig {
    Objects.requireNonNull(modelsDir, "modelsDir (" + MODELS_DIR + ")");
    Objects.requireNonNull(modelsDirPollInterval, "modelsDirPollInterval");
    Objects.requireNonNull(featureFormat, "featureFormat (" + FEATURE_FORMAT + ")");
    Objects.requireNonNull(kafka, "kafka");
    kafka = Map.copyOf(kafka);
    ConfigValidator checks =
        new ConfigValidator()
            .applicationId(applicationId)
            .bootstrapServers(bootstrapServers)
            .topics(framesTopic, featuresTopic, deadLetterTopic, modelsTopic)
            .modelsDirPollInterval(modelsDirPollInterval)
            .decoderLimits(decoderMaxPixels, decoderMaxBytes)
            .processingGuarantee(processingGuarantee)
            .commitIntervalMs(commitIntervalMs)
            .numStreamThreads(numStreamThreads)
            .passthrough(kafka, OWN_KEYS);
    if (!checks.problems().isEmpty()) {
      throw new PinwheelConfigException(checks.problems());
    }
  }

  /**
   * Reads a configuration from flat key/value pairs (a properties file), applying the defaults.
   *
   * @param properties every key, as text; not modified
   * @return the validated configuration
   * @throws PinwheelConfigException listing every problem: missing required keys, values that do
   *     not parse or are out of range, unknown {@code pinwheel.} keys, bad values of Kafka keys,
   *     topics used twice, a models directory that does not exist
   */
  public static PinwheelConfig fromProperties(Map<String, String> properties) {
    return PinwheelConfigReader.read(properties);
  }

  /**
   * Returns a configuration with every default and the given brokers, for tests, the demo and the
   * embedded broker.
   *
   * @param bootstrapServers {@code host:port[,host:port...]}
   * @return the configuration
   * @throws PinwheelConfigException if the address is malformed
   */
  public static PinwheelConfig defaults(String bootstrapServers) {
    return fromProperties(Map.of(BOOTSTRAP_SERVERS, bootstrapServers));
  }

  /**
   * Returns the limits the frame decoder applies.
   *
   * @return {@link #decoderMaxPixels()} and {@link #decoderMaxBytes()} over the extractor's other
   *     defaults (truncated JPEGs refused, full-resolution decoding)
   */
  public DecoderOptions decoderOptions() {
    return DecoderOptions.defaults().withMaxPixels(decoderMaxPixels).withMaxBytes(decoderMaxBytes);
  }

  /**
   * Returns the properties for {@code new KafkaStreams(topology, properties)}: the passthrough
   * keys, the Streams keys held here and the client defaults {@link StreamsProperties} describes.
   * No {@code pinwheel.} key is included, so Kafka logs no unknown-key warnings for them.
   *
   * @return a new, mutable {@link Properties}
   */
  public Properties toStreamsProperties() {
    return StreamsProperties.of(this);
  }

  /**
   * Returns the settings every plain Kafka client of the service needs (the models topic's
   * consumer, the model publisher, an admin client): {@code bootstrap.servers} and the passthrough
   * keys without a prefix that an admin client knows, which are the connection and security keys
   * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, {@code client.dns.lookup}, ...).
   *
   * @return a new, mutable map
   */
  public Map<String, Object> clientProperties() {
    return StreamsProperties.client(this);
  }

  /**
   * Returns the keys this record holds, with their values as a properties file would give them
   * ({@code pinwheel.models.dir} empty when no directory is watched), in the order of the README's
   * table.
   *
   * @return a new map, key to value
   */
  public Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(BOOTSTRAP_SERVERS, bootstrapServers);
    m.put(APPLICATION_ID, applicationId);
    m.put(FRAMES_TOPIC, framesTopic);
    m.put(FEATURES_TOPIC, featuresTopic);
    m.put(DEAD_LETTER_TOPIC, deadLetterTopic);
    m.put(MODELS_TOPIC, modelsTopic);
    m.put(MODELS_DIR, modelsDir.map(Path::toString).orElse(""));
    m.put(MODELS_DIR_POLL_INTERVAL_MS, Long.toString(modelsDirPollInterval.toMillis()));
    m.put(FEATURE_FORMAT, featureFormat.configValue());
    m.put(DECODER_MAX_PIXELS, Long.toString(decoderMaxPixels));
    m.put(DECODER_MAX_BYTES, Integer.toString(decoderMaxBytes));
    m.put(PROCESSING_GUARANTEE, processingGuarantee);
    m.put(COMMIT_INTERVAL_MS, Long.toString(commitIntervalMs));
    m.put(NUM_STREAM_THREADS, Integer.toString(numStreamThreads));
    return m;
  }

  /**
   * Describes the configuration with the values of passwords and JAAS settings hidden, so that it
   * can be logged.
   */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    kafka.forEach((k, v) -> shown.put(k, KafkaKeys.isSecret(k) ? HIDDEN : v));
    StringBuilder sb = new StringBuilder("PinwheelConfig[");
    settings().forEach((k, v) -> sb.append(k).append('=').append(v).append(", "));
    return sb.append("kafka=").append(shown).append(']').toString();
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new HashSet<>(a);
    u.addAll(b);
    return Set.copyOf(u);
  }
}
