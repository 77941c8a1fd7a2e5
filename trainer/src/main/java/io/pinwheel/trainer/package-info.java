/**
 * Offline construction of encoder models. For now: analytic initial models built without any data
 * ({@link io.pinwheel.trainer.InitialModels}) from an oriented Gabor filter bank ({@link
 * io.pinwheel.trainer.GaborBank}) and pooling groups ({@link io.pinwheel.trainer.PoolGroups}).
 */
package io.pinwheel.trainer;
