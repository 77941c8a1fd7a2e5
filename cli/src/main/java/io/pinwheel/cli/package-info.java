/**
 * The {@code pinwheel} command line: {@link io.pinwheel.cli.Main}, whose {@code run} returns a
 * {@link io.pinwheel.cli.CliResult}, and the command tree. Commands are grouped by what they serve:
 * {@link io.pinwheel.cli.service} (the service and its models topic), {@link io.pinwheel.cli.demo},
 * {@link io.pinwheel.cli.models} (encoding, training, evaluating and making encoders) and {@link
 * io.pinwheel.cli.clients} (producing frames, consuming features); {@link io.pinwheel.cli.support}
 * holds what several of them share. Imports run one way: this package, then the command packages,
 * then support. Other modules add commands through {@link io.pinwheel.cli.AddOnCommand} ({@code
 * bench} does).
 *
 * <p>Standard output carries each command's result: JSON lines (every key camelCase), except where
 * a command prints a table for people, which {@code eval} and the {@code bench} commands do unless
 * given {@code --json}, and {@code consume} does with {@code --format table}. Messages, progress
 * lines and logs go to standard error.
 */
package io.pinwheel.cli;
