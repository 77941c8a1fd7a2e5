/**
 * How good an encoder's codes are for what users do with them: a linear probe's accuracy on a
 * labelled data set (Fashion-MNIST), the codes' density, and their invariance to small shifts and
 * rotations next to raw pixels and to the codes before pooling. {@link
 * io.pinwheel.trainer.eval.Evaluation#run} does all of it; {@code pinwheel eval} prints the result.
 */
package io.pinwheel.trainer.eval;
