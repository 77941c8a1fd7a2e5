/**
 * What several commands share: the run's output and counters ({@link
 * io.pinwheel.cli.support.CliContext}), exit codes, JSON lines, the progress line, image file
 * discovery and the frames the demo streams, the shipped models, stopping on Ctrl-C or SIGTERM,
 * duration options, latency percentiles and the log filter for Kafka's noise. Nothing here imports
 * a command.
 */
package io.pinwheel.cli.support;
