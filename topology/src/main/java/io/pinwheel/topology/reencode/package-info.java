/**
 * Re-encoding history: {@link io.pinwheel.topology.reencode.Reencoder} encodes the frames retained
 * in the frames topic, from a start offset or time to the end offsets of its start, with one model
 * into a per-version features topic, exactly once and resumably.
 */
package io.pinwheel.topology.reencode;
