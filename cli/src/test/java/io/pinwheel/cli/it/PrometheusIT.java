package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose stack's monitoring, run for real: Debian's {@code prometheus} scrapes a running
 * {@code serve} with {@code deploy/prometheus/prometheus.yml} (its targets pointed at this machine,
 * its rule file at the repository's copy; nothing else changed), loads {@code
 * deploy/prometheus/alerts.yml}, and every PromQL expression of the Grafana dashboard and of the
 * alert rules is evaluated through the HTTP API. Each must return a series with a finite value: an
 * alert's condition is evaluated operand by operand (the sides of its comparisons and of {@code
 * and}/{@code or}/{@code unless}), since a healthy service rightly fires none.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(RunningServe.Extension.class)
class PrometheusIT {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Path CONFIG = DeployFiles.PROMETHEUS_CONFIG;
  private static final Path ALERTS = DeployFiles.ALERTS;
  private static final Duration DEADLINE = Duration.ofSeconds(150);
  private static final ObjectMapper YAML = DeployFiles.YAML;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private Process prometheus;
  private URI api;
  private Path log;

  @BeforeAll
  void startPrometheus(RunningServe serve, @TempDir Path dir) throws Exception {
    requirePrometheus();
    int port = freePort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, adaptedConfig(serve.metricsAddress(), port));
    log = dir.resolve("prometheus.log");
    prometheus =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    api = URI.create("http://127.0.0.1:" + port + "/api/v1/");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              assertThat(prometheus.isAlive()).as("prometheus runs: %s", prometheusLog()).isTrue();
              try {
                return get(URI.create("http://127.0.0.1:" + port + "/-/ready")).statusCode() == 200;
              } catch (IOException notYet) {
                return false;
              }
            });
  }

  @AfterAll
  void stopPrometheus() throws InterruptedException {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
  }

  @Test
  void shouldScrapeTheServiceAsAHealthyTarget() {
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              JsonNode targets = api("targets").path("data").path("activeTargets");
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
    for (JsonNode group : YAML.readTree(ALERTS.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        names.add(rule.path("alert").asText());
      }
    }

    List<String> loaded = new ArrayList<>();
    for (JsonNode group : api("rules").path("data").path("groups")) {
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
      assertThat(api("query?query=" + encode(expr)).path("status").asText())
          .as(expr)
          .isEqualTo("success");
      // ... and each of its operands has data.
      operands.addAll(PromQl.operands(expr));
    }
    assertThat(operands).contains("pinwheel_model_version", "up{job=\"pinwheel\"}");

    for (String operand : operands) {
      awaitFiniteData(operand);
    }
  }

  private void awaitFiniteData(String expression) {
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              JsonNode response = api("query?query=" + encode(expression));
              assertThat(response.path("status").asText()).as(expression).isEqualTo("success");
              assertThat(finiteValues(response.path("data")))
                  .as("finite values of %s", expression)
                  .isNotEmpty();
            });
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

  /** The project's config with the pinwheel job aimed at {@code target} and nothing else new. */
  private static String adaptedConfig(String target, int prometheusPort) throws IOException {
    ObjectNode config = (ObjectNode) YAML.readTree(CONFIG.toFile());
    // The compose stack mounts deploy/prometheus at /etc/prometheus.
    ArrayNode rules = config.putArray("rule_files");
    rules.add(ALERTS.toString());
    boolean found = false;
    for (JsonNode job : config.path("scrape_configs")) {
      ObjectNode j = (ObjectNode) job;
      if (j.path("job_name").asText().equals("pinwheel")) {
        j.remove("dns_sd_configs");
        j.putArray("static_configs").addObject().putArray("targets").add(target);
        found = true;
      } else if (j.path("job_name").asText().equals("prometheus")) {
        j.putArray("static_configs")
            .addObject()
            .putArray("targets")
            .add("127.0.0.1:" + prometheusPort);
      }
    }
    assertThat(found).as("a pinwheel job in " + CONFIG).isTrue();
    return YAML.writeValueAsString(config);
  }

  private static int scrapeSeconds() throws IOException {
    String interval =
        YAML.readTree(CONFIG.toFile()).path("global").path("scrape_interval").asText();
    assertThat(interval).matches("\\d+s");
    return Integer.parseInt(interval.substring(0, interval.length() - 1));
  }

  private JsonNode api(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = get(api.resolve(path));
    return JSON.readTree(r.body());
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String prometheusLog() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** CI installs Prometheus ({@code .ci/run}); elsewhere a machine without it skips this class. */
  private static void requirePrometheus() {
    boolean present = Files.isExecutable(PROMETHEUS);
    if (!present && System.getenv("CI") != null) {
      fail("CI must run the Prometheus test: install prometheus (.ci/run does)");
    }
    Assumptions.assumeTrue(present, "no " + PROMETHEUS + " (apt-get install prometheus)");
  }
}
