package io.pinwheel.cli;

import java.nio.file.Path;

/**
 * Counters the subcommands of one run fill in and {@link Main#run} turns into a {@link CliResult}.
 * One per run, used by one thread.
 */
final class RunStats {
  int imagesEncoded;
  int imagesFailed;
  Path modelWritten;
}
