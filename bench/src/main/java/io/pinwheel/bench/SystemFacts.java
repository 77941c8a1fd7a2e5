package io.pinwheel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a benchmark says about the machine it ran on: the CPU model and how busy it was. */
final class SystemFacts {
  private SystemFacts() {}

  /** The CPU's model name from /proc/cpuinfo (what {@code lscpu} shows), or "unknown". */
  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: say so below.
    }
    return "unknown";
  }

  /** The 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown". */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
