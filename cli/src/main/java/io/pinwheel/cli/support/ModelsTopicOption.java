package io.pinwheel.cli.support;

import io.pinwheel.topology.config.PinwheelConfig;
import picocli.CommandLine.Option;

/**
 * {@code --models-topic TOPIC}: the models topic that every running service reads, where {@code
 * publish-model} writes models, rollbacks and pins, and {@code train --publish-to} its result. The
 * service's own name for it is the configuration key {@code pinwheel.topic.models}, with the same
 * default.
 */
public final class ModelsTopicOption {
  @Option(
      names = "--models-topic",
      defaultValue = PinwheelConfig.DEFAULT_MODELS_TOPIC,
      paramLabel = "TOPIC",
      description = "The models topic the services read. Default: ${DEFAULT-VALUE}.")
  String topic;

  /** {@code --models-topic}. */
  public String topic() {
    return topic;
  }
}
