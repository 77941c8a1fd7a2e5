/**
 * The Kafka Streams topology: {@link io.pinwheel.topology.stream.FeatureTopology} builds it (a pure
 * factory, tested through {@code TopologyTestDriver}); its one processor, {@code ExtractProcessor},
 * decodes and encodes each frame with the serving model and forwards either its feature record or
 * the frame itself, as a dead letter under a {@link io.pinwheel.topology.DeadLetterReason}; {@link
 * io.pinwheel.topology.stream.PinwheelHeaders} names the headers it reads and writes.
 */
package io.pinwheel.topology.stream;
