/**
 * Kafka clients of a running service: {@code produce} (images or video frames onto the frames
 * topic, from {@link io.pinwheel.cli.clients.FrameStream}s) and {@code consume} (feature records
 * off the features topic).
 */
package io.pinwheel.cli.clients;
