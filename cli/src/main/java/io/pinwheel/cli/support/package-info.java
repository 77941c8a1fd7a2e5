/**
 * What several commands share: the run's output and counters ({@link
 * io.pinwheel.cli.support.CliContext}), exit codes, JSON lines, the progress line, image file
 * discovery and the frames the demo streams, the shipped models, stopping on Ctrl-C or SIGTERM,
 * duration options, latency percentiles and the log filter for Kafka's noise; and the picocli
 * mixins of the options several commands take, each with one name, type, label and default: {@link
 * io.pinwheel.cli.support.ModelOption} ({@code --model}, the one model loader, and {@link
 * io.pinwheel.cli.support.ModelsOption} where it repeats), {@link
 * io.pinwheel.cli.support.KafkaOptions} ({@code --bootstrap-servers}, {@code --client-config}),
 * {@link io.pinwheel.cli.support.ModelsTopicOption} ({@code --models-topic}), {@link
 * io.pinwheel.cli.support.MetricsOptions}, {@link io.pinwheel.cli.support.ServiceOverrides} ({@code
 * --set}), {@link io.pinwheel.cli.support.PartitionsOption}, {@link
 * io.pinwheel.cli.support.DataOption}, {@link io.pinwheel.cli.support.SeedOption}, {@link
 * io.pinwheel.cli.support.HoldoutOptions} ({@code --fit-on}, {@code --score-test}), {@link
 * io.pinwheel.cli.support.NormalizeOption}, {@link io.pinwheel.cli.support.OutputRuleOption}
 * ({@code --output-rule}) and {@link io.pinwheel.cli.support.MinActiveOption} ({@code
 * --min-active}). Nothing here imports a command.
 */
package io.pinwheel.cli.support;
