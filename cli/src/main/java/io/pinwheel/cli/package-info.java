/**
 * The {@code pinwheel} command line: {@link io.pinwheel.cli.Main} and its subcommands. Standard
 * output carries only machine-readable JSON lines; messages and logs go to standard error.
 */
package io.pinwheel.cli;
