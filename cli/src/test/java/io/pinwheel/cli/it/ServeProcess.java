package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pinwheel.cli.Main;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code pinwheel serve} in a JVM of its own, on this test's class path, its live page and metrics
 * on a free port of 127.0.0.1, everything it prints in one log file.
 */
final class ServeProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final Path log;
  private final int port;
  private final String name;
  private final long startNanos = System.nanoTime();

  private ServeProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
    String file = log.getFileName().toString();
    this.name = file.endsWith(".log") ? file.substring(0, file.length() - 4) : file;
  }

  /** Writes {@code properties} to {@code file}, UTF-8, for {@code serve --config}. */
  static Path writeConfig(Path file, Map<String, String> properties) throws IOException {
    Properties p = new Properties();
    p.putAll(properties);
    try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "pinwheel serve, started by a test");
    }
    return file;
  }

  /** Starts {@code serve --config config}, printing to {@code log}. */
  static ServeProcess start(Path config, Path log) throws IOException {
    return start(config, log, List.of());
  }

  /**
   * Writes {@code properties} to {@code dir/<name>.properties} and starts serve on them, printing
   * to {@code dir/<name>.log}.
   *
   * @param dir where the configuration and the log go
   * @param name the instance's name, for its files and messages
   * @param properties the serve configuration
   * @param extra further command-line arguments
   * @return the running process
   */
  static ServeProcess start(Path dir, String name, Map<String, String> properties, String... extra)
      throws IOException {
    Path config = writeConfig(dir.resolve(name + ".properties"), properties);
    return start(config, dir.resolve(name + ".log"), List.of(extra));
  }

  static ServeProcess start(Path config, Path log, List<String> extra) throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-Dorg.bytedeco.javacpp.maxbytes=2G");
    command.add("-Dorg.bytedeco.javacpp.maxphysicalbytes=4G");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.add("serve");
    command.add("--config");
    command.add(config.toString());
    command.add("--metrics-port");
    command.add(Integer.toString(port));
    command.addAll(extra);
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    return new ServeProcess(pb.start(), log, port);
  }

  /** {@code 127.0.0.1:port} of the live page and {@code /metrics}. */
  String address() {
    return "127.0.0.1:" + port;
  }

  /** The JVM it runs in. */
  Process process() {
    return process;
  }

  /** Waits until {@code /health} answers 200; fails at once if the process exits. */
  void awaitHealthy(Duration deadline) {
    HttpClient http = HttpClient.newHttpClient();
    URI health = URI.create("http://" + address() + "/health");
    await()
        .atMost(deadline)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              assertThat(process.isAlive())
                  .as("the %s instance is alive; its log:%n%s", name, log())
                  .isTrue();
              try {
                return http.send(
                            HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200;
              } catch (IOException e) {
                return false;
              }
            });
  }

  /** What it has printed so far. */
  String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** SIGKILL, and waits for the process to be gone. */
  void kill() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** SIGTERM: the shutdown hook closes the service; true if it exited within 30 s. */
  boolean stop() throws InterruptedException {
    process.destroy();
    return process.waitFor(30, TimeUnit.SECONDS);
  }

  /** The health address the instance printed once running, or null before then. */
  URI healthUri() {
    String text = log();
    int at = text.indexOf("health at ");
    if (at < 0) {
      return null;
    }
    String rest = text.substring(at + "health at ".length());
    return URI.create(rest.substring(0, rest.indexOf(';')));
  }

  /**
   * How many frames the instance has read, from its {@code /metrics}: a sign that it holds
   * partitions and works on them.
   *
   * @return {@code pinwheel_frames_in_total}, or -1 when the endpoint does not answer
   */
  long framesIn() throws InterruptedException {
    HttpResponse<String> r = health(URI.create("http://" + address() + "/metrics"));
    if (r == null || r.statusCode() != 200) {
      return -1;
    }
    return r.body()
        .lines()
        .filter(l -> l.startsWith("pinwheel_frames_in_total "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
        .findFirst()
        .orElse(-1);
  }

  /** {@code GET} of a health address; null when nothing answers. */
  static HttpResponse<String> health(URI uri) throws InterruptedException {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Waits for the process to end on its own.
   *
   * @return its exit status
   * @throws AssertionError if it is still running after {@code timeout}
   */
  int awaitExit(Duration timeout) throws InterruptedException {
    assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        .as("the %s instance stopped within %s; its log:%n%s", name, timeout, log())
        .isTrue();
    return process.exitValue();
  }

  /** How long since the process was started. */
  Duration age() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** SIGTERM, then waits for the exit: the shutdown hook closes the service cleanly. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return awaitExit(timeout);
  }

  @Override
  public String toString() {
    return "serve " + name;
  }

  /** Stops it (SIGTERM, then SIGKILL after 30 s) if still running. */
  @Override
  public void close() {
    try {
      if (process.isAlive() && !stop()) {
        kill();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
