package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.cli.Main;
import io.pinwheel.topology.admin.PinwheelTopics;
import io.pinwheel.topology.config.PinwheelConfig;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a crash: {@code pinwheel serve} runs as a separate JVM, is killed with
 * SIGKILL while frames stream in, and is started again; a {@code read_committed} consumer must see
 * every frame exactly once across the features and dead-letter topics.
 */
@Tag("integration")
class ServeRestartIT {
  private static final int FRAMES = 300;
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  /**
   * The broker aborts a dead producer's open transaction once it times out; checking every second
   * instead of every 10 s keeps the restart short.
   */
  @RegisterExtension
  static final EmbeddedKafkaExtension kafka =
      new EmbeddedKafkaExtension(
          EmbeddedKafka.builder()
              .config("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"));

  @TempDir Path dir;

  @Test
  void shouldNotLoseOrDuplicateAfterSigkill() throws Exception {
    try {
      Map<String, String> properties = new LinkedHashMap<>();
      properties.put("bootstrap.servers", kafka.bootstrapServers());
      properties.put("application.id", "restart-it");
      properties.put("state.dir", dir.resolve("state").toString());
      // The killed instance holds its partitions until the group notices it is gone, and its open
      // transaction blocks read_committed readers until aborted: both bounds are short here.
      properties.put("session.timeout.ms", "6000");
      properties.put("heartbeat.interval.ms", "1500");
      properties.put("producer.transaction.timeout.ms", "5000");
      Path config = write(properties);
      PinwheelConfig pinwheel = PinwheelConfig.fromProperties(properties);
      PinwheelTopics.ensure(pinwheel, 2);

      try (Outputs outputs =
          new Outputs(
              kafka.bootstrapServers(), pinwheel.featuresTopic(), pinwheel.deadLetterTopic())) {
        Process first = serve(config, "first");
        Process second = null;
        try {
          awaitHealthy(first, "first");
          CompletableFuture<List<String>> sending =
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return Frames.send(
                          kafka.bootstrapServers(), pinwheel.framesTopic(), "f", FRAMES, 7, 4, 100);
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
          // Mid-stream: some frames are out, most are still to come.
          await().atMost(DEADLINE).until(() -> outputs.distinct() >= 60);
          first.destroyForcibly();
          assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
          int atKill = outputs.distinct();
          System.out.printf("killed the first instance with %d frames out%n", atKill);
          assertThat(atKill).isLessThan(FRAMES);

          second = serve(config, "second");
          List<String> sent = sending.get(60, TimeUnit.SECONDS);
          await().atMost(DEADLINE).until(() -> outputs.distinct() >= FRAMES);
          // Anything the first instance wrote but did not commit must never show up: give it
          // time to, were it going to.
          Thread.sleep(2000);

          Map<String, Integer> counts = outputs.counts();
          assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(sent);
          assertThat(counts).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
          assertThat(outputs.deadLetterRecords()).isEqualTo(FRAMES / 7);
          assertThat(outputs.featureRecords() + outputs.deadLetterRecords()).isEqualTo(FRAMES);

          // SIGTERM: the shutdown hook closes the service cleanly.
          second.destroy();
          assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
          assertThat(log("second")).contains("pinwheel serve: stopped cleanly");
          System.out.println("second instance:\n" + log("second"));
        } finally {
          kill(first);
          kill(second);
        }
      }
    } catch (AssertionError | RuntimeException e) {
      System.out.println("first instance:\n" + log("first"));
      System.out.println("second instance:\n" + log("second"));
      throw e;
    }
  }

  private Process serve(Path config, String name) throws IOException {
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
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    return pb.start();
  }

  private void awaitHealthy(Process process, String name) {
    HttpClient http = HttpClient.newHttpClient();
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              assertThat(process.isAlive()).as("the %s instance is alive", name).isTrue();
              URI health = healthUri(log(name));
              if (health == null) {
                return false;
              }
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

  /** The health address the instance printed once running, or null before then. */
  private static URI healthUri(String log) {
    int at = log.indexOf("health at ");
    if (at < 0) {
      return null;
    }
    String rest = log.substring(at + "health at ".length());
    return URI.create(rest.substring(0, rest.indexOf(';')));
  }

  private String log(String name) {
    Path file = dir.resolve(name + ".log");
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  private Path write(Map<String, String> properties) throws IOException {
    Properties p = new Properties();
    p.putAll(properties);
    Path file = dir.resolve("serve.properties");
    try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "ServeRestartIT");
    }
    return file;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void kill(Process p) throws InterruptedException {
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
