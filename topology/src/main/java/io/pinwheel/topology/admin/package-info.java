/**
 * The service's Kafka topics: {@link io.pinwheel.topology.admin.PinwheelTopics} creates them where
 * missing, with the settings the service needs (record sizes, a compacted models topic), and checks
 * that they exist ({@link io.pinwheel.topology.admin.MissingTopicsException}); {@link
 * io.pinwheel.topology.admin.KafkaFutures} waits for a client's future.
 */
package io.pinwheel.topology.admin;
