/**
 * How good an encoder's codes are for what users do with them, measured honestly: the training
 * images are cut into fit and validation parts ({@link io.pinwheel.trainer.eval.DataSplit}), every
 * choice is made on validation and the chosen probe alone is scored on test ({@link
 * io.pinwheel.trainer.eval.ProbeSelection}); pixel and pre-pooling baselines can be cached ({@link
 * io.pinwheel.trainer.eval.BaselineCache}). Beside accuracy: the codes' density, their invariance
 * to small shifts and rotations by centred retrieval ({@link io.pinwheel.trainer.eval.Invariance}),
 * accuracy and retrieval against density ({@link io.pinwheel.trainer.eval.DensitySweep}), and
 * temporal stability under a synthetic moving camera ({@link io.pinwheel.trainer.eval.Stability}).
 * {@link io.pinwheel.trainer.eval.Evaluation#run} does the Fashion-MNIST part; {@code pinwheel
 * eval} and {@code pinwheel eval stability} print the results.
 */
package io.pinwheel.trainer.eval;
