/**
 * The pinwheel feature service on Kafka Streams: image frames in, sparse feature records (or dead
 * letters) out.
 *
 * <p>{@link io.pinwheel.topology.service.PinwheelService} runs it: {@code serve}, {@code demo} and
 * {@code bench pipeline} start it through its builder, and own nothing else of it.
 *
 * <pre>{@code
 * PinwheelConfig config = PinwheelConfig.fromProperties(properties);   // every bad key at once
 * try (PinwheelService service =
 *     PinwheelService.builder(config, initialModel).ensureTopics(partitions).start()) {
 *   service.awaitRunning(Duration.ofSeconds(60));
 *   ... // until told to stop
 * }
 * }</pre>
 *
 * <p>The packages below it, each using only those listed before it: {@link
 * io.pinwheel.topology.config} (the configuration: the record, its reader and validator, the Kafka
 * clients' properties derived from it), {@link io.pinwheel.topology.metrics} (the meters and the
 * {@code /metrics} and {@code /health} endpoint), {@link io.pinwheel.topology.admin} (creating and
 * checking the service's topics), {@link io.pinwheel.topology.model} (which encoder serves, and
 * hot-reloading new ones), {@link io.pinwheel.topology.stream} (the topology factory, decoding,
 * encoding and dead-lettering each frame) and {@link io.pinwheel.topology.service} (wiring them
 * together and owning them). This package itself holds what several of them name: {@link
 * io.pinwheel.topology.DeadLetterReason}.
 */
package io.pinwheel.topology;
