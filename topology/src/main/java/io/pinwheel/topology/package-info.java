/**
 * The pinwheel feature service on Kafka Streams: image frames in, sparse feature records out.
 *
 * <p>{@link io.pinwheel.topology.config} reads and validates the configuration; {@link
 * io.pinwheel.topology.stream} builds the topology; {@link io.pinwheel.topology.model} decides
 * which encoder serves and hot-reloads new ones; {@link io.pinwheel.topology.metrics} exposes the
 * meters. A {@code main} wires them:
 *
 * <pre>{@code
 * PinwheelConfig config = PinwheelConfig.fromProperties(properties);
 * PinwheelMetrics metrics = new PinwheelMetrics();
 * try (ModelRegistry registry = new ModelRegistry(metrics)) {
 *   registry.listen(config.modelsTopic(), config.clientProperties()).awaitCaughtUp(timeout);
 *   config.modelsDir().ifPresent(dir -> registry.watch(dir, config.modelsDirPollInterval()));
 *   registry.offerDefault(builtInModel, "built-in");
 *   Topology topology = FeatureTopology.build(config, registry, metrics);
 *   try (KafkaStreams streams = new KafkaStreams(topology, config.toStreamsProperties())) {
 *     streams.start();
 *     ...
 *   }
 * }
 * }</pre>
 */
package io.pinwheel.topology;
