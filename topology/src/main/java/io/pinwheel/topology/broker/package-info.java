/**
 * A real Kafka broker inside the JVM ({@link io.pinwheel.topology.broker.EmbeddedKafka}), for
 * integration tests, the demo and the {@code pinwheel broker} command, so that none of them needs
 * an external Kafka installation.
 */
package io.pinwheel.topology.broker;
