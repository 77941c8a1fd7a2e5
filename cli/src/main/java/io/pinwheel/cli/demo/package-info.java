/**
 * The parts of {@code pinwheel demo}: the frames it streams ({@link
 * io.pinwheel.cli.demo.FrameSource}), the paced producer ({@link
 * io.pinwheel.cli.demo.FrameProducer}), the consumer that counts what comes out ({@link
 * io.pinwheel.cli.demo.OutputTally}) and the run itself ({@link io.pinwheel.cli.demo.Demo}); plus
 * what the long-running commands ({@code serve}, {@code broker}, {@code demo}) share: stopping on
 * Ctrl-C or SIGTERM ({@link io.pinwheel.cli.demo.StopSignal}) and reading durations ({@link
 * io.pinwheel.cli.demo.DurationConverter}).
 */
package io.pinwheel.cli.demo;
