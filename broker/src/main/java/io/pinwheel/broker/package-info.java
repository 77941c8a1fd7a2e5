/**
 * A real Kafka broker inside the JVM ({@link io.pinwheel.broker.EmbeddedKafka}): for integration
 * tests, the demo, {@code bench pipeline} and the {@code pinwheel broker} command, so that none of
 * them needs an external Kafka installation. The service itself never depends on this package: it
 * is the only place that puts the broker ({@code kafka_2.13}) on a class path.
 */
package io.pinwheel.broker;
