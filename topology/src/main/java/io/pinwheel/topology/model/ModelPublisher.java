package io.pinwheel.topology.model;

import io.pinwheel.client.admin.TopicReadiness;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.topology.config.PinwheelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes an encoder file to the models topic, from which every running instance loads it.
 *
 * <p>The file is verified first ({@link EncoderFile#read(byte[], String)}), so a bad model never
 * reaches the topic. The topic is created if missing: compacted (key = model name, so the topic
 * keeps the latest record of each name and replays fast), one partition (models are few; one
 * partition keeps them in publish order) and {@code max.message.bytes} of {@value
 * #TOPIC_MAX_MESSAGE_BYTES}. The record is sent by an idempotent producer with {@code acks=all},
 * and {@link #publish} returns once the broker has acknowledged it. Headers {@code
 * pinwheel.model.name} and {@code pinwheel.model.version} let tools see what a record holds without
 * reading it.
 *
 * <p>Whether the running instances then serve it is theirs to decide ({@link ModelRegistry}): a
 * published model that is not newer than theirs is ignored.
 */
public final class ModelPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(ModelPublisher.class);

  /** The {@code max.message.bytes} of a models topic this class creates: 64 MiB. */
  public static final int TOPIC_MAX_MESSAGE_BYTES = 64 << 20;

  /** Room left in a record for its key, headers and batch overhead. */
  private static final int RECORD_OVERHEAD = 64 << 10;

  /** The largest encoder file that can be published. */
  public static final int MAX_MODEL_BYTES = TOPIC_MAX_MESSAGE_BYTES - RECORD_OVERHEAD;

  /** Header naming the model in each record. */
  public static final String NAME_HEADER = "pinwheel.model.name";

  /** Header giving the model's version in each record, in decimal. */
  public static final String VERSION_HEADER = "pinwheel.model.version";

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * What was published, and where.
   *
   * @param topic the models topic
   * @param partition the partition written
   * @param offset the record's offset
   * @param modelName the model's name, the record's key
   * @param modelVersion the model's version
   */
  public record Published(
      String topic, int partition, long offset, String modelName, int modelVersion) {}

  private ModelPublisher() {}

  /**
   * Publishes {@code file} to the default models topic {@value PinwheelConfig#DEFAULT_MODELS_TOPIC}
   * of a cluster without security settings.
   *
   * @param bootstrapServers the brokers, {@code host:port[,...]}
   * @param file the {@code .pwe} file
   * @return where it was written
   * @throws IOException if the file cannot be read
   * @throws InvalidModelException if it is not a valid encoder file
   * @throws KafkaException if the topic cannot be created or the record not written
   */
  public static Published publish(String bootstrapServers, Path file)
      throws IOException, InvalidModelException {
    return publish(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
        PinwheelConfig.DEFAULT_MODELS_TOPIC,
        file);
  }

  /**
   * Publishes {@code file} to {@code topic}, creating the topic if missing.
   *
   * @param clientProperties {@code bootstrap.servers} and security settings (for example {@link
   *     PinwheelConfig#clientProperties()})
   * @param topic the models topic
   * @param file the {@code .pwe} file
   * @return where it was written
   * @throws IOException if the file cannot be read
   * @throws InvalidModelException if it is not a valid encoder file, or too large to publish
   * @throws KafkaException if the topic cannot be created or the record not written
   */
  public static Published publish(Map<String, Object> clientProperties, String topic, Path file)
      throws IOException, InvalidModelException {
    long size = Files.size(file);
    if (size > MAX_MODEL_BYTES) {
      throw new InvalidModelException(
          file + ": " + size + " bytes is over the " + MAX_MODEL_BYTES + "-byte limit of a record");
    }
    return publish(clientProperties, topic, Files.readAllBytes(file), file.toString());
  }

  /**
   * Publishes the bytes of an encoder file to {@code topic}, creating the topic if missing.
   *
   * @param clientProperties {@code bootstrap.servers} and security settings
   * @param topic the models topic
   * @param pweBytes the whole encoder file
   * @param source what to call the bytes in error messages
   * @return where they were written
   * @throws InvalidModelException if they are not a valid encoder file, or too large to publish
   * @throws KafkaException if the topic cannot be created or the record not written
   */
  public static Published publish(
      Map<String, Object> clientProperties, String topic, byte[] pweBytes, String source)
      throws InvalidModelException {
    Objects.requireNonNull(topic, "topic");
    if (pweBytes.length > MAX_MODEL_BYTES) {
      throw new InvalidModelException(
          source
              + ": "
              + pweBytes.length
              + " bytes is over the "
              + MAX_MODEL_BYTES
              + "-byte limit of a record");
    }
    EncoderModel model = EncoderFile.read(pweBytes, source);
    try (Admin admin = Admin.create(new HashMap<>(clientProperties))) {
      ensureTopic(admin, topic, pweBytes.length + RECORD_OVERHEAD);
    }
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TOPIC_MAX_MESSAGE_BYTES);
    // The producer refuses a record larger than its whole buffer, 32 MiB by default.
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, (long) TOPIC_MAX_MESSAGE_BYTES + (16 << 20));
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "pinwheel-model-publisher");
    RecordHeaders headers = new RecordHeaders();
    headers.add(NAME_HEADER, model.name().getBytes(StandardCharsets.UTF_8));
    headers.add(VERSION_HEADER, Integer.toString(model.version()).getBytes(StandardCharsets.UTF_8));
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      RecordMetadata m =
          get(
              producer.send(
                  new ProducerRecord<>(
                      topic,
                      null,
                      model.name().getBytes(StandardCharsets.UTF_8),
                      pweBytes,
                      headers)),
              "publish " + source + " to " + topic);
      LOG.info(
          "published model {} v{} ({} bytes) to {}/{}@{}",
          model.name(),
          model.version(),
          pweBytes.length,
          m.topic(),
          m.partition(),
          m.offset());
      return new Published(m.topic(), m.partition(), m.offset(), model.name(), model.version());
    }
  }

  /**
   * Creates the models topic if missing, and checks that an existing one can hold a record of
   * {@code recordBytes}.
   *
   * @param admin a client of the cluster
   * @param topic the models topic
   * @param recordBytes the size of the record to be written
   * @throws KafkaException if the topic cannot be created, or exists with a smaller {@code
   *     max.message.bytes}
   */
  static void ensureTopic(Admin admin, String topic, int recordBytes) {
    NewTopic t =
        new NewTopic(topic, Optional.of(1), Optional.empty())
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                    Integer.toString(TOPIC_MAX_MESSAGE_BYTES)));
    try {
      get(admin.createTopics(List.of(t)).all(), "create topic " + topic);
      TopicReadiness.await(admin, List.of(topic), TIMEOUT);
      LOG.info(
          "created models topic {} (compacted, max.message.bytes {})",
          topic,
          TOPIC_MAX_MESSAGE_BYTES);
      return;
    } catch (KafkaException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config =
        get(admin.describeConfigs(List.of(resource)).all(), "describe topic " + topic)
            .get(resource);
    ConfigEntry max = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    if (max != null && max.value() != null && Long.parseLong(max.value()) < recordBytes) {
      throw new KafkaException(
          "topic "
              + topic
              + " accepts records of at most "
              + max.value()
              + " bytes but this model needs "
              + recordBytes
              + "; raise its "
              + TopicConfig.MAX_MESSAGE_BYTES_CONFIG
              + " (kafka-configs --alter --entity-type topics --entity-name "
              + topic
              + " --add-config max.message.bytes="
              + TOPIC_MAX_MESSAGE_BYTES
              + ")");
    }
    ConfigEntry policy = config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
    if (policy != null
        && policy.value() != null
        && !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      LOG.warn(
          "models topic {} has cleanup.policy={}, not compact: old models will pile up, or be"
              + " deleted by retention and then missing after a restart",
          topic,
          policy.value());
    }
  }

  private static <T> T get(java.util.concurrent.Future<T> future, String what) {
    try {
      return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new KafkaException("could not " + what + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new KafkaException(
          "timed out after " + TIMEOUT.toSeconds() + " s trying to " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while trying to " + what, e);
    }
  }
}
