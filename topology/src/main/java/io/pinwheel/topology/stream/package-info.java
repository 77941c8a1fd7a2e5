/**
 * The Kafka Streams topology: {@link io.pinwheel.topology.stream.FeatureTopology} builds it, and
 * {@link io.pinwheel.topology.stream.PinwheelHeaders} names the headers it reads and writes.
 */
package io.pinwheel.topology.stream;
