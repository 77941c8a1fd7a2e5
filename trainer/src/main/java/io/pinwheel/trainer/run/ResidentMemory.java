package io.pinwheel.trainer.run;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.Pointer;

/** The process's resident memory, and keeping the heap's share of it to what training needs. */
public final class ResidentMemory {
  private static final Path STATUS = Path.of("/proc/self/status");

  /** The heap the JVM keeps free after a collection, at most and at least, in percent. */
  static final int MAX_HEAP_FREE = 30;

  static final int MIN_HEAP_FREE = 10;

  private ResidentMemory() {}

  /**
   * Resident memory now, in megabytes: VmRSS of {@code /proc/self/status} (heap, native buffers,
   * libraries, everything), or JavaCPP's estimate where there is no such file.
   */
  public static double megabytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.trim().split("\\s+");
          return Long.parseLong(parts[1]) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or an unexpected format: fall through to JavaCPP's figure.
    }
    return Pointer.physicalBytes() / 1048576.0;
  }

  /**
   * Lets the JVM give back heap that a job's data loading needed and training does not: reading and
   * normalizing 60,000 images leaves hundreds of megabytes of garbage, G1 grows the heap to absorb
   * it, and by default keeps up to 70% of the heap free (committed, and resident once touched)
   * after its collections. With at most {@value #MAX_HEAP_FREE}% free, the committed heap follows
   * the live data down at the next collection cycle instead. Collections are not forced; options
   * the user set on the command line ({@code -XX:MaxHeapFreeRatio}) are left alone.
   */
  public static void keepHeapTight() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    if (vm == null) {
      return;
    }
    try {
      for (String option : List.of("MinHeapFreeRatio", "MaxHeapFreeRatio")) {
        if (vm.getVMOption(option).getOrigin() != VMOption.Origin.DEFAULT) {
          return;
        }
      }
      // Min first: the JVM refuses a max below the current min.
      vm.setVMOption("MinHeapFreeRatio", Integer.toString(MIN_HEAP_FREE));
      vm.setVMOption("MaxHeapFreeRatio", Integer.toString(MAX_HEAP_FREE));
    } catch (IllegalArgumentException e) {
      // A JVM without these manageable options: its defaults stay.
    }
  }
}
