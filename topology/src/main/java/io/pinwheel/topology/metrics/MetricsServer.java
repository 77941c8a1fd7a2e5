package io.pinwheel.topology.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A minimal HTTP endpoint for Prometheus, liveness probes and the live page, on the JDK's built-in
 * server.
 *
 * <ul>
 *   <li>{@code GET /metrics}: the registry in the Prometheus text exposition format 0.0.4.
 *   <li>{@code GET /health}: {@code 200 {"status":"UP"}} while the health check holds, else {@code
 *       503 {"status":"DOWN","reason":"..."}} saying why ({@link Health}). A health check that
 *       throws counts as down.
 *   <li>Any other path: what the {@link Pages} given at start return for it (the live page, for
 *       {@code serve} and {@code demo}), else 404.
 *   <li>Any method but {@code GET}: 405. Nothing served here changes the service.
 * </ul>
 *
 * <p>Requests are served by two daemon threads, so a stuck scrape cannot keep the JVM alive and a
 * slow one does not block health probes. {@link #close()} stops at once, without waiting for
 * exchanges in flight, and may be called more than once.
 *
 * <pre>{@code
 * try (MetricsServer server = MetricsServer.start("127.0.0.1", 9400, registry, streams::isRunning)) {
 *   System.out.println("metrics at " + server.metricsUri());
 *   ...
 * }
 * }</pre>
 */
public final class MetricsServer implements AutoCloseable {

  /** The Content-Type of {@code /metrics}: the Prometheus text format, version 0.0.4. */
  public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  private static final String METRICS_PATH = "/metrics";
  private static final String HEALTH_PATH = "/health";
  private static final String JSON = "application/json";
  private static final int THREADS = 2;
  private static final AtomicInteger SERVERS = new AtomicInteger();

  /** No pages: every path but {@code /metrics} and {@code /health} is a 404. */
  private static final Pages NO_PAGES = (path, query) -> Optional.empty();

  /**
   * Read-only content served beside {@code /metrics} and {@code /health}, such as the live page.
   * Called from the server's threads, so implementations must be thread-safe.
   */
  @FunctionalInterface
  public interface Pages {
    /**
     * Returns what to answer a {@code GET} of {@code path}.
     *
     * @param path the request's decoded path, such as {@code /} or {@code /api/status}
     * @param query the request's raw query string, or null without one
     * @return the response, or empty for a 404
     */
    Optional<Page> get(String path, String query);
  }

  /**
   * One response of {@link Pages}.
   *
   * @param status the HTTP status, such as 200 or 400
   * @param contentType its {@code Content-Type}
   * @param body the whole body
   */
  public record Page(int status, String contentType, byte[] body) {
    /** Checks the components. */
    public Page {
      if (status < 100 || status > 599) {
        throw new IllegalArgumentException("not an HTTP status: " + status);
      }
      Objects.requireNonNull(contentType, "contentType");
      Objects.requireNonNull(body, "body");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusMeterRegistry registry;
  private final Supplier<Health> health;
  private final Pages pages;
  private final URI metricsUri;
  private final URI healthUri;
  private final AtomicInteger closed = new AtomicInteger();

  private MetricsServer(
      HttpServer server,
      ExecutorService executor,
      String host,
      PrometheusMeterRegistry registry,
      Supplier<Health> health,
      Pages pages) {
    this.server = server;
    this.executor = executor;
    this.registry = registry;
    this.health = health;
    this.pages = pages;
    int port = server.getAddress().getPort();
    this.metricsUri = uri(host, port, METRICS_PATH);
    this.healthUri = uri(host, port, HEALTH_PATH);
  }

  /**
   * Binds to {@code host:port} and starts serving.
   *
   * @param host the address or name to listen on, such as {@code 127.0.0.1}; {@code 0.0.0.0}
   *     listens on every interface
   * @param port the port, or 0 for any free one (see {@link #port()})
   * @param registry the registry that {@code /metrics} scrapes
   * @param healthy the health check behind {@code /health}; called on every probe, from a server
   *     thread, so it should be cheap and thread-safe
   * @return the running server
   * @throws IOException if the address cannot be bound, for instance because the port is taken
   */
  public static MetricsServer start(
      String host, int port, PrometheusMeterRegistry registry, BooleanSupplier healthy)
      throws IOException {
    return start(host, port, registry, healthy, NO_PAGES);
  }

  /**
   * Binds to {@code host:port} and starts serving, with {@code pages} on every other path.
   *
   * @param host the address or name to listen on, such as {@code 127.0.0.1}; {@code 0.0.0.0}
   *     listens on every interface
   * @param port the port, or 0 for any free one (see {@link #port()})
   * @param registry the registry that {@code /metrics} scrapes
   * @param healthy the health check behind {@code /health}
   * @param pages what to serve on the other paths
   * @return the running server
   * @throws IOException if the address cannot be bound, for instance because the port is taken
   */
  public static MetricsServer start(
      String host, int port, PrometheusMeterRegistry registry, BooleanSupplier healthy, Pages pages)
      throws IOException {
    Objects.requireNonNull(healthy, "healthy");
    return startWithHealth(
        host,
        port,
        registry,
        () -> healthy.getAsBoolean() ? Health.UP : Health.down("the health check failed"),
        pages);
  }

  /**
   * Binds to {@code host:port} and starts serving, with a health check that says why it is down.
   *
   * @param host the address or name to listen on, such as {@code 127.0.0.1}; {@code 0.0.0.0}
   *     listens on every interface
   * @param port the port, or 0 for any free one (see {@link #port()})
   * @param registry the registry that {@code /metrics} scrapes
   * @param health the health check behind {@code /health}; called on every probe, from a server
   *     thread, so it should be cheap and thread-safe
   * @return the running server
   * @throws IOException if the address cannot be bound, for instance because the port is taken
   */
  public static MetricsServer startWithHealth(
      String host, int port, PrometheusMeterRegistry registry, Supplier<Health> health)
      throws IOException {
    return startWithHealth(host, port, registry, health, NO_PAGES);
  }

  /**
   * Binds to {@code host:port} and starts serving, with a health check that says why it is down and
   * {@code pages} on every other path.
   *
   * @param host the address or name to listen on, such as {@code 127.0.0.1}; {@code 0.0.0.0}
   *     listens on every interface
   * @param port the port, or 0 for any free one (see {@link #port()})
   * @param registry the registry that {@code /metrics} scrapes
   * @param health the health check behind {@code /health}; called on every probe, from a server
   *     thread, so it should be cheap and thread-safe
   * @param pages what to serve on the other paths
   * @return the running server
   * @throws IOException if the address cannot be bound, for instance because the port is taken
   */
  public static MetricsServer startWithHealth(
      String host, int port, PrometheusMeterRegistry registry, Supplier<Health> health, Pages pages)
      throws IOException {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(pages, "pages");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(health, "health");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
    int serverNumber = SERVERS.incrementAndGet();
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            THREADS,
            task -> {
              Thread thread =
                  new Thread(
                      task,
                      "pinwheel-metrics-http-"
                          + serverNumber
                          + "-"
                          + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    MetricsServer metricsServer =
        new MetricsServer(server, executor, host, registry, health, pages);
    server.createContext("/", metricsServer::handle);
    server.start();
    return metricsServer;
  }

  /**
   * Returns the port actually bound, which differs from the requested one when that was 0.
   *
   * @return the listening port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Returns where Prometheus should scrape.
   *
   * @return {@code http://host:port/metrics}, with the host as given to {@link #start}
   */
  public URI metricsUri() {
    return metricsUri;
  }

  /**
   * Returns the address of the root page, the live page when the server has one.
   *
   * @return {@code http://host:port/}, with the host as given to {@link #start}
   */
  public URI rootUri() {
    return metricsUri.resolve("/");
  }

  /**
   * Returns where a liveness or readiness probe should look.
   *
   * @return {@code http://host:port/health}, with the host as given to {@link #start}
   */
  public URI healthUri() {
    return healthUri;
  }

  /** Stops listening and serving at once; exchanges in flight are cut off. Idempotent. */
  @Override
  public void close() {
    if (closed.getAndIncrement() == 0) {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  private void handle(HttpExchange exchange) {
    try {
      String path = exchange.getRequestURI().getPath();
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        respond(exchange, 405, "text/plain; charset=utf-8", bytes("Method not allowed\n"));
      } else if (METRICS_PATH.equals(path)) {
        // Rendered in full before the status line goes out, so that a failing scrape is a 500
        // rather than a 200 with a truncated body that Prometheus would half-ingest.
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        registry.scrape(body, PROMETHEUS_TEXT);
        respond(exchange, 200, PROMETHEUS_TEXT, body.toByteArray());
      } else if (HEALTH_PATH.equals(path)) {
        Health h = health();
        respond(exchange, h.up() ? 200 : 503, JSON, h.json());
      } else {
        Optional<Page> page = pages.get(path, exchange.getRequestURI().getRawQuery());
        if (page.isEmpty()) {
          respond(exchange, 404, "text/plain; charset=utf-8", bytes("Not found\n"));
        } else {
          // The pages come from this jar; nothing else may run in them, nor be fetched by them.
          exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
          exchange
              .getResponseHeaders()
              .set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
          respond(exchange, page.get().status(), page.get().contentType(), page.get().body());
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Failed to serve {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      // Fails harmlessly if the status line has already been sent.
      try {
        respond(exchange, 500, "text/plain; charset=utf-8", bytes("Internal error\n"));
      } catch (IOException | RuntimeException ignored) {
        // The client is gone or the response had begun; closing below is all that is left.
      }
    } finally {
      exchange.close();
    }
  }

  private Health health() {
    try {
      return Objects.requireNonNull(health.get(), "the health check returned null");
    } catch (RuntimeException e) {
      LOG.warn("Health check failed; reporting DOWN", e);
      return Health.down("the health check failed: " + e);
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static URI uri(String host, int port, String path) {
    try {
      // The multi-argument constructor adds the brackets an IPv6 literal needs.
      return new URI("http", null, host, port, path, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a valid host: " + host, e);
    }
  }
}
