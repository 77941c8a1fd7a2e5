package io.pinwheel.topology.model;

import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.topology.admin.KafkaFutures;
import io.pinwheel.topology.admin.PinwheelTopics;
import io.pinwheel.topology.config.PinwheelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
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
 * PinwheelTopics#MODELS_MAX_MESSAGE_BYTES}. The record is sent by an idempotent producer with
 * {@code acks=all}, and {@link #publish} returns once the broker has acknowledged it. Headers
 * {@code pinwheel.model.name} and {@code pinwheel.model.version} let tools see what a record holds
 * without reading it.
 *
 * <p>Whether the running instances then serve it is theirs to decide ({@link ModelRegistry}): a
 * published model that is not newer than theirs is ignored.
 */
public final class ModelPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(ModelPublisher.class);

  /** The largest encoder file that can be published. */
  public static final int MAX_MODEL_BYTES =
      PinwheelTopics.MODELS_MAX_MESSAGE_BYTES - PinwheelTopics.RECORD_OVERHEAD;

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
      PinwheelTopics.ensureModelsTopic(
          admin, topic, pweBytes.length + PinwheelTopics.RECORD_OVERHEAD);
    }
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, PinwheelTopics.MODELS_MAX_MESSAGE_BYTES);
    // The producer refuses a record larger than its whole buffer, 32 MiB by default.
    p.put(
        ProducerConfig.BUFFER_MEMORY_CONFIG,
        (long) PinwheelTopics.MODELS_MAX_MESSAGE_BYTES + (16 << 20));
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "pinwheel-model-publisher");
    RecordHeaders headers = new RecordHeaders();
    headers.add(NAME_HEADER, model.name().getBytes(StandardCharsets.UTF_8));
    headers.add(VERSION_HEADER, Integer.toString(model.version()).getBytes(StandardCharsets.UTF_8));
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      RecordMetadata m =
          KafkaFutures.get(
              producer.send(
                  new ProducerRecord<>(
                      topic,
                      null,
                      model.name().getBytes(StandardCharsets.UTF_8),
                      pweBytes,
                      headers)),
              "publish " + source + " to " + topic,
              TIMEOUT);
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
}
