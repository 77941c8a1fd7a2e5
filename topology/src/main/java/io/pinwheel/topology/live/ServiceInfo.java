package io.pinwheel.topology.live;

import java.util.Objects;

/**
 * What the live page's header names: the application and its topics.
 *
 * @param applicationId the Kafka Streams application id
 * @param framesTopic the topic frames are read from
 * @param featuresTopic the topic feature records go to
 * @param deadLetterTopic the topic unusable frames go to
 */
public record ServiceInfo(
    String applicationId, String framesTopic, String featuresTopic, String deadLetterTopic) {

  /** Checks that every component is present. */
  public ServiceInfo {
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(framesTopic, "framesTopic");
    Objects.requireNonNull(featuresTopic, "featuresTopic");
    Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
  }
}
