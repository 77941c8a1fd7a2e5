/**
 * The group-sparse convolutional auto-encoder that {@code pinwheel train} learns: a conv layer with
 * ReLU and per-map gain whose code is penalised by the L2 pooling the encoder serves, reconstructed
 * by a linear convolutional decoder.
 *
 * <p>{@link io.pinwheel.trainer.sparse.ConvGradients} computes the energy and its gradient by hand
 * as matrix products on im2col columns, split over threads ({@link
 * io.pinwheel.trainer.sparse.ConvWorkspace} per thread, {@link
 * io.pinwheel.trainer.sparse.GroupPooling} for the pooling term in closed form); {@link
 * io.pinwheel.trainer.sparse.ConvTrainer} runs Adam over epochs from a {@link
 * io.pinwheel.trainer.sparse.TrainState}; {@link io.pinwheel.trainer.sparse.ModelExport} turns
 * states into encoder files and checkpoints and back; {@link
 * io.pinwheel.trainer.sparse.TrainingJob} is one run of the command: data, training, threshold,
 * pictures and report. docs/training.md describes the model and the method.
 */
package io.pinwheel.trainer.sparse;
