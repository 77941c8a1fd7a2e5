package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.service.PinwheelService;
import io.pinwheel.trainer.InitialModels;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docker-compose stack's Grafana dashboard and Prometheus alert rules only name metrics the
 * service really exports: a service runs in-process on the embedded broker, gets frames (some
 * corrupt, so every counter has moved), and its {@code /metrics} scrape is compared with every
 * metric name and label selector in {@code deploy/}.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeploymentIT {
  private static final Path ROOT = repositoryRoot();
  private static final Path DASHBOARD = ROOT.resolve("deploy/grafana/dashboards/pinwheel.json");
  private static final Path ALERTS = ROOT.resolve("deploy/prometheus/alerts.yml");
  private static final int FRAMES = 40;
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** Series Prometheus makes itself for every target, not exported by the service. */
  private static final Set<String> SYNTHETIC = Set.of("up", "scrape_duration_seconds");

  /** PromQL words that look like metric names but are not. */
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "offset",
          "inf",
          "nan");

  /** A label matcher inside a selector's braces: name, operator, quoted value. */
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** A selector with braces: metric name, matchers. */
  private static final Pattern SELECTOR =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");

  /** A sample line of the text exposition format: name, optional labels, value. */
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+\\S+.*$");

  @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private PinwheelService service;
  private List<Sample> scrape;

  @BeforeAll
  void startServiceAndScrape(@TempDir Path stateDir) throws Exception {
    PinwheelConfig config =
        PinwheelConfig.fromProperties(
            Map.of(
                PinwheelConfig.BOOTSTRAP_SERVERS,
                kafka.bootstrapServers(),
                PinwheelConfig.APPLICATION_ID,
                "deployment-it",
                "state.dir",
                stateDir.toString()));
    service =
        PinwheelService.builder(config, InitialModels.gabor())
            .ensureTopics(2)
            .metricsAddress(PinwheelService.DEFAULT_METRICS_HOST, 0)
            .start();
    // Every 5th frame is corrupt: features, dead letters and all three timers move.
    Frames.send(kafka.bootstrapServers(), config.framesTopic(), "deploy", FRAMES, 5, 2, 200);
    await()
        .atMost(DEADLINE)
        .until(
            () ->
                service.metrics().framesIn() >= FRAMES
                    && scrapeText().contains("kafka_consumer_fetch_manager_records_lag{"));
    scrape = parse(scrapeText());
  }

  @AfterAll
  void stopService() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void shouldFindMetricNamesInDashboardExpressions() throws IOException {
    Set<String> names = metricNames(dashboardExpressions());

    assertThat(names)
        .contains(
            "pinwheel_frames_in_total",
            "pinwheel_features_out_total",
            "pinwheel_frames_dead_letter_total",
            "pinwheel_latency_seconds_bucket",
            "kafka_consumer_fetch_manager_records_lag")
        .doesNotContain("sum", "rate", "histogram_quantile", "le", "by", "reason");
  }

  @Test
  void shouldExportEveryMetricTheDashboardUses() throws IOException {
    Set<String> names = metricNames(dashboardExpressions());
    names.removeAll(SYNTHETIC);

    assertThat(exportedNames()).containsAll(names);
  }

  @Test
  void shouldExportEveryMetricTheAlertRulesUse() throws IOException {
    Set<String> names = metricNames(alertExpressions());
    names.removeAll(SYNTHETIC);

    assertThat(names).isNotEmpty();
    assertThat(exportedNames()).containsAll(names);
  }

  @Test
  void shouldMatchSeriesWithEveryLabelSelectorInDashboardAndAlerts() throws IOException {
    List<String> expressions = new ArrayList<>(dashboardExpressions());
    expressions.addAll(alertExpressions());
    List<String> empty = new ArrayList<>();
    for (String expression : expressions) {
      Matcher m = SELECTOR.matcher(stripStrings(expression, true));
      while (m.find()) {
        String name = m.group(1);
        if (SYNTHETIC.contains(name)) {
          continue;
        }
        // Braces were found in the string-masked text, of the same length: read the original.
        String matchers = expression.substring(m.start(2), m.end(2));
        if (scrape.stream().noneMatch(s -> s.name().equals(name) && s.matches(matchers))) {
          empty.add(expression.substring(m.start(), m.end()));
        }
      }
    }

    assertThat(empty).as("selectors that select no exported series").isEmpty();
  }

  private Set<String> exportedNames() {
    Set<String> names = new TreeSet<>();
    scrape.forEach(s -> names.add(s.name()));
    return names;
  }

  private String scrapeText() throws IOException, InterruptedException {
    URI uri = service.metricsUri();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.matches()) {
        samples.add(new Sample(m.group(1), m.group(2) == null ? "" : m.group(2)));
      }
    }
    return samples;
  }

  private static List<String> dashboardExpressions() throws IOException {
    List<String> out = new ArrayList<>();
    collectExpressions(new ObjectMapper().readTree(DASHBOARD.toFile()), out);
    assertThat(out).as("expressions in " + DASHBOARD).isNotEmpty();
    return out;
  }

  private static List<String> alertExpressions() throws IOException {
    List<String> out = new ArrayList<>();
    JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile());
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        out.add(rule.path("expr").asText());
      }
    }
    return out;
  }

  /** Every {@code expr} field anywhere in the dashboard: panels, rows' panels, variables. */
  private static void collectExpressions(JsonNode node, List<String> out) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (e.getKey().equals("expr") && e.getValue().isTextual()) {
          out.add(e.getValue().asText());
        } else {
          collectExpressions(e.getValue(), out);
        }
      }
    } else if (node.isArray()) {
      node.forEach(n -> collectExpressions(n, out));
    }
  }

  /**
   * The metric names in PromQL expressions: identifiers left once strings, label matchers, range
   * and subquery brackets, grouping clauses, Grafana variables and function calls are removed.
   * Names are kept as written ({@code _bucket}, {@code _total} included): they are compared with
   * the sample names of the scrape, which carry the same suffixes.
   */
  static Set<String> metricNames(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String expression : expressions) {
      String e = stripStrings(expression, false);
      e = e.replaceAll("\\{[^}]*}", " ");
      e = e.replaceAll("\\[[^]]*]", " ");
      e = e.replaceAll("\\$\\{?[a-zA-Z_][a-zA-Z0-9_]*}?", " ");
      e = e.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
      Matcher m =
          Pattern.compile("(?<![a-zA-Z0-9_:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(e);
      while (m.find()) {
        String word = m.group(1);
        boolean call = m.group(2) != null;
        if (!call && !KEYWORDS.contains(word.toLowerCase(Locale.ROOT))) {
          names.add(word);
        }
      }
    }
    return names;
  }

  /** Replaces every double-quoted string with {@code ""} or, masking, with as many spaces. */
  private static String stripStrings(String expression, boolean keepLength) {
    StringBuilder out = new StringBuilder();
    boolean inString = false;
    for (int i = 0; i < expression.length(); i++) {
      char c = expression.charAt(i);
      if (inString) {
        if (c == '\\' && i + 1 < expression.length()) {
          if (keepLength) {
            out.append("  ");
          }
          i++;
        } else if (c == '"') {
          inString = false;
          out.append(keepLength ? '"' : "\"\"");
        } else if (keepLength) {
          out.append(' ');
        }
      } else if (c == '"') {
        inString = true;
        if (keepLength) {
          out.append('"');
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "no docker-compose.yml above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** One exposed sample: its name and the raw text between its braces. */
  private record Sample(String name, String labels) {
    boolean matches(String matchers) {
      Matcher m = MATCHER.matcher(matchers);
      while (m.find()) {
        String label = m.group(1);
        String op = m.group(2);
        String wanted = m.group(3).replace("\\\\", "\\").replace("\\\"", "\"");
        String actual = label(label);
        boolean ok =
            switch (op) {
              case "=" -> actual.equals(wanted);
              case "!=" -> !actual.equals(wanted);
              case "=~" -> actual.matches(wanted);
              case "!~" -> !actual.matches(wanted);
              default -> throw new IllegalStateException(op);
            };
        if (!ok) {
          return false;
        }
      }
      return true;
    }

    /** The label's value, or "" when absent (as PromQL treats a missing label). */
    private String label(String name) {
      Matcher m = MATCHER.matcher(labels);
      while (m.find()) {
        if (m.group(1).equals(name) && m.group(2).equals("=")) {
          return m.group(3).replace("\\\\", "\\").replace("\\\"", "\"");
        }
      }
      return "";
    }
  }
}
