package io.pinwheel.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PinwheelRegistriesTest {

  private final PrometheusMeterRegistry registry = PinwheelRegistries.prometheus();

  @AfterEach
  void closeRegistry() {
    registry.close();
  }

  @Test
  void shouldIncludeTheJvmAndProcessMeters() {
    assertThat(registry.getMeters().stream().map(m -> m.getId().getName()))
        .contains(
            "jvm.classes.loaded",
            "jvm.memory.used",
            "jvm.gc.memory.allocated",
            "jvm.threads.live",
            "system.cpu.count",
            "process.uptime");
  }

  @Test
  void shouldScrapeTheJvmMetersInPrometheusFormat() {
    assertThat(registry.scrape())
        .contains("jvm_memory_used_bytes{")
        .contains("process_uptime_seconds");
  }

  @Test
  void shouldReportResidentMemoryIncludingNativeMemory() {
    // On Linux the gauge reads /proc; the JVM alone is resident for tens of megabytes.
    assertThat(registry.get("process.memory.rss").gauge().value()).isGreaterThan(10e6);
    assertThat(registry.scrape()).contains("process_memory_rss_bytes");
  }

  @Test
  void shouldHoldThePinwheelMetersToo() {
    PinwheelMetrics metrics = new PinwheelMetrics();
    metrics.bindTo(registry);
    metrics.frameIn();

    assertThat(registry.scrape()).contains("pinwheel_frames_in_total 1.0");
  }

  @Test
  void shouldStopRecordingGcPausesOnceClosed() {
    System.gc();
    await().atMost(Duration.ofSeconds(10)).until(() -> gcPauses(registry) > 0);

    registry.close();
    long afterClose = gcPauses(registry);
    System.gc();

    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> gcPauses(registry) == afterClose);
  }

  private static long gcPauses(MeterRegistry registry) {
    return registry.find("jvm.gc.pause").timers().stream().mapToLong(Timer::count).sum();
  }
}
