package io.pinwheel.topology.admin;

import io.pinwheel.client.admin.TopicReadiness;
import io.pinwheel.topology.config.PinwheelConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's topics: creating them where missing, checking that they exist, and how large a
 * record each must take. The service ({@code --create-topics}), the model publisher, the benchmarks
 * and the tests all create them here, so they get the same settings.
 */
public final class PinwheelTopics {
  private static final Logger LOG = LoggerFactory.getLogger(PinwheelTopics.class);

  /** Room in a record for its key, headers and batch overhead (dead letters carry several). */
  public static final int RECORD_OVERHEAD = 64 << 10;

  /** The {@code max.message.bytes} of a models topic created here: 64 MiB. */
  public static final int MODELS_MAX_MESSAGE_BYTES = 64 << 20;

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** The model publisher's wait, which includes creating the models topic. */
  private static final Duration MODELS_TOPIC_TIMEOUT = Duration.ofSeconds(60);

  private PinwheelTopics() {}

  /**
   * Creates the service's topics where missing: the frames, features and dead-letter topics with
   * {@code partitions} partitions and room for {@link PinwheelConfig#decoderMaxBytes()}-byte frames
   * ({@link #recordBytes}), and the models topic as {@link #modelsTopic} describes it. The
   * replication factor is the cluster's default. Existing topics are left as they are. Returns once
   * every partition's leader serves it ({@link TopicReadiness}), so that clients started next can
   * use them.
   *
   * @param config the topic names and cluster settings
   * @param partitions partitions of the frames, features and dead-letter topics, at least 1
   * @return the topics created; the others existed
   * @throws KafkaException if a topic could not be created or described
   */
  public static List<String> ensure(PinwheelConfig config, int partitions) {
    Objects.requireNonNull(config, "config");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
    Map<String, String> big =
        Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(recordBytes(config)));
    List<NewTopic> topics =
        List.of(
            new NewTopic(config.framesTopic(), Optional.of(partitions), Optional.empty())
                .configs(big),
            new NewTopic(config.featuresTopic(), Optional.of(partitions), Optional.empty())
                .configs(big),
            new NewTopic(config.deadLetterTopic(), Optional.of(partitions), Optional.empty())
                .configs(big),
            modelsTopic(config.modelsTopic()));
    List<String> created = new ArrayList<>();
    try (Admin admin = admin(config)) {
      CreateTopicsResult result = admin.createTopics(topics);
      for (NewTopic t : topics) {
        try {
          KafkaFutures.get(result.values().get(t.name()), "create topic " + t.name(), TIMEOUT);
          created.add(t.name());
        } catch (KafkaException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      Map<String, TopicDescription> described =
          TopicReadiness.await(admin, topics.stream().map(NewTopic::name).toList(), TIMEOUT);
      int frames = described.get(config.framesTopic()).partitions().size();
      if (!created.contains(config.framesTopic()) && frames != partitions) {
        LOG.warn(
            "topic {} already exists with {} partitions, not {}; left as it is",
            config.framesTopic(),
            frames,
            partitions);
      }
    }
    if (!created.isEmpty()) {
      LOG.info("created topics {} ({} partitions)", created, partitions);
    }
    return created;
  }

  /**
   * Checks that the frames, features and dead-letter topics exist. The models topic may be missing:
   * the listener waits for it.
   *
   * @param config the topic names and cluster settings
   * @throws MissingTopicsException naming every missing topic
   * @throws KafkaException if the cluster cannot be asked
   */
  public static void require(PinwheelConfig config) {
    List<String> names =
        List.of(config.framesTopic(), config.featuresTopic(), config.deadLetterTopic());
    List<String> missing = new ArrayList<>();
    try (Admin admin = admin(config)) {
      Map<String, ? extends Future<TopicDescription>> futures =
          admin.describeTopics(names).topicNameValues();
      for (String name : names) {
        try {
          KafkaFutures.get(futures.get(name), "describe topic " + name, TIMEOUT);
        } catch (KafkaException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
            throw e;
          }
          missing.add(name);
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new MissingTopicsException(missing);
    }
  }

  /**
   * Returns the {@code max.message.bytes} of the frame-sized topics: the largest frame the decoder
   * takes, or the clients' record limit if larger, plus {@link #RECORD_OVERHEAD}.
   *
   * @param config the decoder's byte limit
   * @return bytes
   */
  public static int recordBytes(PinwheelConfig config) {
    return Math.max(config.decoderMaxBytes(), PinwheelConfig.DEFAULT_CLIENT_RECORD_BYTES)
        + RECORD_OVERHEAD;
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
  public static void ensureModelsTopic(Admin admin, String topic, int recordBytes) {
    try {
      KafkaFutures.get(
          admin.createTopics(List.of(modelsTopic(topic))).all(),
          "create topic " + topic,
          MODELS_TOPIC_TIMEOUT);
      TopicReadiness.await(admin, List.of(topic), MODELS_TOPIC_TIMEOUT);
      LOG.info(
          "created models topic {} (compacted, max.message.bytes {})",
          topic,
          MODELS_MAX_MESSAGE_BYTES);
      return;
    } catch (KafkaException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config =
        KafkaFutures.get(
                admin.describeConfigs(List.of(resource)).all(),
                "describe topic " + topic,
                MODELS_TOPIC_TIMEOUT)
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
              + MODELS_MAX_MESSAGE_BYTES
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

  /**
   * The models topic: compacted (key = model name, so the topic keeps the latest record of each
   * name and a new instance replays only those), one partition (models are few; one partition keeps
   * them in publish order), {@code max.message.bytes} of {@value #MODELS_MAX_MESSAGE_BYTES}.
   */
  private static NewTopic modelsTopic(String name) {
    return new NewTopic(name, Optional.of(1), Optional.empty())
        .configs(
            Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(MODELS_MAX_MESSAGE_BYTES)));
  }

  private static Admin admin(PinwheelConfig config) {
    Map<String, Object> p = new HashMap<>(config.clientProperties());
    p.put("client.id", config.applicationId() + "-pinwheel-admin");
    return Admin.create(p);
  }
}
