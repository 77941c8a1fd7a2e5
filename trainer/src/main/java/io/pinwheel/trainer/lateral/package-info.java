/**
 * The numerical core of sparse coding with learned lateral inhibition (Gregor, Szlam &amp; LeCun,
 * "Structured sparse coding via lateral inhibition", NIPS 2011). Non-negative codes z minimise
 *
 * <pre>
 *   E(x, z) = ‖x − W z‖² + λ Σ_i z_i + zᵀ S z,   z ≥ 0
 * </pre>
 *
 * with a unit-column dictionary W and a symmetric, non-negative, zero-diagonal inhibition matrix S
 * whose zero pattern is an {@link io.pinwheel.trainer.lateral.InhibitionPattern} (free, or a tree
 * where a unit inhibits all but its own branch).
 *
 * <p>One training step is: infer z for a batch with {@link io.pinwheel.trainer.lateral.Fista}, then
 * update W by descent and S by bounded ascent with {@link
 * io.pinwheel.trainer.lateral.LateralInhibition#step}. All arrays are batch-major ([N, D], [N, K])
 * and work in any floating data type shared by the inputs; double precision is what the tests
 * check.
 *
 * <p>{@link io.pinwheel.trainer.lateral.LateralTrainer} runs those steps on image patches and
 * trains a feed-forward {@link io.pinwheel.trainer.lateral.PsdEncoder} to predict the codes; {@link
 * io.pinwheel.trainer.lateral.LateralExport} writes that encoder as an ordinary encoder file (a
 * conv layer with the patch as kernel and an identity L2 pool), and {@link
 * io.pinwheel.trainer.lateral.LateralJob} is one run of {@code pinwheel train lateral}: data,
 * training, threshold, pictures and report.
 */
package io.pinwheel.trainer.lateral;
