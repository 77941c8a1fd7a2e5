/**
 * Which encoder model the service serves, and how a new one gets there: {@link
 * io.pinwheel.topology.model.ModelRegistry} verifies, warms up and atomically swaps models offered
 * by {@link io.pinwheel.topology.model.ModelsTopicListener} (the compacted models topic), {@link
 * io.pinwheel.topology.model.ModelDirectoryWatcher} (a watched directory) or the caller; {@link
 * io.pinwheel.topology.model.ModelPublisher} puts a model on the topic, and {@link
 * io.pinwheel.topology.model.ModelRollouts} rolls versions back and pins them there ({@link
 * io.pinwheel.topology.model.RolloutState}, one record applied by the registry). {@link
 * io.pinwheel.topology.model.ReloadEvent}s are the registry's decisions, for the live page. The
 * stream threads see only {@link io.pinwheel.topology.model.EncoderSource}.
 */
package io.pinwheel.topology.model;
