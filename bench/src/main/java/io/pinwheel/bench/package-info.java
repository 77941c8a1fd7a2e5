/**
 * {@code pinwheel bench}: the encoder's speed against the alternatives a user could pick (ND4J's
 * conv2d op, OpenCV filter2D) next to this machine's SGEMM peak and the GEMM at the encoder's
 * shape; camera frames (JPEG bytes to codes, and what reduced decoding does to the codes); a soak
 * run that shows native memory stays flat; and the service through a broker. Figures go in
 * BENCHMARKS.md with the command that produced them.
 */
package io.pinwheel.bench;
