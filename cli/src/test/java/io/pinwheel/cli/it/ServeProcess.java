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
  private final Process process;
  private final Path log;
  private final int port;

  private ServeProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
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
              assertThat(process.isAlive()).as("serve is alive:%n%s", log()).isTrue();
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
