package io.pinwheel.topology.admin;

import java.util.List;
import org.apache.kafka.common.KafkaException;

/**
 * The service cannot start because topics it reads or writes do not exist. Kafka Streams would
 * otherwise start, find its source topic missing at the first rebalance and stop with an error far
 * from its cause; and a producer would let a broker with automatic topic creation make the output
 * topics with one partition and the default record size limit.
 */
public final class MissingTopicsException extends KafkaException {
  private static final long serialVersionUID = 1L;

  /** Unmodifiable. */
  @SuppressWarnings("serial")
  private final List<String> topics;

  /**
   * Creates the exception.
   *
   * @param topics the missing topics, at least one
   */
  public MissingTopicsException(List<String> topics) {
    super(
        "missing Kafka topic"
            + (topics.size() == 1 ? " " : "s ")
            + String.join(", ", topics)
            + ": create "
            + (topics.size() == 1 ? "it" : "them")
            + " first (the frames topic's partition count is the most parallelism the service"
            + " can have), or let pinwheel create them with default settings");
    this.topics = List.copyOf(topics);
  }

  /**
   * Returns the topics that do not exist.
   *
   * @return their names, in the order frames, features, dead-letter topic
   */
  public List<String> topics() {
    return topics;
  }
}
