package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code prometheus} binary with the project's {@code deploy/prometheus/prometheus.yml},
 * its {@code pinwheel} job aimed at one address on this machine (the compose stack finds the
 * replicas by DNS instead) and its rule file read from the repository (the stack mounts it at
 * {@code /etc/prometheus}); nothing else in the file is changed. Its HTTP API on a free port.
 */
final class PrometheusProcess implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/prometheus");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path log;
  private final URI api;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusProcess(Process process, Path log, URI api) {
    this.process = process;
    this.log = log;
    this.api = api;
  }

  /**
   * Starts it in {@code dir}, scraping {@code target} ({@code host:port}), and waits until ready.
   */
  static PrometheusProcess start(Path dir, String target) throws IOException {
    int port = freePort();
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, adaptedConfig(target, port));
    Path log = dir.resolve("prometheus.log");
    Process process =
        new ProcessBuilder(
                BINARY.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("prometheus-data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    PrometheusProcess p =
        new PrometheusProcess(process, log, URI.create("http://127.0.0.1:" + port + "/api/v1/"));
    try {
      URI ready = URI.create("http://127.0.0.1:" + port + "/-/ready");
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                assertThat(process.isAlive()).as("prometheus runs: %s", p.log()).isTrue();
                try {
                  return p.get(ready).statusCode() == 200;
                } catch (IOException notYet) {
                  return false;
                }
              });
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
    return p;
  }

  /** GETs {@code /api/v1/PATH} and parses the answer. */
  JsonNode api(String path) throws IOException, InterruptedException {
    return JSON.readTree(get(api.resolve(path)).body());
  }

  /** Evaluates {@code expression} now ({@code /api/v1/query}). */
  JsonNode query(String expression) throws IOException, InterruptedException {
    return api("query?query=" + URLEncoder.encode(expression, StandardCharsets.UTF_8));
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The project's config with the pinwheel job aimed at {@code target} and nothing else new. */
  private static String adaptedConfig(String target, int prometheusPort) throws IOException {
    ObjectNode config =
        (ObjectNode) DeployFiles.YAML.readTree(DeployFiles.PROMETHEUS_CONFIG.toFile());
    config.putArray("rule_files").add(DeployFiles.ALERTS.toString());
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
    if (!found) {
      throw new IllegalStateException("no pinwheel job in " + DeployFiles.PROMETHEUS_CONFIG);
    }
    return DeployFiles.YAML.writeValueAsString(config);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
