/**
 * A real Kafka broker inside the JVM ({@link io.pinwheel.topology.broker.EmbeddedKafka}), for
 * integration tests, the demo and the {@code pinwheel broker} command, so that none of them needs
 * an external Kafka installation, and {@link io.pinwheel.topology.broker.TopicReadiness}, which
 * waits until new topics on any cluster can be written.
 */
package io.pinwheel.topology.broker;
