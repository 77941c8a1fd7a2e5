package io.pinwheel.topology.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.ModelRegistry;
import io.pinwheel.topology.model.TestModels;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LiveSamplerTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PinwheelMetrics metrics = new PinwheelMetrics();
  private final ModelRegistry models = new ModelRegistry(metrics);
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final LiveSampler sampler;

  LiveSamplerTest() {
    metrics.bindTo(registry);
    sampler = new LiveSampler(registry, models, "frames", now::get, false);
  }

  @AfterEach
  void close() {
    sampler.close();
    models.close();
  }

  @Test
  void shouldTurnCountsIntoRatesPerSecond() {
    for (int i = 0; i < 10; i++) {
      metrics.frameIn();
    }
    for (int i = 0; i < 8; i++) {
      metrics.featureOut(0.1, 5);
    }
    metrics.deadLettered("undecodable");
    metrics.deadLettered("undecodable");
    now.addAndGet(2000);

    LiveSample s = sampler.sampleNow();

    assertThat(s.framesIn()).isEqualTo(5.0);
    assertThat(s.featuresOut()).isEqualTo(4.0);
    assertThat(s.deadLetters()).isEqualTo(1.0);
    assertThat(s.deadLettersByReason())
        .containsEntry("undecodable", 1.0)
        .containsEntry("empty", 0.0);
  }

  @Test
  void shouldLeaveGapsBeforeTheFirstFrame() {
    now.addAndGet(1000);

    LiveSample s = sampler.sampleNow();

    assertThat(s.latency()).containsOnly(Double.NaN);
    assertThat(s.density()).containsOnly(Double.NaN);
    assertThat(s.lag()).isNaN();
    assertThat(s.modelVersion()).isEqualTo(-1);
  }

  @Test
  void shouldReportPercentilesOnceFramesArrive() {
    for (int i = 1; i <= 100; i++) {
      metrics.featureOut(0.25, i);
    }
    now.addAndGet(1000);

    LiveSample s = sampler.sampleNow();

    assertThat(s.latency()[0]).isBetween(45.0, 55.0);
    assertThat(s.latency()[2]).isBetween(95.0, 101.0);
    assertThat(s.density()[0]).isBetween(0.24, 0.26);
  }

  @Test
  void shouldStopReportingPercentilesOnceTheirWindowHasPassedWithoutFrames() {
    metrics.featureOut(0.25, 10);
    now.addAndGet(1000);
    sampler.sampleNow();
    now.addAndGet(LiveSampler.PERCENTILE_WINDOW.toMillis() + 1000);

    LiveSample s = sampler.sampleNow();

    assertThat(s.latency()).containsOnly(Double.NaN);
  }

  @Test
  void shouldSumTheLagOfTheFramesTopicOnly() {
    Gauge.builder(LiveSampler.RECORDS_LAG, () -> 7)
        .tag("topic", "frames")
        .tag("partition", "0")
        .register(registry);
    Gauge.builder(LiveSampler.RECORDS_LAG, () -> 5)
        .tag("topic", "frames")
        .tag("partition", "1")
        .register(registry);
    Gauge.builder(LiveSampler.RECORDS_LAG, () -> 100).tag("topic", "other").register(registry);
    now.addAndGet(1000);

    assertThat(sampler.sampleNow().lag()).isEqualTo(12.0);
  }

  @Test
  void shouldRecordTheServingModelsVersion() {
    models.offer(TestModels.model("alpha", 4), "test", false);
    now.addAndGet(1000);

    assertThat(sampler.sampleNow().modelVersion()).isEqualTo(4);
  }

  @Test
  void shouldKeepTheLastTenMinutesOnly() {
    for (int i = 0; i < LiveSampler.CAPACITY + 5; i++) {
      now.addAndGet(1000);
      sampler.sampleNow();
    }

    assertThat(sampler.since(0)).hasSize(LiveSampler.CAPACITY);
    assertThat(sampler.since(now.get() - 3000)).hasSize(3);
  }
}
