/**
 * The service's configuration: {@link io.pinwheel.topology.config.PinwheelConfig} is the validated
 * record; {@code PinwheelConfigReader} reads it from a properties file, {@code ConfigValidator}
 * checks every value (reporting all bad keys at once in a {@link
 * io.pinwheel.topology.config.PinwheelConfigException}), and {@code StreamsProperties} derives the
 * Kafka clients' settings from it. The keys are documented once, in the README's configuration
 * table, which a test checks against the code.
 */
package io.pinwheel.topology.config;
