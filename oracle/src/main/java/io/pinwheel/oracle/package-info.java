/**
 * The trainers' losses as ND4J SameDiff graphs, which differentiate themselves: {@link
 * io.pinwheel.oracle.ConvSparseCoder} (the group-sparse convolutional auto-encoder) and {@link
 * io.pinwheel.oracle.DrsaeGraph} (DrSAE). They are the oracle the trainer's hand-written gradients
 * are tested against, and the baseline {@code pinwheel bench train} measures the trainer against;
 * the trainer itself no longer runs on them, and the product does not ship them.
 */
package io.pinwheel.oracle;
