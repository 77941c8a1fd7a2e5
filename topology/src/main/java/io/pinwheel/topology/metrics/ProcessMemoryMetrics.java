package io.pinwheel.topology.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident set size, {@code process.memory.rss}: the one figure that includes the
 * native memory the JVM's meters cannot see (ND4J's arrays, OpenBLAS and oneDNN buffers, OpenCV
 * {@code Mat}s). Read from {@code /proc/self/status} (Linux); NaN where that file is missing.
 */
public final class ProcessMemoryMetrics implements MeterBinder {
  private static final Path STATUS = Path.of("/proc/self/status");

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder(
            "process.memory.rss",
            () -> {
              long bytes = residentBytes();
              return bytes < 0 ? Double.NaN : bytes;
            })
        .description("Resident set size of the process, native memory (ND4J, OpenCV) included")
        .baseUnit(BaseUnits.BYTES)
        .register(registry);
  }

  /**
   * Returns the process's resident set size.
   *
   * @return bytes, or -1 where /proc is not available
   */
  public static long residentBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
