package io.pinwheel.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private MetricsServer server;

  @BeforeEach
  void startServer() throws IOException {
    PinwheelMetrics metrics = new PinwheelMetrics();
    metrics.bindTo(registry);
    metrics.frameIn();
    server = MetricsServer.start("127.0.0.1", 0, registry, healthy::get);
  }

  @AfterEach
  void stopServer() {
    server.close();
    registry.close();
  }

  @Test
  void shouldServeThePrometheusExpositionOnMetrics() throws Exception {
    HttpResponse<String> response = get(server.metricsUri());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("# TYPE pinwheel_frames_in_total counter")
        .contains("pinwheel_frames_in_total 1.0");
  }

  @Test
  void shouldLabelTheExpositionWithThePrometheusTextContentType() throws Exception {
    HttpResponse<String> response = get(server.metricsUri());

    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
  }

  @Test
  void shouldReportUpWhileHealthy() throws Exception {
    HttpResponse<String> response = get(server.healthUri());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
  }

  @Test
  void shouldReportDownWhenUnhealthy() throws Exception {
    healthy.set(false);

    HttpResponse<String> response = get(server.healthUri());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body())
        .isEqualTo("{\"status\":\"DOWN\",\"reason\":\"the health check failed\"}");
  }

  @Test
  void shouldFollowTheHealthCheckBackUp() throws Exception {
    healthy.set(false);
    assertThat(get(server.healthUri()).statusCode()).isEqualTo(503);

    healthy.set(true);

    assertThat(get(server.healthUri()).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldReportDownWhenTheHealthCheckThrows() throws Exception {
    server.close();
    server =
        MetricsServer.start(
            "127.0.0.1",
            0,
            registry,
            () -> {
              throw new IllegalStateException("streams gone");
            });

    HttpResponse<String> response = get(server.healthUri());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body())
        .isEqualTo(
            "{\"status\":\"DOWN\",\"reason\":\"the health check failed:"
                + " java.lang.IllegalStateException: streams gone\"}");
  }

  @Test
  void shouldAnswerUnknownPathsWithNotFound() throws Exception {
    HttpResponse<String> response = get(server.metricsUri().resolve("/metrics/extra"));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(get(server.metricsUri().resolve("/")).statusCode()).isEqualTo(404);
  }

  @Test
  void shouldRefuseMethodsOtherThanGet() throws Exception {
    HttpRequest post =
        HttpRequest.newBuilder(server.metricsUri())
            .timeout(TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofString("x"))
            .build();

    HttpResponse<String> response = client.send(post, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void shouldServeFromTheRequestedHostOnAFreePort() {
    assertThat(server.port()).isPositive();
    assertThat(server.metricsUri())
        .isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/metrics"));
    assertThat(server.healthUri())
        .isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/health"));
  }

  @Test
  void shouldStopListeningPromptlyOnClose() {
    URI health = server.healthUri();
    long start = System.nanoTime();

    server.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThatThrownBy(() -> get(health)).isInstanceOf(ConnectException.class);
  }

  @Test
  void shouldTolerateASecondClose() {
    server.close();

    server.close();
  }

  @Test
  void shouldFailToStartOnAPortInUse() {
    assertThatThrownBy(() -> MetricsServer.start("127.0.0.1", server.port(), registry, () -> true))
        .isInstanceOf(IOException.class);
  }

  @Test
  void shouldServeOnIpv6LoopbackWithABracketedUri() throws Exception {
    server.close();
    server = MetricsServer.start("::1", 0, registry, () -> true);

    assertThat(server.healthUri().toString()).startsWith("http://[::1]:");
    assertThat(get(server.healthUri()).statusCode()).isEqualTo(200);
  }

  private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeThePagesOnOtherPathsWithAPolicyThatKeepsThemToThisServer() throws Exception {
    MetricsServer withPages =
        MetricsServer.start(
            "127.0.0.1",
            0,
            registry,
            healthy::get,
            (path, query) ->
                path.equals("/page")
                    ? java.util.Optional.of(
                        new MetricsServer.Page(
                            200, "text/plain", ("q=" + query).getBytes(StandardCharsets.UTF_8)))
                    : java.util.Optional.empty());
    try {
      HttpResponse<String> page = get(withPages.rootUri().resolve("/page?since=5"));
      HttpResponse<String> missing = get(withPages.rootUri().resolve("/other"));

      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).isEqualTo("q=since=5");
      assertThat(page.headers().firstValue("Content-Security-Policy"))
          .hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
      assertThat(missing.statusCode()).isEqualTo(404);
    } finally {
      withPages.close();
    }
  }
}
