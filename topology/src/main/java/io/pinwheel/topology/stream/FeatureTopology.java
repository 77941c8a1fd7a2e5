package io.pinwheel.topology.stream;

import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.EncoderSource;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * The pinwheel topology: frames in, feature records or dead letters out.
 *
 * <pre>
 * frames topic ──▶ [frames] ──▶ [extract] ──┬──▶ [features]     ──▶ features topic
 *  (byte[] key,                             └──▶ [dead-letters] ──▶ dead-letter topic
 *   image bytes)
 * </pre>
 *
 * <p>{@code extract} decodes each frame to the serving model's input, encodes it, and writes a
 * feature record (in the configured format, same key, same timestamp, the input's headers but for
 * {@code content-type}, which becomes the record's) to the features topic; a frame that cannot be
 * decoded or encoded goes to the dead-letter topic with its original key, bytes and headers plus
 * the headers in {@link PinwheelHeaders}. Every input record ends in exactly one of the two topics;
 * with {@code exactly_once_v2} that holds across crashes and restarts for {@code read_committed}
 * consumers, since the output and the input offset commit in one transaction.
 *
 * <p>The topology is stateless: no state stores, no repartitioning, no internal topics. It scales
 * by partitions: each partition of the frames topic is a task with its own decoder and encoder, a
 * stream thread runs any number of tasks, and instances started with the same {@code
 * application.id} share the partitions between them. So the frames topic's partition count is the
 * most parallelism there can be; records of one key stay in order.
 *
 * <p>Creating the topics is the caller's job: this factory only describes the processing.
 */
public final class FeatureTopology {
  /** Name of the source node reading the frames topic. */
  public static final String SOURCE = "frames";

  /** Name of the processor node that decodes and encodes. */
  public static final String PROCESSOR = "extract";

  /** Name of the sink node writing the features topic. */
  public static final String FEATURES_SINK = "features";

  /** Name of the sink node writing the dead-letter topic. */
  public static final String DEAD_LETTER_SINK = "dead-letters";

  private FeatureTopology() {}

  /**
   * Builds the topology. Pure: nothing starts, nothing connects; the same call serves {@code
   * KafkaStreams} in production and {@code TopologyTestDriver} in tests.
   *
   * @param config the topics, the feature format and the decoder limits
   * @param source the model to encode with, read once per record; it must have a model by the time
   *     the first task starts
   * @param metrics where frames, features, dead letters and timings are counted
   * @return a new topology
   */
  public static Topology build(
      PinwheelConfig config, EncoderSource source, PinwheelMetrics metrics) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(metrics, "metrics");
    Topology topology = new Topology();
    topology.addSource(
        SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.framesTopic());
    topology.addProcessor(
        PROCESSOR,
        () ->
            new ExtractProcessor(
                source,
                metrics,
                config.decoderOptions(),
                config.featureFormat(),
                config.featuresTopic()),
        SOURCE);
    topology.addSink(
        FEATURES_SINK,
        config.featuresTopic(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        PROCESSOR);
    topology.addSink(
        DEAD_LETTER_SINK,
        config.deadLetterTopic(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        PROCESSOR);
    return topology;
  }
}
