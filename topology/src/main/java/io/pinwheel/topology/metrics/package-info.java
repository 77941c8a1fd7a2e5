/**
 * Metrics and health for the pinwheel topology: the {@code pinwheel.*} meters ({@link
 * io.pinwheel.topology.metrics.PinwheelMetrics}), the registries they live in ({@link
 * io.pinwheel.topology.metrics.PinwheelRegistries}, with the JVM's meters and the process's
 * resident memory, {@link io.pinwheel.topology.metrics.ProcessMemoryMetrics}) and a tiny HTTP
 * endpoint serving the Prometheus scrape and a health check ({@link
 * io.pinwheel.topology.metrics.MetricsServer}).
 */
package io.pinwheel.topology.metrics;
