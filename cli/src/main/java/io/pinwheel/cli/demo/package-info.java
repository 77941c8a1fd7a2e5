/**
 * {@code pinwheel demo}: the command ({@link io.pinwheel.cli.demo.DemoCommand}), the run itself
 * ({@link io.pinwheel.cli.demo.Demo}: broker, service and clients in one JVM), the paced producer
 * ({@link io.pinwheel.cli.demo.FrameProducer}) and the consumer that counts what comes out ({@link
 * io.pinwheel.cli.demo.OutputTally}).
 */
package io.pinwheel.cli.demo;
