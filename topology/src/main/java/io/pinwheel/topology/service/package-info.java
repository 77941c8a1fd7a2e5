/**
 * The running feature service: {@link io.pinwheel.topology.service.PinwheelService} wires the model
 * registry and its sources, the Kafka Streams topology, the metrics and the {@code /metrics} and
 * {@code /health} endpoint together, owns each of them and closes them in reverse order. The {@code
 * serve} and {@code demo} commands and {@code bench pipeline} are thin shells around it.
 */
package io.pinwheel.topology.service;
