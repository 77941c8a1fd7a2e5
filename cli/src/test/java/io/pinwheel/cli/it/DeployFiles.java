package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The repository's deployment files, and the PromQL in them, for the tests that check them. */
final class DeployFiles {
  /** The repository's root: the directory above this module with {@code docker-compose.yml}. */
  static final Path ROOT = repositoryRoot();

  static final Path DASHBOARD = ROOT.resolve("deploy/grafana/dashboards/pinwheel.json");
  static final Path ALERTS = ROOT.resolve("deploy/prometheus/alerts.yml");
  static final Path PROMETHEUS_CONFIG = ROOT.resolve("deploy/prometheus/prometheus.yml");

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private DeployFiles() {}

  /** Every {@code expr} of the Grafana dashboard: panels, rows' panels, variables. */
  static List<String> dashboardExpressions() throws IOException {
    List<String> out = new ArrayList<>();
    collectExpressions(new ObjectMapper().readTree(DASHBOARD.toFile()), out);
    assertThat(out).as("expressions in " + DASHBOARD).isNotEmpty();
    return out;
  }

  /** Every rule's {@code expr} in the alert rules. */
  static List<String> alertExpressions() throws IOException {
    List<String> out = new ArrayList<>();
    for (JsonNode group : YAML.readTree(ALERTS.toFile()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        out.add(rule.path("expr").asText());
      }
    }
    return out;
  }

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
}
