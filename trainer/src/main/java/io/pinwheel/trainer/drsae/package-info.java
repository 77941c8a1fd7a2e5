/**
 * The model core of DrSAE, the discriminative recurrent sparse auto-encoder of Rolfe &amp; LeCun
 * (2013, "Discriminative Recurrent Sparse Auto-Encoders"): a ReLU encoder unrolled for T steps
 * through a learned lateral matrix, a linear decoder, an L1 penalty on the final code and a softmax
 * classifier on it.
 *
 * <p>{@link io.pinwheel.trainer.drsae.DrsaeModel} holds the architecture and parameters; {@link
 * io.pinwheel.trainer.drsae.DrsaeGradients} computes the loss and its gradient by hand, back
 * through the T steps, on buffers allocated once, split over threads: the products with the sparse
 * codes as loops over their active units ({@link io.pinwheel.trainer.drsae.SparseRows}), the dense
 * ones on libnd4j's matmul; {@link io.pinwheel.trainer.drsae.DrsaeTrainer} trains with Adam, whose
 * step, the norm projection and the weight average also run on those threads; {@link
 * io.pinwheel.trainer.drsae.DrsaeJob} reads the data and writes the model, its pictures and report.
 * (A SameDiff graph of the same loss, in the tests, is the oracle the gradients are checked
 * against.) The schedule follows the paper: a first phase with α = 0 (reconstruction and sparsity
 * only), so the recurrence settles into a sparse code of the data, then a discriminative phase with
 * α &gt; 0 that keeps the reconstruction and sparsity terms, so the code stays a code of the input
 * rather than collapsing onto the classes. A reasonable start for 28×28 images scaled to [0, 1]
 * (reconstruction error of order 10 per image, cross-entropy of order 1) is K = 400, T = 11, λ ≈
 * 0.1–0.5, a few epochs with α = 0, then as many with α ≈ 1–10.
 *
 * <p>Norms are bounded after every step, as in the paper: decoder columns unit norm, so sparsity
 * cannot be bought by scaling; encoder rows norm ≤ 1, so the recurrence's input drive stays
 * bounded. The paper also classifies the normalised code z/‖z‖; this package classifies z itself.
 */
package io.pinwheel.trainer.drsae;
