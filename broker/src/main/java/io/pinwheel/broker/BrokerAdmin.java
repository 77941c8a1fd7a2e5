package io.pinwheel.broker;

import static io.pinwheel.broker.EmbeddedKafka.ADMIN_TIMEOUT;
import static io.pinwheel.broker.EmbeddedKafka.HOST;
import static io.pinwheel.broker.EmbeddedKafka.STARTUP_TIMEOUT;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;

/**
 * The embedded broker's admin client: its settings, waiting for the broker to answer, and waiting
 * on its calls.
 */
final class BrokerAdmin {
  private BrokerAdmin() {}

  static Map<String, Object> config(int brokerPort, BrokerSecurity security) {
    Map<String, Object> c = new HashMap<>();
    if (security != null) {
      c.putAll(security.superUserClient(HOST + ":" + brokerPort));
    }
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + brokerPort);
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, "pinwheel-embedded-kafka-admin");
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    return c;
  }

  static void awaitAnswer(Admin admin) {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        // A listed node means the broker is registered and unfenced: it serves produce and fetch.
        if (!admin
            .describeCluster()
            .nodes()
            .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .isEmpty()) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        last = new KafkaException(e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new KafkaException("interrupted while waiting for the broker", e);
      }
      sleep(20);
    }
    throw new KafkaException("the broker did not answer within " + STARTUP_TIMEOUT, last);
  }

  static <T> T await(KafkaFuture<T> future, String what) {
    return await(future, what, ADMIN_TIMEOUT);
  }

  /** Waits up to {@code timeout} for an admin call; a failure names {@code what} was tried. */
  static <T> T await(KafkaFuture<T> future, String what, Duration timeout) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new KafkaException(
          "could not " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException("timed out trying to " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while trying to " + what, e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while waiting for the broker", e);
    }
  }
}
