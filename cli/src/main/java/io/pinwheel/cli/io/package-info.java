/**
 * What {@code pinwheel produce} and {@code pinwheel consume} read and measure: streams of encoded
 * frames from image files, a video file or a camera ({@link io.pinwheel.cli.io.FrameStream}), and
 * end-to-end latency percentiles ({@link io.pinwheel.cli.io.LatencyStats}).
 */
package io.pinwheel.cli.io;
