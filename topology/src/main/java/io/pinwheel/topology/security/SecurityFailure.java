package io.pinwheel.topology.security;

import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/**
 * A Kafka client refused by a secured cluster, said in words that name the cause and the fix.
 *
 * <p>Kafka clients fail at once, without retrying, when a login is refused, the broker's
 * certificate is not trusted or an ACL is missing; but their messages ("SSL handshake failed",
 * "Transactional Id authorization failed.") leave the reader to guess which setting is wrong.
 * {@link #of(Throwable)} finds such a refusal anywhere in a chain of causes and says what to check.
 * Other failures are not security failures: a client that cannot reach the cluster, for one,
 * retries.
 *
 * @param kind what was refused
 * @param message one line naming the cause and the setting or ACL to check
 */
public record SecurityFailure(Kind kind, String message) {

  /** What the cluster refused. */
  public enum Kind {
    /** The SASL login: wrong user name or password, or a mechanism the broker does not offer. */
    AUTHENTICATION,
    /** The TLS handshake: the client does not trust the broker's certificate, or its name. */
    TLS,
    /** An operation: the principal has no ACL that allows it. */
    AUTHORIZATION
  }

  /** Checks the components. */
  public SecurityFailure {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }

  /**
   * Finds a security refusal in {@code failure} or its causes.
   *
   * @param failure any exception, such as what a Kafka client or Kafka Streams threw
   * @return the refusal, explained; empty if the chain holds none
   */
  public static Optional<SecurityFailure> of(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SslAuthenticationException e) {
        return Optional.of(
            new SecurityFailure(
                Kind.TLS,
                "TLS handshake with the broker failed: "
                    + rootMessage(e)
                    + " (is the CA that signed the broker's certificate in ssl.truststore.*, and"
                    + " does the certificate name the host in bootstrap.servers?)"));
      }
      if (t instanceof SaslAuthenticationException e) {
        return Optional.of(
            new SecurityFailure(
                Kind.AUTHENTICATION,
                "authentication failed: "
                    + e.getMessage()
                    + " (check the user name and password in sasl.jaas.config, and sasl.mechanism)"));
      }
      if (t instanceof AuthenticationException e) {
        return Optional.of(
            new SecurityFailure(
                Kind.AUTHENTICATION,
                "authentication failed: "
                    + e.getMessage()
                    + " (check security.protocol, sasl.mechanism and sasl.jaas.config)"));
      }
      if (t instanceof AuthorizationException e) {
        return Optional.of(new SecurityFailure(Kind.AUTHORIZATION, authorization(e)));
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the message for a failure: the explanation of a security refusal, else the failure's
   * own message.
   *
   * @param failure any exception
   * @return one line
   */
  public static String describe(Throwable failure) {
    return of(failure)
        .map(SecurityFailure::message)
        .orElseGet(
            () ->
                failure.getMessage() == null
                    ? failure.getClass().getSimpleName()
                    : failure.getMessage());
  }

  private static String authorization(AuthorizationException e) {
    String what;
    if (e instanceof TopicAuthorizationException t && !t.unauthorizedTopics().isEmpty()) {
      what = "not authorized to use topic(s) " + String.join(", ", t.unauthorizedTopics());
    } else if (e instanceof GroupAuthorizationException g && g.groupId() != null) {
      what = "not authorized to use consumer group " + g.groupId();
    } else if (e instanceof TransactionalIdAuthorizationException) {
      what = "not authorized to use its transactional id";
    } else if (e instanceof ClusterAuthorizationException) {
      what = "not authorized for a cluster operation";
    } else {
      what = "not authorized";
    }
    return what
        + ": "
        + e.getMessage()
        + " (the principal lacks an ACL; README, 'Secured clusters', lists what each command needs)";
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
