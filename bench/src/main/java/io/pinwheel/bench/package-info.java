/**
 * {@code pinwheel bench}: the encoder's speed against the alternatives a user could pick (ND4J's
 * conv2d op, OpenCV filter2D) next to this machine's SGEMM peak, and a soak run that shows native
 * memory stays flat. Figures go in BENCHMARKS.md with the command that produced them.
 */
package io.pinwheel.bench;
