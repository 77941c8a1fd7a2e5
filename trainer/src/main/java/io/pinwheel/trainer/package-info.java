/**
 * Offline construction of encoder models, which the extractor serves.
 *
 * <p>This package holds what needs no training and what every trainer shares at the file level:
 * analytic initial models built without data ({@link io.pinwheel.trainer.InitialModels}) from an
 * oriented Gabor filter bank ({@link io.pinwheel.trainer.GaborBank}), pooling groups ({@link
 * io.pinwheel.trainer.PoolGroups}, {@link io.pinwheel.trainer.Pooling}), model versions and output
 * files. The trainers live in sub-packages:
 *
 * <ul>
 *   <li>{@code sparse}: the group-sparse convolutional auto-encoder ({@code pinwheel train}),
 *       stacked stages included;
 *   <li>{@code drsae}: the discriminative recurrent sparse auto-encoder ({@code train drsae});
 *   <li>{@code lateral}: sparse coding with lateral inhibition and its PSD encoder ({@code train
 *       lateral});
 *   <li>{@code run}: what every training job shares (progress, the loss curve, the report, the
 *       result); {@code optim}: Adam, batch orders, parameter sets, training threads and native
 *       matrix products; {@code data}: data sets; {@code eval}: evaluation; {@code viz}: pictures.
 * </ul>
 */
package io.pinwheel.trainer;
