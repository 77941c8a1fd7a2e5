package io.pinwheel.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secured embedded broker: SCRAM-SHA-512 over TLS with its own CA, and ACLs that refuse anything
 * not granted. Each refusal must reach the client at once, with the exception naming the cause.
 */
@Tag("integration")
class SecuredEmbeddedKafkaIT {
  private static final Duration QUICK = Duration.ofSeconds(10);

  @RegisterExtension
  static final EmbeddedKafkaExtension kafka =
      new EmbeddedKafkaExtension(EmbeddedKafka.builder().secured());

  @TempDir Path dir;

  @Test
  void shouldLetUserWithAclsProduceAndReadOverSaslSsl() throws Exception {
    kafka.createTopic("granted", 1, Map.of());
    kafka.get().createUser("alice", "alice-secret");
    kafka.get().createAcls(List.of(allow("alice", "granted", AclOperation.WRITE)));
    kafka.get().createAcls(List.of(allow("alice", "granted", AclOperation.READ)));

    try (KafkaProducer<String, String> p =
        producer(kafka.get().clientProperties("alice", "alice-secret"))) {
      p.send(new ProducerRecord<>("granted", "k", "v")).get(30, TimeUnit.SECONDS);
    }
    try (CommittedReader reader =
        new CommittedReader(kafka.get().clientProperties("alice", "alice-secret"), "granted")) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      List<ConsumerRecord<byte[], byte[]>> read = reader.poll();
      while (read.isEmpty() && System.nanoTime() < deadline) {
        read = reader.poll();
      }
      assertThat(read).hasSize(1);
      assertThat(new String(read.get(0).value())).isEqualTo("v");
    }
  }

  @Test
  void shouldRefuseWrongPasswordWithinSeconds() {
    kafka.createTopic("wrong-password", 1, Map.of());
    kafka.get().createUser("bob", "bob-secret");
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> describe(kafka.get().clientProperties("bob", "not-bobs")))
        .hasCauseInstanceOf(SaslAuthenticationException.class)
        .hasMessageContaining("invalid credentials");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(QUICK);
  }

  @Test
  void shouldRefuseClientThatTrustsAnotherCa() throws Exception {
    kafka.get().createUser("carol", "carol-secret");
    Path rogue = dir.resolve("rogue-ca.pem");
    CertificateAuthority.create("rogue CA").writeCertificatePem(rogue);
    Map<String, String> client =
        BrokerSecurity.clientProperties(kafka.bootstrapServers(), "carol", "carol-secret", rogue);
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> describe(client))
        .hasCauseInstanceOf(SslAuthenticationException.class)
        .hasMessageContaining("SSL handshake failed");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(QUICK);
  }

  @Test
  void shouldRefuseUserWithoutAclOnTheTopic() {
    kafka.createTopic("not-granted", 1, Map.of());
    kafka.get().createUser("dave", "dave-secret");
    long t0 = System.nanoTime();
    try (KafkaProducer<String, String> p =
        producer(kafka.get().clientProperties("dave", "dave-secret"))) {
      assertThatThrownBy(
              () -> p.send(new ProducerRecord<>("not-granted", "k", "v")).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(QUICK);
  }

  @Test
  void shouldKeepCertificatesAndUsersWhenRestartedOnKeptLogDir() throws Exception {
    EmbeddedKafka.Builder builder = EmbeddedKafka.builder().secured().logDir(dir.resolve("kept"));
    String ca;
    try (EmbeddedKafka first = builder.start()) {
      first.createTopic("kept", 1, Map.of());
      first.createUser("erin", "erin-secret");
      first.createAcls(List.of(allow("erin", "kept", AclOperation.WRITE)));
      ca = java.nio.file.Files.readString(first.caCertificate());
    }
    try (EmbeddedKafka second = builder.start()) {
      assertThat(java.nio.file.Files.readString(second.caCertificate())).isEqualTo(ca);
      try (KafkaProducer<String, String> p =
          producer(second.clientProperties("erin", "erin-secret"))) {
        p.send(new ProducerRecord<>("kept", "k", "v")).get(30, TimeUnit.SECONDS);
      }
    }
  }

  private static AclBinding allow(String user, String topic, AclOperation operation) {
    return new AclBinding(
        new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
        new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
  }

  private static KafkaProducer<String, String> producer(Map<String, String> client) {
    Map<String, Object> p = new HashMap<>(client);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private static void describe(Map<String, String> client) throws Exception {
    try (Admin admin = Admin.create(new HashMap<>(client))) {
      admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
    }
  }
}
