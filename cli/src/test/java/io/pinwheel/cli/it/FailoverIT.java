package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.topology.admin.PinwheelTopics;
import io.pinwheel.topology.config.PinwheelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover between instances: two {@code pinwheel serve} processes share four partitions while
 * frames stream in; one is killed with SIGKILL, again and again (started anew after each
 * take-over). The survivor must take the dead one's partitions over within the session timeout, and
 * a {@code read_committed} consumer must see every frame exactly once across the features and
 * dead-letter topics. Also the restart case: the killed instance comes back and takes its share
 * again. At the end both stop cleanly on SIGTERM.
 *
 * <p>Take-over time: from the kill to the first feature record the survivor produced on each of the
 * dead instance's partitions (its produced timestamp), the slowest partition counting. What a
 * reader sees also waits for the broker to abort the dead instance's open transaction.
 */
@Tag("integration")
class FailoverIT {
  private static final int PARTITIONS = 4;
  private static final int KILLS = 3;
  private static final double RATE = 25;
  private static final int SESSION_TIMEOUT_MS = 6000;
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  /** The longest take-over accepted: twice the session timeout, room for a busy 2-core machine. */
  private static final long TAKE_OVER_BOUND_MS = 2L * SESSION_TIMEOUT_MS + 3000;

  /** The broker aborts a dead producer's open transaction once it times out: check every second. */
  @RegisterExtension
  static final EmbeddedKafkaExtension kafka =
      new EmbeddedKafkaExtension(
          EmbeddedKafka.builder()
              .config("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"));

  @TempDir Path dir;

  @Test
  void shouldHandOverPartitionsWithinTheSessionTimeoutAndKeepEveryFrameExactlyOnce()
      throws Exception {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("bootstrap.servers", kafka.bootstrapServers());
    properties.put("application.id", "failover-it");
    // What the README's take-over section tunes: how soon the group notices a dead member, and
    // how soon the broker aborts its open transaction.
    properties.put("session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS));
    properties.put("heartbeat.interval.ms", "1500");
    properties.put("producer.transaction.timeout.ms", "5000");
    PinwheelConfig pinwheel = PinwheelConfig.fromProperties(properties);
    PinwheelTopics.ensure(pinwheel, PARTITIONS);

    List<ServeProcess> all = new ArrayList<>();
    List<Long> takeOvers = new ArrayList<>();
    try (Outputs outputs =
        new Outputs(
            kafka.bootstrapServers(), pinwheel.featuresTopic(), pinwheel.deadLetterTopic())) {
      ServeProcess survivor = start(properties, "survivor", all);
      ServeProcess victim = start(properties, "victim-0", all);
      survivor.awaitHealthy(DEADLINE);
      victim.awaitHealthy(DEADLINE);
      Frames.Stream frames =
          Frames.stream(kafka.bootstrapServers(), pinwheel.framesTopic(), "fo", 50, 16, RATE);
      for (int kill = 1; kill <= KILLS; kill++) {
        // Both instances at work, the rebalance that the victim's start began finished: each reads
        // frames, and every partition produced something since.
        awaitWorking(victim);
        awaitWorking(survivor);
        long since = System.currentTimeMillis();
        await()
            .atMost(DEADLINE)
            .until(() -> outputs.firstProducedAfter(since).size() == PARTITIONS);

        long killedAt = System.currentTimeMillis();
        victim.kill();
        await()
            .atMost(DEADLINE)
            .until(() -> outputs.firstProducedAfter(killedAt).size() == PARTITIONS);
        long resumed =
            outputs.firstProducedAfter(killedAt).values().stream().max(Long::compare).orElseThrow()
                - killedAt;
        takeOvers.add(resumed);
        System.out.printf(
            "kill %d: every partition produced again %d ms after SIGKILL (per partition: %s)%n",
            kill, resumed, outputs.firstProducedAfter(killedAt));
        assertThat(survivor.process().isAlive()).isTrue();

        victim = start(properties, "victim-" + kill, all);
        victim.awaitHealthy(DEADLINE);
      }
      List<String> sent = frames.stop();
      await().atMost(DEADLINE).until(() -> outputs.distinct() >= sent.size());
      // Anything a killed instance wrote but did not commit must never show up: give it time to,
      // were it going to.
      Thread.sleep(2000);

      Map<String, Integer> counts = outputs.counts();
      assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(counts).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
      assertThat(outputs.featureRecords() + outputs.deadLetterRecords()).isEqualTo(sent.size());
      System.out.printf(
          "%d frames, %d kills, take-over times %s ms (session.timeout.ms %d)%n",
          sent.size(), KILLS, takeOvers, SESSION_TIMEOUT_MS);
      // Detection takes up to the session timeout; the rebalance, the abort of the dead instance's
      // open transaction and the first commit follow (README, "Failover").
      assertThat(takeOvers).allSatisfy(t -> assertThat(t).isLessThan(TAKE_OVER_BOUND_MS));

      // serve's documented status for SIGTERM: 0, or 143 when the JVM reports the signal itself.
      assertThat(survivor.terminate(Duration.ofSeconds(60))).isIn(0, 143);
      assertThat(victim.terminate(Duration.ofSeconds(60))).isIn(0, 143);
      assertThat(survivor.log()).contains("pinwheel serve: stopped cleanly");
      assertThat(victim.log()).contains("pinwheel serve: stopped cleanly");
    } catch (AssertionError | RuntimeException e) {
      for (ServeProcess p : all) {
        System.out.println("--- " + p + ":\n" + p.log());
      }
      throw e;
    } finally {
      all.forEach(ServeProcess::close);
    }
  }

  /** Waits until an instance's frame count grows: it holds partitions and processes them. */
  private static void awaitWorking(ServeProcess instance) throws InterruptedException {
    long before = instance.framesIn();
    await()
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> instance.framesIn() > Math.max(before, 0) + 5);
  }

  private ServeProcess start(Map<String, String> properties, String name, List<ServeProcess> all)
      throws java.io.IOException {
    Map<String, String> p = new LinkedHashMap<>(properties);
    p.put("state.dir", dir.resolve("state-" + name).toString());
    ServeProcess s = ServeProcess.start(dir, name, p);
    all.add(s);
    return s;
  }
}
