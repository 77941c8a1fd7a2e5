/**
 * The live page on the metrics port ({@link io.pinwheel.topology.live.LivePage}): static files and
 * read-only JSON of the service's rates, latencies, dead letters, code density, consumer lag,
 * serving model, reload timeline and filters, sampled once a second over ten minutes by {@link
 * io.pinwheel.topology.live.LiveSampler}.
 */
package io.pinwheel.topology.live;
