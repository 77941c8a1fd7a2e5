package io.pinwheel.cli.support;

import picocli.CommandLine.Option;

/** {@code --seed N}: what the training commands' random choices start from. */
public final class SeedOption {
  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = {
        "Seeds every random choice of the run: start weights, batch order, patches and shifts.",
        "Default: ${DEFAULT-VALUE}."
      })
  long seed;

  /** {@code --seed}. */
  public long seed() {
    return seed;
  }
}
