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
 * {@code pinwheel serve} as a separate JVM, as an operator runs it, with its standard output and
 * error in a log file: so that a test can kill it with SIGKILL, or see it exit on its own.
 */
final class ServeProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String name;
  private final Path log;
  private final Process process;
  private final long startNanos;

  private ServeProcess(String name, Path log, Process process) {
    this.name = name;
    this.log = log;
    this.process = process;
    this.startNanos = System.nanoTime();
  }

  /**
   * Writes {@code properties} to {@code dir/<name>.properties} and starts serve on them, with a
   * free metrics port.
   *
   * @param dir where the configuration and the log go
   * @param name the instance's name, for its files and messages
   * @param properties the serve configuration
   * @param extra further command-line arguments
   * @return the running process
   */
  static ServeProcess start(Path dir, String name, Map<String, String> properties, String... extra)
      throws IOException {
    Properties p = new Properties();
    p.putAll(properties);
    Path config = dir.resolve(name + ".properties");
    try (var w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      p.store(w, "serve " + name);
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
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
    command.add(Integer.toString(freePort()));
    command.addAll(List.of(extra));
    Path log = dir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    return new ServeProcess(name, log, pb.start());
  }

  /** The operating system's process. */
  Process process() {
    return process;
  }

  /** Everything the instance printed so far. */
  String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** Waits until {@code /health} answers 200, failing at once should the process end. */
  void awaitHealthy(Duration deadline) {
    await()
        .atMost(deadline)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              assertThat(process.isAlive())
                  .as("the %s instance is alive; its log:%n%s", name, log())
                  .isTrue();
              URI health = healthUri();
              HttpResponse<String> r = health == null ? null : health(health);
              return r != null && r.statusCode() == 200;
            });
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

  /** {@code GET} of a health address; a status of 0 when nothing answers. */
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

  /** SIGKILL, as a crash or an out-of-memory killer would, and waits for the process to go. */
  void kill() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** SIGTERM: the shutdown hook closes the service cleanly. */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return awaitExit(timeout);
  }

  @Override
  public String toString() {
    return "serve " + name;
  }

  @Override
  public void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
