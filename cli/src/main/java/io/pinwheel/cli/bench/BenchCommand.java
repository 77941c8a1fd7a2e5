package io.pinwheel.cli.bench;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code pinwheel bench}: speed and memory benchmarks. SKELETON: being written. */
@Command(name = "bench", description = "Benchmarks: encoder speed, native-memory soak.")
public final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return 0;
  }
}
