package io.pinwheel.cli.support;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --partitions N}: how many partitions the frames, features and dead-letter topics get when
 * a command creates them ({@code demo}, {@code bench pipeline}, and {@code serve --create-topics}).
 * The number of partitions bounds how many stream threads, across all instances, share the work.
 */
public final class PartitionsOption {
  /** Partitions unless told otherwise. */
  public static final int DEFAULT = 2;

  @Option(
      names = "--partitions",
      defaultValue = "" + DEFAULT,
      paramLabel = "N",
      description =
          "Partitions of the frames, features and dead-letter topics when they are created."
              + " Default: ${DEFAULT-VALUE}.")
  int partitions;

  /** {@code --partitions}. */
  public int partitions() {
    return partitions;
  }

  /**
   * Checks the count.
   *
   * @throws ParameterException if it is below 1
   */
  public void validate(CommandSpec spec) {
    if (partitions < 1) {
      throw new ParameterException(
          spec.commandLine(), "--partitions must be at least 1, got " + partitions);
    }
  }
}
