/**
 * What every trainer's optimisation shares: parameter sets on the heap ({@link
 * io.pinwheel.trainer.optim.Parameters}), Adam and the learning-rate schedule ({@link
 * io.pinwheel.trainer.optim.Adam}), seeded batch orders ({@link
 * io.pinwheel.trainer.optim.Shuffles}), worker threads for data-parallel steps and the sum of their
 * parts ({@link io.pinwheel.trainer.optim.TrainingThreads}), and native buffers with prepared
 * matrix products on them ({@link io.pinwheel.trainer.optim.NativeBuffer}, {@link
 * io.pinwheel.trainer.optim.MatrixProduct}).
 */
package io.pinwheel.trainer.optim;
