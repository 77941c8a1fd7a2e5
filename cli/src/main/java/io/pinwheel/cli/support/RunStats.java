package io.pinwheel.cli.support;

import io.pinwheel.cli.CliResult;
import io.pinwheel.cli.Main;
import java.nio.file.Path;

/**
 * Counters the subcommands of one run fill in and {@link Main#run} turns into a {@link CliResult}.
 * One per run, used by one thread.
 */
public final class RunStats {
  public int imagesEncoded;
  public int imagesFailed;
  public Path modelWritten;
}
