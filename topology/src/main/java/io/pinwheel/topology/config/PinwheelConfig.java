package io.pinwheel.topology.config;

import io.pinwheel.client.FeatureRecordFormat;
import io.pinwheel.extractor.DecoderOptions;
import io.pinwheel.topology.config.PinwheelConfigException.Problem;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The configuration of the pinwheel feature service, validated as a whole.
 *
 * <p>Build it with {@link #fromProperties(Map)} from the flat key/value pairs of a properties file:
 * every key is checked and every problem is reported in one {@link PinwheelConfigException}. The
 * canonical constructor validates too, with the same messages.
 *
 * <h2>Keys</h2>
 *
 * <table>
 *   <caption>pinwheel configuration keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code application.id}</td><td>{@code pinwheel}</td><td>the Kafka Streams application
 *       id: the consumer group, the prefix of transactional ids and client ids. Instances with the
 *       same id share the frames topic's partitions. Letters, digits, '.', '_' and '-'.</td></tr>
 *   <tr><td>{@code bootstrap.servers}</td><td>required</td><td>the Kafka brokers,
 *       {@code host:port[,host:port...]}.</td></tr>
 *   <tr><td>{@code pinwheel.topic.frames}</td><td>{@code pinwheel.frames}</td><td>the input
 *       topic: key = stream id (any bytes), value = an encoded image, optional header
 *       {@code frame-id}.</td></tr>
 *   <tr><td>{@code pinwheel.topic.features}</td><td>{@code pinwheel.features}</td><td>the output
 *       topic of feature records, same key as the frame.</td></tr>
 *   <tr><td>{@code pinwheel.topic.dead-letter}</td><td>{@code pinwheel.frames.dlq}</td><td>frames
 *       that could not be decoded or encoded, with their original key, bytes and headers plus
 *       {@code pinwheel.error.*} and {@code pinwheel.source.*} headers. Give it a
 *       {@code max.message.bytes} at least that of the frames topic.</td></tr>
 *   <tr><td>{@code pinwheel.topic.models}</td><td>{@code pinwheel.models}</td><td>the compacted
 *       topic of encoder files (key = model name, value = {@code .pwe} bytes) that every instance
 *       reads in full for hot reload.</td></tr>
 *   <tr><td>{@code pinwheel.models.dir}</td><td>none</td><td>a directory watched for
 *       {@code *.pwe} files, new or changed, as a second source of models; must exist. Write
 *       files elsewhere and move them in, so that a half-written file is never read.</td></tr>
 *   <tr><td>{@code pinwheel.models.dir.poll-interval-ms}</td><td>{@code 5000}</td><td>how often
 *       the models directory is scanned, in ms, at least 100.</td></tr>
 *   <tr><td>{@code pinwheel.feature.format}</td><td>{@code protobuf}</td><td>the byte form of
 *       feature records: {@code protobuf} (schema {@code pinwheel/feature_record.proto}) or
 *       {@code json}.</td></tr>
 *   <tr><td>{@code pinwheel.decoder.max-pixels}</td><td>{@code 50000000}</td><td>frames whose
 *       image has more pixels are dead-lettered as {@code too-large}, judged from the header
 *       before decoding.</td></tr>
 *   <tr><td>{@code pinwheel.decoder.max-bytes}</td><td>{@code 16777216} (16 MiB)</td><td>frames
 *       of more bytes are dead-lettered as {@code too-large} without being decoded.</td></tr>
 *   <tr><td>{@code processing.guarantee}</td><td>{@code exactly_once_v2}</td><td>
 *       {@code exactly_once_v2}: every frame ends in exactly one of the features and dead-letter
 *       topics, across crashes, for {@code read_committed} consumers; {@code at_least_once}: lower
 *       latency, duplicates possible after a crash.</td></tr>
 *   <tr><td>{@code commit.interval.ms}</td><td>{@code 100}</td><td>how often progress is
 *       committed. Under exactly-once a {@code read_committed} consumer sees a feature record only
 *       when its transaction commits, so this bounds the added latency: 100 ms keeps it short at
 *       the cost of about ten small transactions a second per stream thread. Under at-least-once
 *       records are visible at once and this only bounds the work redone after a crash.</td></tr>
 *   <tr><td>{@code num.stream.threads}</td><td>{@code 1}</td><td>stream threads, each decoding
 *       and encoding its own partitions with its own encoder; more than the frames topic's
 *       partitions is wasted.</td></tr>
 *   <tr><td>any other key</td><td></td><td>passed to Kafka Streams untouched: security
 *       ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}), client tuning, and prefixed
 *       client keys such as {@code producer.compression.type}. Values of keys Kafka knows are
 *       type-checked here.</td></tr>
 * </table>
 *
 * <p>Keys starting with {@code pinwheel.} that are not listed above are refused, since they can
 * only be typos. {@link #toStreamsProperties()} adds client settings unless the key is given:
 * producer {@code max.request.size} of {@value #DEFAULT_CLIENT_RECORD_BYTES} bytes (frames and
 * their dead letters are larger than the 1 MiB client default allows; raise it, and the topics'
 * {@code max.message.bytes}, for larger frames), producer {@code batch.size} of {@value
 * #DEFAULT_BATCH_BYTES} bytes (a feature record is 10 to 40 KB, so Kafka's 16 KB batches would send
 * each one in a request of its own), and producer {@code linger.ms} of {@value #DEFAULT_LINGER_MS}
 * ms under at-least-once, instead of Kafka Streams' 100 ms, which would dominate its latency, or
 * {@value #DEFAULT_EXACTLY_ONCE_LINGER_MS} ms under exactly-once. There a {@code read_committed}
 * consumer sees a record only when its transaction commits, and a commit sends whatever is still
 * waiting, so lingering up to half the commit interval costs no latency; it sends a feature record
 * in a request of some ten instead of one or two, which took the broker's and producer's CPU per
 * frame from about a third of a core to a fifth on the two-core bench (BENCHMARKS.md). The
 * consumer's {@code max.partition.fetch.bytes} stays at Kafka's 1 MiB: a fetch returns a larger
 * record whole anyway, and 16 MiB fetch buffers are humongous objects to the garbage collector.
 *
 * @param applicationId {@code application.id}
 * @param bootstrapServers {@code bootstrap.servers}
 * @param framesTopic {@code pinwheel.topic.frames}
 * @param featuresTopic {@code pinwheel.topic.features}
 * @param deadLetterTopic {@code pinwheel.topic.dead-letter}
 * @param modelsTopic {@code pinwheel.topic.models}
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

  private static final String GLOBAL_PROCESSING_HANDLER =
      "processing.exception.handler.global.enabled";

  /** Producer {@code batch.size} default. */
  public static final int DEFAULT_BATCH_BYTES = 1 << 20;

  /** Producer {@code linger.ms} default under at-least-once. */
  public static final int DEFAULT_LINGER_MS = 5;

  /** Producer {@code linger.ms} default under exactly-once: half the default commit interval. */
  public static final int DEFAULT_EXACTLY_ONCE_LINGER_MS = 50;

  /** The smallest directory poll interval: anything shorter is a busy loop over a directory. */
  private static final long MIN_POLL_INTERVAL_MS = 100;

  /** Every {@code pinwheel.} key there is; any other is a typo. */
  private static final Set<String> PINWHEEL_KEYS =
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
  private static final Set<String> OWN_KEYS =
      union(
          PINWHEEL_KEYS,
          Set.of(
              APPLICATION_ID,
              BOOTSTRAP_SERVERS,
              PROCESSING_GUARANTEE,
              COMMIT_INTERVAL_MS,
              NUM_STREAM_THREADS));

  /** Kafka's own rule for topic names; the application id becomes part of such names. */
  private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[a-zA-Z0-9._-]+):([0-9]{1,5})");

  /** Client prefixes Kafka Streams understands, and the definitions of the keys they carry. */
  private static final Map<String, ConfigDef> PREFIXES = clientPrefixes();

  /** Keys of no prefix: Streams' own and every client's. */
  private static final List<ConfigDef> UNPREFIXED =
      List.of(
          StreamsConfig.configDef(),
          ConsumerConfig.configDef(),
          ProducerConfig.configDef(),
          AdminClientConfig.configDef());

  /** The key of a shown value that must not appear in logs. */
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
    List<Problem> problems = new ArrayList<>();
    check(
        problems,
        Set.of(),
        applicationId,
        bootstrapServers,
        framesTopic,
        featuresTopic,
        deadLetterTopic,
        modelsTopic,
        modelsDirPollInterval,
        decoderMaxPixels,
        decoderMaxBytes,
        processingGuarantee,
        commitIntervalMs,
        numStreamThreads,
        kafka);
    if (!problems.isEmpty()) {
      throw new PinwheelConfigException(problems);
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
    Objects.requireNonNull(properties, "properties");
    Reader r = new Reader(properties);
    for (String key : properties.keySet()) {
      if (key == null) {
        r.problem("(null)", "a key cannot be null");
      } else if (key.startsWith("pinwheel.") && !PINWHEEL_KEYS.contains(key)) {
        r.problem(key, "unknown pinwheel key" + suggestion(key));
      } else if (properties.get(key) == null) {
        r.problem(key, "has no value");
      }
    }
    String applicationId = r.text(APPLICATION_ID, DEFAULT_APPLICATION_ID);
    String bootstrap = r.text(BOOTSTRAP_SERVERS, null);
    String frames = r.text(FRAMES_TOPIC, DEFAULT_FRAMES_TOPIC);
    String features = r.text(FEATURES_TOPIC, DEFAULT_FEATURES_TOPIC);
    String deadLetter = r.text(DEAD_LETTER_TOPIC, DEFAULT_DEAD_LETTER_TOPIC);
    String models = r.text(MODELS_TOPIC, DEFAULT_MODELS_TOPIC);
    Optional<Path> modelsDir = r.directory(MODELS_DIR);
    long pollMs = r.longValue(MODELS_DIR_POLL_INTERVAL_MS, DEFAULT_MODELS_DIR_POLL_INTERVAL_MS);
    FeatureRecordFormat format = r.format(FEATURE_FORMAT);
    long maxPixels = r.longValue(DECODER_MAX_PIXELS, DEFAULT_DECODER_MAX_PIXELS);
    int maxBytes = r.intValue(DECODER_MAX_BYTES, DEFAULT_DECODER_MAX_BYTES);
    String guarantee = r.text(PROCESSING_GUARANTEE, DEFAULT_PROCESSING_GUARANTEE);
    long commitMs = r.longValue(COMMIT_INTERVAL_MS, DEFAULT_COMMIT_INTERVAL_MS);
    int threads = r.intValue(NUM_STREAM_THREADS, DEFAULT_NUM_STREAM_THREADS);
    Map<String, String> kafka = new LinkedHashMap<>();
    properties.forEach(
        (k, v) -> {
          if (k != null && v != null && !OWN_KEYS.contains(k) && !k.startsWith("pinwheel.")) {
            kafka.put(k, v);
          }
        });
    Duration poll = Duration.ofMillis(pollMs);
    check(
        r.problems,
        r.reported(),
        applicationId,
        bootstrap,
        frames,
        features,
        deadLetter,
        models,
        poll,
        maxPixels,
        maxBytes,
        guarantee,
        commitMs,
        threads,
        kafka);
    if (!r.problems.isEmpty()) {
      throw new PinwheelConfigException(r.problems);
    }
    return new PinwheelConfig(
        applicationId,
        bootstrap,
        frames,
        features,
        deadLetter,
        models,
        modelsDir,
        poll,
        format,
        maxPixels,
        maxBytes,
        guarantee,
        commitMs,
        threads,
        kafka);
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
   * keys, the Streams keys held here and the client defaults described in the class comment. No
   * {@code pinwheel.} key is included, so Kafka logs no unknown-key warnings for them.
   *
   * @return a new, mutable {@link Properties}
   */
  public Properties toStreamsProperties() {
    Properties p = new Properties();
    p.putAll(kafka);
    p.put(APPLICATION_ID, applicationId);
    p.put(BOOTSTRAP_SERVERS, bootstrapServers);
    p.put(PROCESSING_GUARANTEE, processingGuarantee);
    p.put(COMMIT_INTERVAL_MS, Long.toString(commitIntervalMs));
    p.put(NUM_STREAM_THREADS, Integer.toString(numStreamThreads));
    putUnlessGiven(
        p,
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        Integer.toString(DEFAULT_CLIENT_RECORD_BYTES),
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    putUnlessGiven(
        p,
        StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
        Integer.toString(
            processingGuarantee.equals(StreamsConfig.AT_LEAST_ONCE)
                ? DEFAULT_LINGER_MS
                : DEFAULT_EXACTLY_ONCE_LINGER_MS),
        ProducerConfig.LINGER_MS_CONFIG);
    putUnlessGiven(
        p,
        StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG),
        Integer.toString(DEFAULT_BATCH_BYTES),
        ProducerConfig.BATCH_SIZE_CONFIG);
    // The topology has no global state; this only opts in to Kafka 5.0's behaviour now. Streams
    // 4.4 still logs its warning about the key twice per instance: it checks the client configs
    // it derives (ClientUtils.QuietStreamsConfig), which leave the key out.
    p.putIfAbsent(GLOBAL_PROCESSING_HANDLER, "true");
    return p;
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
    Map<String, Object> p = new LinkedHashMap<>();
    Set<String> common = AdminClientConfig.configNames();
    kafka.forEach(
        (k, v) -> {
          if (common.contains(k) && !k.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
            p.put(k, v);
          }
        });
    p.put(BOOTSTRAP_SERVERS, bootstrapServers);
    return p;
  }

  /**
   * Describes the configuration with the values of passwords and JAAS settings hidden, so that it
   * can be logged.
   */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    kafka.forEach((k, v) -> shown.put(k, isSecret(k) ? HIDDEN : v));
    return "PinwheelConfig["
        + APPLICATION_ID
        + "="
        + applicationId
        + ", "
        + BOOTSTRAP_SERVERS
        + "="
        + bootstrapServers
        + ", "
        + FRAMES_TOPIC
        + "="
        + framesTopic
        + ", "
        + FEATURES_TOPIC
        + "="
        + featuresTopic
        + ", "
        + DEAD_LETTER_TOPIC
        + "="
        + deadLetterTopic
        + ", "
        + MODELS_TOPIC
        + "="
        + modelsTopic
        + ", "
        + MODELS_DIR
        + "="
        + modelsDir.map(Path::toString).orElse("")
        + ", "
        + MODELS_DIR_POLL_INTERVAL_MS
        + "="
        + modelsDirPollInterval.toMillis()
        + ", "
        + FEATURE_FORMAT
        + "="
        + featureFormat.configValue()
        + ", "
        + DECODER_MAX_PIXELS
        + "="
        + decoderMaxPixels
        + ", "
        + DECODER_MAX_BYTES
        + "="
        + decoderMaxBytes
        + ", "
        + PROCESSING_GUARANTEE
        + "="
        + processingGuarantee
        + ", "
        + COMMIT_INTERVAL_MS
        + "="
        + commitIntervalMs
        + ", "
        + NUM_STREAM_THREADS
        + "="
        + numStreamThreads
        + ", kafka="
        + shown
        + "]";
  }

  private static void putUnlessGiven(Properties p, String key, String value, String plainKey) {
    // A client key may be given plain, with "producer."/"consumer." or with "main.consumer.":
    // whichever the user chose wins over our default.
    for (String given : p.stringPropertyNames()) {
      if (given.equals(plainKey) || given.endsWith("." + plainKey)) {
        return;
      }
    }
    p.put(key, value);
  }

  /** Checks ranges and relations of parsed values, skipping keys already reported. */
  private static void check(
      List<Problem> problems,
      Set<String> skip,
      String applicationId,
      String bootstrapServers,
      String framesTopic,
      String featuresTopic,
      String deadLetterTopic,
      String modelsTopic,
      Duration modelsDirPollInterval,
      long decoderMaxPixels,
      int decoderMaxBytes,
      String processingGuarantee,
      long commitIntervalMs,
      int numStreamThreads,
      Map<String, String> kafka) {
    Checker c = new Checker(problems, skip);
    if (c.wants(APPLICATION_ID) && !isTopicLike(applicationId)) {
      c.add(
          APPLICATION_ID,
          "must be 1-249 letters, digits, '.', '_' or '-' (it names consumer groups and"
              + " transactional ids), got "
              + quote(applicationId));
    }
    if (c.wants(BOOTSTRAP_SERVERS)) {
      if (bootstrapServers == null || bootstrapServers.isBlank()) {
        c.add(BOOTSTRAP_SERVERS, "is required: the Kafka brokers as host:port[,host:port...]");
      } else {
        for (String address : bootstrapServers.split(",", -1)) {
          if (!isHostPort(address.strip())) {
            c.add(
                BOOTSTRAP_SERVERS,
                "each address must be host:port with a port in [1, 65535], got "
                    + quote(address.strip()));
          }
        }
      }
    }
    Map<String, String> topics = new LinkedHashMap<>();
    topics.put(FRAMES_TOPIC, framesTopic);
    topics.put(FEATURES_TOPIC, featuresTopic);
    topics.put(DEAD_LETTER_TOPIC, deadLetterTopic);
    topics.put(MODELS_TOPIC, modelsTopic);
    Map<String, String> keyOfTopic = new LinkedHashMap<>();
    topics.forEach(
        (key, topic) -> {
          if (!c.wants(key)) {
            return;
          }
          if (!isTopicLike(topic) || topic.equals(".") || topic.equals("..")) {
            c.add(
                key,
                "must be a Kafka topic name (1-249 letters, digits, '.', '_' or '-'), got "
                    + quote(topic));
            return;
          }
          String other = keyOfTopic.putIfAbsent(topic, key);
          if (other != null) {
            c.add(key, "names the same topic as " + other + " (" + topic + ")");
          }
        });
    if (c.wants(MODELS_DIR_POLL_INTERVAL_MS)
        && modelsDirPollInterval.toMillis() < MIN_POLL_INTERVAL_MS) {
      c.add(
          MODELS_DIR_POLL_INTERVAL_MS,
          "must be at least "
              + MIN_POLL_INTERVAL_MS
              + " ms, got "
              + modelsDirPollInterval.toMillis());
    }
    if (c.wants(DECODER_MAX_PIXELS) && decoderMaxPixels < 1) {
      c.add(DECODER_MAX_PIXELS, "must be a positive number of pixels, got " + decoderMaxPixels);
    }
    if (c.wants(DECODER_MAX_BYTES) && decoderMaxBytes < 1) {
      c.add(DECODER_MAX_BYTES, "must be a positive number of bytes, got " + decoderMaxBytes);
    }
    if (c.wants(PROCESSING_GUARANTEE)
        && !StreamsConfig.EXACTLY_ONCE_V2.equals(processingGuarantee)
        && !StreamsConfig.AT_LEAST_ONCE.equals(processingGuarantee)) {
      c.add(
          PROCESSING_GUARANTEE,
          "must be "
              + StreamsConfig.EXACTLY_ONCE_V2
              + " or "
              + StreamsConfig.AT_LEAST_ONCE
              + ", got "
              + quote(processingGuarantee));
    }
    if (c.wants(COMMIT_INTERVAL_MS) && commitIntervalMs < 0) {
      c.add(COMMIT_INTERVAL_MS, "must be >= 0 ms, got " + commitIntervalMs);
    }
    if (c.wants(NUM_STREAM_THREADS) && numStreamThreads < 1) {
      c.add(NUM_STREAM_THREADS, "must be at least 1, got " + numStreamThreads);
    }
    kafka.forEach(
        (key, value) -> {
          if (!c.wants(key)) {
            return;
          }
          if (OWN_KEYS.contains(key) || key.startsWith("pinwheel.")) {
            c.add(key, "is a pinwheel key and cannot be passed through to Kafka");
            return;
          }
          String error = kafkaValueError(key, value);
          if (error != null) {
            c.add(key, error);
          }
        });
  }

  /**
   * Type-checks a passthrough value against the definition Kafka has for its key, so that a bad
   * value is reported with the others instead of failing later when a client is built. Keys Kafka
   * does not define pass unchecked (Kafka warns about them itself).
   */
  private static String kafkaValueError(String key, String value) {
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
      return message == null ? "invalid value " + quote(value) : message;
    }
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

  private static boolean isSecret(String key) {
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

  private static String suggestion(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : new java.util.TreeSet<>(PINWHEEL_KEYS)) {
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

  private static String quote(String s) {
    return s == null ? "nothing" : "\"" + s + "\"";
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new HashSet<>(a);
    u.addAll(b);
    return Set.copyOf(u);
  }

  /** Collects problems, once per key and message, skipping keys already found wrong. */
  private static final class Checker {
    private final List<Problem> problems;
    private final Set<String> skip;

    Checker(List<Problem> problems, Set<String> skip) {
      this.problems = problems;
      this.skip = skip;
    }

    boolean wants(String key) {
      return !skip.contains(key);
    }

    void add(String key, String message) {
      Problem p = new Problem(key, message);
      if (!problems.contains(p)) {
        problems.add(p);
      }
    }
  }

  /** Parses raw values, recording a problem per key that does not parse. */
  private static final class Reader {
    private final Map<String, String> properties;
    private final List<Problem> problems = new ArrayList<>();

    Reader(Map<String, String> properties) {
      this.properties = properties;
    }

    void problem(String key, String message) {
      problems.add(new Problem(key, message));
    }

    Set<String> reported() {
      Set<String> keys = new LinkedHashSet<>();
      problems.forEach(p -> keys.add(p.key()));
      return keys;
    }

    private String raw(String key) {
      String v = properties.get(key);
      return v == null ? null : v.strip();
    }

    String text(String key, String fallback) {
      String v = raw(key);
      if (v == null) {
        return fallback;
      }
      if (v.isEmpty()) {
        if (fallback == null) {
          // Reported by the range check as missing, which says what to give.
          return null;
        }
        problem(key, "is empty; leave it out for the default " + quote(fallback));
        return fallback;
      }
      return v;
    }

    long longValue(String key, long fallback) {
      String v = raw(key);
      if (v == null) {
        return fallback;
      }
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        problem(key, "must be a whole number, got " + quote(v));
        return fallback;
      }
    }

    int intValue(String key, int fallback) {
      String v = raw(key);
      if (v == null) {
        return fallback;
      }
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        problem(
            key, "must be a whole number of at most " + Integer.MAX_VALUE + ", got " + quote(v));
        return fallback;
      }
    }

    FeatureRecordFormat format(String key) {
      String v = raw(key);
      if (v == null) {
        return FeatureRecordFormat.PROTOBUF;
      }
      try {
        return FeatureRecordFormat.parse(v);
      } catch (ConfigException e) {
        problem(key, "must be protobuf or json, got " + quote(v));
        return FeatureRecordFormat.PROTOBUF;
      }
    }

    Optional<Path> directory(String key) {
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
  }
}
