package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The compose stack's monitoring, run for real ({@link OperationsIT}): Debian's {@code prometheus}
 * scrapes a running {@code serve} with {@code deploy/prometheus/prometheus.yml} ({@link
 * PrometheusProcess}), loads {@code deploy/prometheus/alerts.yml}, and every PromQL expression of
 * the Grafana dashboard and of the alert rules is evaluated through the HTTP API. Each must return
 * a series with a finite value: an alert's condition is evaluated operand by operand (the sides of
 * its comparisons and of {@code and}/{@code or}/{@code unless}), since a healthy service rightly
 * fires none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PrometheusChecks {
  private static final Duration DEADLINE = Duration.ofSeconds(150);

  private PrometheusProcess prometheus;

  @BeforeAll
  void requirePrometheus(RunningServe serve) {
    boolean present = serve.prometheus().isPresent();
    if (!present && System.getenv("CI") != null) {
      fail("CI must run the Prometheus test: install prometheus (.ci/run does)");
    }
    Assumptions.assumeTrue(
        present, "no " + PrometheusProcess.BINARY + " (apt-get install prometheus)");
    prometheus = serve.prometheus().get();
  }

  @Test
  void shouldScrapeTheServiceAsAHealthyTarget() {
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              JsonNode targets = prometheus.api("targets").path("data").path("activeTargets");
              List<String> pinwheel = new ArrayList<>();
              for (JsonNode t : targets) {
                if (t.path("labels").path("job").asText().equals("pinwheel")) {
                  pinwheel.add(t.path("health").asText());
                }
              }
              assertThat(pinwheel).containsExactly("up");
            });
  }

  @Test
  void shouldLoadEveryAlertRule() throws Exception {
    List<String> names = new ArrayList<>();
    for (JsonNode group : DeployFiles.YAML.readTree(DeployFiles.ALERTS.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        names.add(rule.path("alert").asText());
      }
    }

    List<String> loaded = new ArrayList<>();
    for (JsonNode group : prometheus.api("rules").path("data").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        assertThat(rule.path("health").asText()).as(rule.path("name").asText()).isNotEqualTo("err");
        loaded.add(rule.path("name").asText());
      }
    }
    assertThat(loaded).containsExactlyInAnyOrderElementsOf(names);
  }

  @Test
  void shouldReturnDataForEveryDashboardExpression() throws Exception {
    List<String> expressions = DeployFiles.dashboardExpressions();
    assertThat(expressions).hasSizeGreaterThan(20);
    // Grafana's $__rate_interval is at least four scrape intervals; the config scrapes every 5 s.
    String rateInterval = 4 * scrapeSeconds() + "s";

    for (String expression : expressions) {
      awaitFiniteData(expression.replace("$__rate_interval", rateInterval));
    }
  }

  @Test
  void shouldReturnDataForEveryOperandOfTheAlertConditions() throws Exception {
    List<String> operands = new ArrayList<>();
    for (String expr : DeployFiles.alertExpressions()) {
      // The whole condition is valid PromQL (it may rightly select nothing) ...
      assertThat(prometheus.query(expr).path("status").asText()).as(expr).isEqualTo("success");
      // ... and each of its operands has data.
      operands.addAll(PromQl.operands(expr));
    }
    assertThat(operands).contains("pinwheel_model_version", "up{job=\"pinwheel\"}");

    for (String operand : operands) {
      awaitFiniteData(operand);
    }
  }

  private void awaitFiniteData(String expression) {
    long t0 = System.nanoTime();
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              JsonNode response = prometheus.query(expression);
              assertThat(response.path("status").asText()).as(expression).isEqualTo("success");
              assertThat(finiteValues(response.path("data")))
                  .as("finite values of %s", expression)
                  .isNotEmpty();
            });
    double waited = (System.nanoTime() - t0) / 1e9;
    if (waited > 2) {
      System.out.printf("PromQL with data after %.1f s more: %s%n", waited, expression);
    }
  }

  private static List<Double> finiteValues(JsonNode data) {
    List<Double> values = new ArrayList<>();
    if (data.path("resultType").asText().equals("scalar")) {
      add(values, data.path("result").get(1).asText());
    } else {
      for (JsonNode series : data.path("result")) {
        add(values, series.path("value").get(1).asText());
      }
    }
    return values;
  }

  private static void add(List<Double> values, String text) {
    double v = Double.parseDouble(text.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
    if (Double.isFinite(v)) {
      values.add(v);
    }
  }

  private static int scrapeSeconds() throws IOException {
    String interval =
        DeployFiles.YAML
            .readTree(DeployFiles.PROMETHEUS_CONFIG.toFile())
            .path("global")
            .path("scrape_interval")
            .asText();
    assertThat(interval).matches("\\d+s");
    return Integer.parseInt(interval.substring(0, interval.length() - 1));
  }
}
