/**
 * The service's configuration: {@link io.pinwheel.topology.config.PinwheelConfig} holds and
 * validates every key (its class comment is the configuration reference), and reports all bad keys
 * at once in a {@link io.pinwheel.topology.config.PinwheelConfigException}.
 */
package io.pinwheel.topology.config;
