/**
 * What every training job shares, whatever it trains: the progress it reports ({@link
 * io.pinwheel.trainer.run.TrainingListener}, {@link io.pinwheel.trainer.run.StepInfo}, {@link
 * io.pinwheel.trainer.run.EpochInfo}), the loss curve drawn from the steps ({@link
 * io.pinwheel.trainer.run.StepCurve}), the parts of the report every job writes and how it is
 * written ({@link io.pinwheel.trainer.run.Reports}), what a job hands back ({@link
 * io.pinwheel.trainer.run.JobResult}), the checks every job's spec shares ({@link
 * io.pinwheel.trainer.run.JobSpecs}), what a run on a labelled data set holds out of it ({@link
 * io.pinwheel.trainer.run.Holdout}: eval's validation part, and the test split unless asked), and
 * the process's resident memory ({@link io.pinwheel.trainer.run.ResidentMemory}).
 */
package io.pinwheel.trainer.run;
