package io.pinwheel.cli.support;

import io.pinwheel.cli.CliResult;
import java.io.PrintWriter;

/**
 * What the subcommands of one run share: where to print and what to count.
 *
 * @param out JSON lines only
 * @param err messages for people
 * @param stats counters for {@link CliResult}
 */
public record CliContext(PrintWriter out, PrintWriter err, RunStats stats) {}
