package io.pinwheel.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the CPU did while a bench measured: the JIT compilers' time in this JVM, and the CPU other
 * processes used on the whole machine (from {@code /proc/stat} less this process's own CPU time).
 * The machines are shared, and a timed run next to someone else's build is not comparable; with the
 * broker, the clients and Kafka Streams in one JVM, C2 compiles for a minute or more and takes up
 * to half a core while it does, which is not the service's cost.
 *
 * <p>An instance is one window, from {@link #start()} to the readings.
 */
final class CpuMonitor {
  private final long wallStart;
  private final long busyTicksStart;
  private final long ownNanosStart;
  private final long jitStart;

  private CpuMonitor() {
    this.wallStart = System.nanoTime();
    this.busyTicksStart = busyTicks();
    this.ownNanosStart = ownNanos();
    this.jitStart = jitMillis();
  }

  /** A window that starts now. */
  static CpuMonitor start() {
    return new CpuMonitor();
  }

  /** Milliseconds since {@link #start()}. */
  double elapsedMillis() {
    return (System.nanoTime() - wallStart) / 1e6;
  }

  /**
   * The CPU other processes used since {@link #start()}, in percent of one core; NaN where {@code
   * /proc/stat} cannot be read.
   */
  double othersPercent() {
    long busy = busyTicks();
    if (busy < 0 || busyTicksStart < 0) {
      return Double.NaN;
    }
    // USER_HZ is 100 on every Linux the JDK runs on.
    double machineNanos = (busy - busyTicksStart) * 1e7;
    double own = ownNanos() - ownNanosStart;
    return Math.max(0, 100 * (machineNanos - own) / (System.nanoTime() - wallStart));
  }

  /**
   * The JIT compilers' work since {@link #start()}, in percent of one core; 0 where this JVM does
   * not monitor them.
   */
  double jitPercent() {
    return 100.0 * (jitMillis() - jitStart) / elapsedMillis();
  }

  /**
   * Milliseconds the JIT compilers have worked since the JVM started, or -1 if this JVM does not
   * monitor them (so that differences between two readings are 0).
   */
  static long jitMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : -1;
  }

  /**
   * Waits until the JIT compiler has drained its queue: less than 20 ms of compilation in the last
   * 500 ms, or {@code max}.
   */
  static void awaitQuietJit(Duration max) throws InterruptedException {
    long before = jitMillis();
    if (before < 0) {
      return;
    }
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      long now = jitMillis();
      if (now - before < 20) {
        break;
      }
      before = now;
    }
    Trace.line("waited %.1f s for the JIT to go quiet", (System.nanoTime() - start) / 1e9);
  }

  private static long busyTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal ...
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
        busy += Long.parseLong(f[i]);
      }
      return busy;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long ownNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  /**
   * CPU nanoseconds of every live thread, by thread name and id, with the JIT's and the whole
   * process's: a reading for {@link #traceSince}.
   */
  record ThreadCpu(Map<String, Long> nanos) {
    /** A reading now, or an empty one when tracing is off (it would only be thrown away). */
    static ThreadCpu now() {
      if (!Trace.ON) {
        return new ThreadCpu(Map.of());
      }
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      Map<String, Long> cpu = new HashMap<>();
      cpu.put("(JIT compilation, ms of CPU as ns/1e6)#0", Math.max(0, jitMillis()) * 1_000_000L);
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        cpu.put("(whole process)#0", os.getProcessCpuTime());
      }
      for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
        if (info == null) {
          continue;
        }
        long ns = mx.getThreadCpuTime(info.getThreadId());
        if (ns > 0) {
          cpu.put(info.getThreadName() + "#" + info.getThreadId(), ns);
        }
      }
      return new ThreadCpu(cpu);
    }

    /**
     * Traces what each group of threads (names with ids and numbers folded) used from this reading
     * to now, over {@code wallNanos}, in percent of one core, for one run of {@code app}.
     */
    void traceSince(String app, double fps, long wallNanos) {
      if (!Trace.ON) {
        return;
      }
      Map<String, Long> byGroup = new TreeMap<>();
      now()
          .nanos()
          .forEach(
              (name, ns) -> {
                String group =
                    name.replaceAll("#\\d+$", "")
                        .replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "X")
                        .replaceAll("\\d+", "N");
                byGroup.merge(group, ns - nanos.getOrDefault(name, 0L), Long::sum);
              });
      StringBuilder b = new StringBuilder();
      byGroup.entrySet().stream()
          .filter(e -> e.getValue() > wallNanos / 100)
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(
              e ->
                  b.append(
                      String.format(
                          Locale.ROOT,
                          "%n    %5.1f%% %s",
                          100.0 * e.getValue() / wallNanos,
                          e.getKey())));
      Trace.line(
          "%s: %.0f frames/s, %.1f s, CPU of one core by threads:%s", app, fps, wallNanos / 1e9, b);
    }
  }
}
