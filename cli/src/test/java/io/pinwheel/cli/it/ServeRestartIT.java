package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.topology.admin.PinwheelTopics;
import io.pinwheel.topology.config.PinwheelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  private ServeProcess first;
  private ServeProcess second;

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
      Path config = ServeProcess.writeConfig(dir.resolve("serve.properties"), properties);
      PinwheelConfig pinwheel = PinwheelConfig.fromProperties(properties);
      PinwheelTopics.ensure(pinwheel, 2);

      try (Outputs outputs =
          new Outputs(
              kafka.bootstrapServers(), pinwheel.featuresTopic(), pinwheel.deadLetterTopic())) {
        first = ServeProcess.start(config, dir.resolve("first.log"));
        try {
          first.awaitHealthy(DEADLINE);
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
          first.kill();
          assertThat(first.process().isAlive()).isFalse();
          int atKill = outputs.distinct();
          System.out.printf("killed the first instance with %d frames out%n", atKill);
          assertThat(atKill).isLessThan(FRAMES);

          second = ServeProcess.start(config, dir.resolve("second.log"));
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
          assertThat(second.stop()).isTrue();
          assertThat(second.log()).contains("pinwheel serve: stopped cleanly");
          System.out.println("second instance:\n" + second.log());
        } finally {
          first.kill();
          if (second != null) {
            second.kill();
          }
        }
      }
    } catch (AssertionError | RuntimeException e) {
      System.out.println("first instance:\n" + (first == null ? "" : first.log()));
      System.out.println("second instance:\n" + (second == null ? "" : second.log()));
      throw e;
    }
  }
}
