package io.pinwheel.topology.security;

import io.pinwheel.topology.config.PinwheelConfig;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs each part of pinwheel needs on a cluster that authorizes, and no more: what an operator
 * grants each role's principal, and what the tests grant to show that it is enough.
 *
 * <p>Kafka's rules that shape the lists: {@code READ} and {@code WRITE} on a topic imply {@code
 * DESCRIBE} of it; an idempotent producer needs {@code WRITE} on a topic it writes (Kafka 3.0 on,
 * no cluster {@code IDEMPOTENT_WRITE}); a transactional producer needs {@code WRITE} on its
 * transactional id, and committing consumed offsets in a transaction {@code READ} on the group. The
 * README's table "Secured clusters" lists the same.
 */
public final class PinwheelAcls {

  /** Group prefix of {@code pinwheel consume} without {@code --group}. */
  public static final String CONSUME_GROUP_PREFIX = "pinwheel-consume-";

  /** Group prefix of {@code docs/examples/read_features.py}. */
  public static final String PYTHON_READER_GROUP_PREFIX = "read-features-";

  private PinwheelAcls() {}

  /**
   * What {@code pinwheel serve} needs: read frames and the models topic, write features and dead
   * letters, its consumer group, and (under exactly-once) its transactional ids, which Kafka
   * Streams names {@code <application.id>-<process>-<thread>}.
   *
   * @param principal such as {@code User:pinwheel}
   * @param config the service's topics and application id
   * @return the bindings to create
   */
  public static List<AclBinding> serve(String principal, PinwheelConfig config) {
    String app = config.applicationId();
    return List.of(
        topic(principal, config.framesTopic(), AclOperation.READ),
        topic(principal, config.modelsTopic(), AclOperation.READ),
        topic(principal, config.featuresTopic(), AclOperation.WRITE),
        topic(principal, config.deadLetterTopic(), AclOperation.WRITE),
        allow(principal, ResourceType.GROUP, app, PatternType.LITERAL, AclOperation.READ),
        allow(
            principal,
            ResourceType.TRANSACTIONAL_ID,
            app + "-",
            PatternType.PREFIXED,
            AclOperation.WRITE));
  }

  /**
   * What creating the service's topics needs ({@code serve --create-topics}, and {@code
   * publish-model} when the models topic is missing): {@code CREATE} on each of them. Not needed
   * where an administrator creates the topics.
   *
   * @param principal such as {@code User:pinwheel}
   * @param config the service's topics
   * @return the bindings to create
   */
  public static List<AclBinding> createTopics(String principal, PinwheelConfig config) {
    return List.of(
        topic(principal, config.framesTopic(), AclOperation.CREATE),
        topic(principal, config.featuresTopic(), AclOperation.CREATE),
        topic(principal, config.deadLetterTopic(), AclOperation.CREATE),
        topic(principal, config.modelsTopic(), AclOperation.CREATE));
  }

  /**
   * What {@code pinwheel produce} needs: write frames (idempotently).
   *
   * @param principal such as {@code User:camera-1}
   * @param framesTopic the frames topic
   * @return the bindings to create
   */
  public static List<AclBinding> produce(String principal, String framesTopic) {
    return List.of(topic(principal, framesTopic, AclOperation.WRITE));
  }

  /**
   * What a reader of feature records needs ({@code pinwheel consume}, {@code read_features.py}):
   * read the features topic, and use consumer groups whose names start with {@code groupPrefix}.
   *
   * @param principal such as {@code User:analytics}
   * @param featuresTopic the features topic
   * @param groupPrefix {@link #CONSUME_GROUP_PREFIX}, {@link #PYTHON_READER_GROUP_PREFIX}, or a
   *     group of one's own
   * @return the bindings to create
   */
  public static List<AclBinding> consume(
      String principal, String featuresTopic, String groupPrefix) {
    return List.of(
        topic(principal, featuresTopic, AclOperation.READ),
        allow(principal, ResourceType.GROUP, groupPrefix, PatternType.PREFIXED, AclOperation.READ));
  }

  /**
   * What {@code pinwheel publish-model} needs: write the models topic. It also reads the topic's
   * {@code max.message.bytes} when allowed ({@code DESCRIBE_CONFIGS}, optional), to refuse a model
   * too large for it before sending.
   *
   * @param principal such as {@code User:trainer}
   * @param modelsTopic the models topic
   * @return the bindings to create
   */
  public static List<AclBinding> publishModel(String principal, String modelsTopic) {
    return List.of(topic(principal, modelsTopic, AclOperation.WRITE));
  }

  private static AclBinding topic(String principal, String topic, AclOperation operation) {
    return allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, operation);
  }

  private static AclBinding allow(
      String principal,
      ResourceType type,
      String name,
      PatternType pattern,
      AclOperation operation) {
    Objects.requireNonNull(principal, "principal");
    if (!principal.contains(":")) {
      throw new IllegalArgumentException(
          "a principal is TYPE:NAME, such as User:pinwheel; got '" + principal + "'");
    }
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
  }
}
