package io.pinwheel.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PinwheelMetricsTest {

  private static final List<String> TIMERS =
      List.of("pinwheel.latency", "pinwheel.decode", "pinwheel.encode");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PinwheelMetrics metrics = new PinwheelMetrics();

  @AfterEach
  void closeRegistry() {
    registry.close();
  }

  @Test
  void shouldRegisterExactlyTheDocumentedMeters() {
    metrics.bindTo(registry);

    assertThat(registry.getMeters().stream().map(m -> m.getId().getName()).distinct())
        .containsExactlyInAnyOrder(
            "pinwheel.frames.in",
            "pinwheel.features.out",
            "pinwheel.frames.dead.letter",
            "pinwheel.code.density",
            "pinwheel.latency",
            "pinwheel.latency.percentile",
            "pinwheel.decode",
            "pinwheel.decode.percentile",
            "pinwheel.encode",
            "pinwheel.encode.percentile",
            "pinwheel.model.reloads",
            "pinwheel.model.version");
  }

  @Test
  void shouldGiveEachMeterItsTypeAndBaseUnit() {
    metrics.bindTo(registry);

    Map<String, Meter> byName =
        registry.getMeters().stream()
            .collect(Collectors.toMap(m -> m.getId().getName(), m -> m, (a, b) -> a));
    for (String counter :
        List.of(
            "pinwheel.frames.in",
            "pinwheel.features.out",
            "pinwheel.frames.dead.letter",
            "pinwheel.model.reloads")) {
      assertThat(byName.get(counter)).as(counter).isInstanceOf(Counter.class);
      assertThat(byName.get(counter).getId().getBaseUnit()).as(counter).isNull();
    }
    assertThat(byName.get("pinwheel.code.density")).isInstanceOf(DistributionSummary.class);
    assertThat(byName.get("pinwheel.code.density").getId().getBaseUnit()).isEqualTo("ratio");
    for (String timer : TIMERS) {
      assertThat(byName.get(timer)).as(timer).isInstanceOf(Timer.class);
      assertThat(byName.get(timer).getId().getBaseUnit()).as(timer).isEqualTo("seconds");
      Meter percentile = byName.get(timer + ".percentile");
      assertThat(percentile).as(timer).isInstanceOf(Gauge.class);
      assertThat(percentile.getId().getBaseUnit()).as(timer).isEqualTo("seconds");
    }
    assertThat(byName.get("pinwheel.model.version")).isInstanceOf(Gauge.class);
  }

  @Test
  void shouldDescribeEveryMeter() {
    metrics.bindTo(registry);

    assertThat(registry.getMeters())
        .filteredOn(m -> m.getId().getName().startsWith("pinwheel."))
        .hasSizeGreaterThanOrEqualTo(12)
        .allSatisfy(
            m -> assertThat(m.getId().getDescription()).as(m.getId().getName()).isNotBlank());
  }

  @Test
  void shouldRegisterEveryDeadLetterReasonUpFront() {
    metrics.bindTo(registry);

    assertThat(tagValues("pinwheel.frames.dead.letter", "reason"))
        .containsExactlyInAnyOrder(
            "empty",
            "undecodable",
            "truncated",
            "too-large",
            "wrong-shape",
            "encode-error",
            "internal",
            "other");
  }

  @Test
  void shouldRegisterEveryReloadResultUpFront() {
    metrics.bindTo(registry);

    assertThat(tagValues("pinwheel.model.reloads", "result"))
        .containsExactlyInAnyOrder("accepted", "rejected", "ignored", "other");
  }

  @Test
  void shouldCountFramesIn() {
    metrics.bindTo(registry);

    metrics.frameIn();
    metrics.frameIn();

    assertThat(registry.get("pinwheel.frames.in").counter().count()).isEqualTo(2);
    assertThat(metrics.framesIn()).isEqualTo(2);
  }

  @Test
  void shouldCountFeaturesOut() {
    metrics.bindTo(registry);

    metrics.featureOut(0.05, 12);
    metrics.featureOut(0.15, 30);

    assertThat(registry.get("pinwheel.features.out").counter().count()).isEqualTo(2);
    assertThat(metrics.featuresOut()).isEqualTo(2);
  }

  @Test
  void shouldRecordCodeDensityOfEachFeature() {
    metrics.bindTo(registry);

    metrics.featureOut(0.05, 12);
    metrics.featureOut(0.15, 30);

    DistributionSummary density = registry.get("pinwheel.code.density").summary();
    assertThat(density.count()).isEqualTo(2);
    assertThat(density.totalAmount()).isCloseTo(0.2, offset(1e-9));
  }

  @Test
  void shouldSkipAnInvalidDensityButStillCountTheFeature() {
    metrics.bindTo(registry);

    metrics.featureOut(Double.NaN, 5);

    assertThat(registry.get("pinwheel.code.density").summary().count()).isZero();
    assertThat(metrics.featuresOut()).isEqualTo(1);
  }

  @Test
  void shouldRecordEndToEndLatencyOfEachFeature() {
    metrics.bindTo(registry);

    metrics.featureOut(0.05, 12);
    metrics.featureOut(0.15, 30);

    Timer latency = registry.get("pinwheel.latency").timer();
    assertThat(latency.count()).isEqualTo(2);
    assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(42);
  }

  @Test
  void shouldClampNegativeLatencyToZero() {
    metrics.bindTo(registry);

    metrics.featureOut(0.1, -250);

    Timer latency = registry.get("pinwheel.latency").timer();
    assertThat(latency.count()).isEqualTo(1);
    assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isZero();
  }

  @Test
  void shouldRecordDecodeTime() {
    metrics.bindTo(registry);

    metrics.decodeNanos(3_000_000);

    Timer decode = registry.get("pinwheel.decode").timer();
    assertThat(decode.count()).isEqualTo(1);
    assertThat(decode.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3);
  }

  @Test
  void shouldRecordEncodeTime() {
    metrics.bindTo(registry);

    metrics.encodeNanos(7_000_000);
    metrics.encodeNanos(1_000_000);

    Timer encode = registry.get("pinwheel.encode").timer();
    assertThat(encode.count()).isEqualTo(2);
    assertThat(encode.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(8);
  }

  @Test
  void shouldCountDeadLettersByReason() {
    metrics.bindTo(registry);

    metrics.deadLettered("undecodable");
    metrics.deadLettered("undecodable");
    metrics.deadLettered("too-large");

    assertThat(deadLetterCount("undecodable")).isEqualTo(2);
    assertThat(deadLetterCount("too-large")).isEqualTo(1);
    assertThat(deadLetterCount("empty")).isZero();
  }

  @Test
  void shouldTotalDeadLettersOverAllReasons() {
    metrics.bindTo(registry);

    metrics.deadLettered("undecodable");
    metrics.deadLettered("internal");
    metrics.deadLettered("no-such-reason");

    assertThat(metrics.deadLettered()).isEqualTo(3);
  }

  @Test
  void shouldFoldUnknownAndNullReasonsIntoOther() {
    metrics.bindTo(registry);

    metrics.deadLettered("cosmic-ray");
    metrics.deadLettered(null);
    metrics.deadLettered("EMPTY");

    assertThat(deadLetterCount("other")).isEqualTo(3);
    assertThat(deadLetterCount("empty")).isZero();
  }

  @Test
  void shouldKeepSeriesBoundedUnderJunkReasons() {
    metrics.bindTo(registry);
    int meters = registry.getMeters().size();
    long seriesBefore = deadLetterSeries(registry.scrape());

    for (int i = 0; i < 10_000; i++) {
      metrics.deadLettered("junk-" + i);
    }

    assertThat(registry.getMeters()).hasSize(meters);
    assertThat(deadLetterSeries(registry.scrape())).isLessThanOrEqualTo(seriesBefore + 1);
    assertThat(registry.scrape())
        .contains("pinwheel_frames_dead_letter_total{reason=\"other\"} 10000.0");
  }

  @Test
  void shouldCountModelReloadsByResultFoldingUnknownIntoOther() {
    metrics.bindTo(registry);

    metrics.modelReload("accepted");
    metrics.modelReload("rejected");
    metrics.modelReload("rejected");
    metrics.modelReload("exploded");

    assertThat(reloadCount("accepted")).isEqualTo(1);
    assertThat(reloadCount("rejected")).isEqualTo(2);
    assertThat(reloadCount("ignored")).isZero();
    assertThat(reloadCount("other")).isEqualTo(1);
  }

  @Test
  void shouldCountSignatureRejectionsByReason() {
    metrics.bindTo(registry);

    metrics.modelReload("rejected", "unsigned");
    metrics.modelReload("rejected", "untrusted-key");
    metrics.modelReload("rejected", "bad-signature");
    metrics.modelReload("rejected", "bad-signature");
    metrics.modelReload("rejected", "melted");

    assertThat(reloadCount("rejected", "unsigned")).isEqualTo(1);
    assertThat(reloadCount("rejected", "untrusted-key")).isEqualTo(1);
    assertThat(reloadCount("rejected", "bad-signature")).isEqualTo(2);
    assertThat(reloadCount("rejected", "invalid")).isZero();
    assertThat(reloadCount("other", "other")).isEqualTo(1);
  }

  @Test
  void shouldReportNoModelBeforeTheFirstOneServes() {
    metrics.bindTo(registry);

    assertThat(registry.get("pinwheel.model.version").gauge().value()).isEqualTo(-1);
  }

  @Test
  void shouldReportTheServingModelVersion() {
    metrics.bindTo(registry);

    metrics.servingModel("faces", 3);
    metrics.servingModel("faces", 4);

    assertThat(registry.get("pinwheel.model.version").gauge().value()).isEqualTo(4);
  }

  @Test
  void shouldKeepTheModelNameOutOfTheScrape() {
    metrics.bindTo(registry);

    metrics.servingModel("user-chosen-name", 7);

    assertThat(registry.scrape()).doesNotContain("user-chosen-name");
  }

  @Test
  void shouldRememberAModelServedBeforeBinding() {
    metrics.servingModel("faces", 9);

    metrics.bindTo(registry);

    assertThat(registry.get("pinwheel.model.version").gauge().value()).isEqualTo(9);
  }

  @Test
  void shouldIgnoreRecordingBeforeBinding() {
    assertThatCode(
            () -> {
              metrics.frameIn();
              metrics.featureOut(0.5, 10);
              metrics.deadLettered("empty");
              metrics.decodeNanos(1);
              metrics.encodeNanos(1);
              metrics.modelReload("accepted");
            })
        .doesNotThrowAnyException();

    metrics.bindTo(registry);

    assertThat(metrics.framesIn()).isZero();
    assertThat(metrics.featuresOut()).isZero();
    assertThat(metrics.deadLettered()).isZero();
  }

  @Test
  void shouldReportZerosBeforeBinding() {
    assertThat(metrics.framesIn()).isZero();
    assertThat(metrics.featuresOut()).isZero();
    assertThat(metrics.deadLettered()).isZero();
    assertThat(metrics.latency()).isEqualTo(new PinwheelMetrics.LatencySnapshot(0, 0, 0, 0));
  }

  @Test
  void shouldRefuseASecondBind() {
    metrics.bindTo(registry);
    SimpleMeterRegistry other = new SimpleMeterRegistry();

    assertThatThrownBy(() -> metrics.bindTo(other)).isInstanceOf(IllegalStateException.class);
    assertThat(other.getMeters()).isEmpty();
  }

  @Test
  void shouldRefuseASecondBindToTheSameRegistry() {
    metrics.bindTo(registry);

    assertThatThrownBy(() -> metrics.bindTo(registry)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldSnapshotLatencyInMillis() {
    metrics.bindTo(registry);
    for (int ms = 1; ms <= 100; ms++) {
      metrics.featureOut(0.1, ms);
    }

    PinwheelMetrics.LatencySnapshot latency = metrics.latency();

    assertThat(latency.count()).isEqualTo(100);
    assertThat(latency.meanMillis()).isEqualTo(50.5);
    assertThat(latency.p50Millis()).isBetween(48.0, 53.0);
    assertThat(latency.p99Millis()).isBetween(97.0, 102.0);
  }

  @Test
  void shouldPublishTimerPercentilesInTheScrape() {
    metrics.bindTo(registry);
    metrics.featureOut(0.1, 15);
    metrics.decodeNanos(2_000_000);
    metrics.encodeNanos(4_000_000);

    String scrape = registry.scrape();

    for (String timer : List.of("pinwheel_latency", "pinwheel_decode", "pinwheel_encode")) {
      for (String phi : List.of("0.5", "0.95", "0.99")) {
        assertThat(scrape).contains(timer + "_percentile_seconds{phi=\"" + phi + "\"}");
      }
    }
    assertThat(sampleValue(scrape, "pinwheel_latency_percentile_seconds{phi=\"0.99\"}"))
        .isCloseTo(0.015, offset(0.001));
  }

  @Test
  void shouldPublishDensityPercentilesInTheScrape() {
    metrics.bindTo(registry);
    metrics.featureOut(0.125, 15);

    String scrape = registry.scrape();

    assertThat(sampleValue(scrape, "pinwheel_code_density_ratio{quantile=\"0.5\"}"))
        .isCloseTo(0.125, offset(0.002));
    assertThat(scrape)
        .contains("pinwheel_code_density_ratio{quantile=\"0.95\"}")
        .contains("pinwheel_code_density_ratio{quantile=\"0.99\"}");
  }

  @Test
  void shouldPublishSloBucketsInTheScrape() {
    metrics.bindTo(registry);
    metrics.featureOut(0.1, 15);

    assertThat(registry.scrape())
        .contains("pinwheel_latency_seconds_bucket{le=\"0.01\"} 0")
        .contains("pinwheel_latency_seconds_bucket{le=\"0.02\"} 1")
        .contains("pinwheel_decode_seconds_bucket{le=\"1.0E-4\"} 0")
        .contains("pinwheel_encode_seconds_bucket{le=\"1.0\"} 0");
  }

  @Test
  void shouldExposeCountersAndGaugesUnderPrometheusNames() {
    metrics.bindTo(registry);
    metrics.frameIn();

    assertThat(registry.scrape())
        .contains("pinwheel_frames_in_total 1.0")
        .contains("pinwheel_features_out_total 0.0")
        .contains("pinwheel_model_reloads_total{reason=\"none\",result=\"accepted\"} 0.0")
        .contains("pinwheel_model_version -1.0");
  }

  @Test
  void shouldLeavePercentileGaugesToARegistryThatMakesItsOwn() {
    SimpleMeterRegistry simple = new SimpleMeterRegistry();

    metrics.bindTo(simple);
    metrics.featureOut(0.1, 15);

    for (String timer : TIMERS) {
      assertThat(simple.find(timer + ".percentile").gauges()).as(timer).hasSize(3);
    }
    assertThat(simple.get("pinwheel.latency.percentile").tag("phi", "0.5").gauge().value())
        .isCloseTo(0.015, offset(0.001));
    simple.close();
  }

  private Set<String> tagValues(String name, String tag) {
    return registry.find(name).meters().stream()
        .map(m -> m.getId().getTag(tag))
        .collect(Collectors.toSet());
  }

  private double deadLetterCount(String reason) {
    return registry.get("pinwheel.frames.dead.letter").tag("reason", reason).counter().count();
  }

  private double reloadCount(String result) {
    return registry.get("pinwheel.model.reloads").tag("result", result).counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private double reloadCount(String result, String reason) {
    return registry
        .get("pinwheel.model.reloads")
        .tag("result", result)
        .tag("reason", reason)
        .counter()
        .count();
  }

  private static long deadLetterSeries(String scrape) {
    return scrape.lines().filter(l -> l.startsWith("pinwheel_frames_dead_letter_total{")).count();
  }

  private static double sampleValue(String scrape, String series) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no sample " + series + " in\n" + scrape));
  }
}
