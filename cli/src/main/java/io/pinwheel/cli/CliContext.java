package io.pinwheel.cli;

import java.io.PrintWriter;

/**
 * What the subcommands of one run share: where to print and what to count.
 *
 * @param out JSON lines only
 * @param err messages for people
 * @param stats counters for {@link CliResult}
 */
record CliContext(PrintWriter out, PrintWriter err, RunStats stats) {}
