package io.pinwheel.broker;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.ResourceNotFoundException;

/**
 * Users and ACLs of a secured {@link EmbeddedKafka}, changed through the super user's admin client.
 *
 * <p>Both are written to the metadata log by the controller; the broker applies them a moment
 * later. Each method therefore returns only once the broker answers with the change (describing
 * users and ACLs is served from the broker's own metadata), so that a client started next sees it.
 */
final class BrokerUsers {
  /** SCRAM iterations: Kafka's minimum, since these passwords are random, not chosen by people. */
  private static final int ITERATIONS = 4096;

  private BrokerUsers() {}

  static void create(Admin admin, String user, String password, Duration timeout) {
    if (!user.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "a user name is letters, digits, '.', '_' and '-', got '" + user + "'");
    }
    ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, ITERATIONS);
    BrokerAdmin.await(
        admin
            .alterUserScramCredentials(
                List.of(new UserScramCredentialUpsertion(user, info, password)))
            .all(),
        "create user " + user,
        timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!known(admin, user, timeout)) {
      if (System.nanoTime() > deadline) {
        throw new KafkaException("user " + user + " not known to the broker after " + timeout);
      }
      BrokerAdmin.sleep(20);
    }
  }

  static void createAcls(Admin admin, Collection<AclBinding> acls, Duration timeout) {
    BrokerAdmin.await(admin.createAcls(acls).all(), "create ACLs " + acls, timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Set<AclBinding> present =
          new HashSet<>(
              BrokerAdmin.await(
                  admin.describeAcls(AclBindingFilter.ANY).values(), "describe ACLs", timeout));
      if (present.containsAll(acls)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new KafkaException("ACLs not applied by the broker after " + timeout + ": " + acls);
      }
      BrokerAdmin.sleep(20);
    }
  }

  static void deleteAcls(Admin admin, Collection<AclBindingFilter> filters, Duration timeout) {
    BrokerAdmin.await(admin.deleteAcls(filters).all(), "delete ACLs " + filters, timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean left = false;
      for (AclBinding b :
          BrokerAdmin.await(
              admin.describeAcls(AclBindingFilter.ANY).values(), "describe ACLs", timeout)) {
        left |= filters.stream().anyMatch(f -> f.matches(b));
      }
      if (!left) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new KafkaException("ACLs still applied by the broker after " + timeout);
      }
      BrokerAdmin.sleep(20);
    }
  }

  private static boolean known(Admin admin, String user, Duration timeout) {
    try {
      UserScramCredentialsDescription d =
          admin
              .describeUserScramCredentials(List.of(user))
              .description(user)
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return !d.credentialInfos().isEmpty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ResourceNotFoundException) {
        return false;
      }
      throw new KafkaException("could not describe user " + user + ": " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new KafkaException("timed out describing user " + user, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while describing user " + user, e);
    }
  }
}
