package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.broker.BrokerSecurity;
import io.pinwheel.broker.CertificateAuthority;
import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.cli.Cli;
import io.pinwheel.topology.admin.PinwheelTopics;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.security.PinwheelAcls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command against a secured broker (SCRAM-SHA-512 over TLS, ACLs): with the ACLs of its role
 * ({@link PinwheelAcls}) each does its work; with a wrong password, an untrusted certificate or a
 * missing ACL each stops within seconds, saying why.
 */
@Tag("integration")
class SecuredClusterIT {
  /** "Within seconds", with room for a busy two-core machine. */
  private static final Duration QUICK = Duration.ofSeconds(20);

  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final String APP = "secured";

  @RegisterExtension
  static final EmbeddedKafkaExtension kafka =
      new EmbeddedKafkaExtension(EmbeddedKafka.builder().secured());

  @TempDir static Path dir;

  private static PinwheelConfig topics;

  @BeforeAll
  static void usersTopicsAndAcls() {
    topics =
        PinwheelConfig.fromProperties(
            Map.of(
                PinwheelConfig.BOOTSTRAP_SERVERS,
                kafka.bootstrapServers(),
                PinwheelConfig.APPLICATION_ID,
                APP));
    kafka.createTopic(topics.framesTopic(), 2, Map.of());
    kafka.createTopic(topics.featuresTopic(), 2, Map.of());
    kafka.createTopic(topics.deadLetterTopic(), 2, Map.of());
    kafka.createTopic(
        topics.modelsTopic(),
        1,
        Map.of(
            "cleanup.policy",
            "compact",
            "max.message.bytes",
            Integer.toString(PinwheelTopics.MODELS_MAX_MESSAGE_BYTES)));
    user("serve", PinwheelAcls.serve("User:serve", topics));
    user("producer", PinwheelAcls.produce("User:producer", topics.framesTopic()));
    List<org.apache.kafka.common.acl.AclBinding> reader = new ArrayList<>();
    reader.addAll(
        PinwheelAcls.consume(
            "User:reader", topics.featuresTopic(), PinwheelAcls.CONSUME_GROUP_PREFIX));
    reader.addAll(
        PinwheelAcls.consume(
            "User:reader", topics.featuresTopic(), PinwheelAcls.PYTHON_READER_GROUP_PREFIX));
    user("reader", reader);
    user("publisher", PinwheelAcls.publishModel("User:publisher", topics.modelsTopic()));
    // Allowed to read the features topic, but in no consumer group.
    user(
        "groupless",
        List.of(PinwheelAcls.consume("User:groupless", topics.featuresTopic(), "none-").get(0)));
    // In the Python reader's consumer groups, but not allowed to read the features topic.
    user(
        "topicless",
        List.of(
            PinwheelAcls.consume(
                    "User:topicless",
                    topics.featuresTopic(),
                    PinwheelAcls.PYTHON_READER_GROUP_PREFIX)
                .get(1)));
  }

  @Test
  void shouldServeProducePublishConsumeAndReadInPythonWithTheirRoleAcls() throws Exception {
    Path v1 = initModel("v1");
    Path v2 = initModel("v2");
    Map<String, String> serve = new LinkedHashMap<>(credentials("serve"));
    serve.put(PinwheelConfig.APPLICATION_ID, APP);
    serve.put("state.dir", dir.resolve("state").toString());
    // Signed encoders too: from the models topic, only what the release key signed.
    Cli keygen = Cli.run("keygen", "--out", dir.resolve("release").toString());
    assertThat(keygen.exitCode()).as(keygen.err()).isZero();
    serve.put(PinwheelConfig.TRUSTED_KEYS, keygen.lastLine().get("publicKey").asText());
    try (ServeProcess server = ServeProcess.start(dir, "serve", serve, "--model", v1.toString())) {
      server.awaitHealthy(DEADLINE);
      // serve prints its running line after the service is up, so after /health may answer.
      await()
          .atMost(DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(server.log()).contains("models must be signed by a trusted key (1)"));

      Cli unsigned = publish(v2);
      assertThat(unsigned.exitCode()).as(unsigned.err()).isZero();
      await()
          .atMost(DEADLINE)
          .until(
              () -> server.log().contains("model rejected") && server.log().contains("unsigned"));
      Cli sign =
          Cli.run("sign", "--key", keygen.lastLine().get("privateKey").asText(), v2.toString());
      assertThat(sign.exitCode()).as(sign.err()).isZero();
      Cli publish = publish(v2);
      assertThat(publish.exitCode()).as(publish.err()).isZero();
      await()
          .atMost(DEADLINE)
          .until(() -> server.log().contains("model accepted") && server.log().contains("v2"));

      Cli produce =
          Cli.run(
              "produce",
              "../samples/images",
              "--max",
              "8",
              "--key",
              "cam",
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--client-config",
              clientConfig("producer").toString());
      assertThat(produce.exitCode()).as(produce.err()).isZero();
      assertThat(produce.lastLine().get("sent").asInt()).isEqualTo(8);

      Cli consume =
          Cli.run(
              "consume",
              "--from-beginning",
              "--max",
              "8",
              "--bootstrap-servers",
              kafka.bootstrapServers(),
              "--client-config",
              clientConfig("reader").toString());
      assertThat(consume.exitCode()).as(consume.err()).isZero();
      List<JsonNode> records = consume.lines();
      assertThat(records).hasSize(8);
      assertThat(records)
          .allSatisfy(r -> assertThat(r.get("model").get("version").asInt()).isEqualTo(2));

      String python = PythonReaderIT.findPython();
      if (python != null) {
        Python read =
            python(python, "reader", "--from-beginning", "--max", "8", "--format", "json");
        assertThat(read.exit()).as(read.err()).isZero();
        assertThat(read.out().strip().split("\n")).hasSize(8);
      }
    }
  }

  @Test
  void shouldStopServeWithinSecondsOnAWrongPassword() throws Exception {
    Map<String, String> serve =
        new LinkedHashMap<>(kafka.get().clientProperties("serve", "not-the-password"));
    serve.put(PinwheelConfig.APPLICATION_ID, APP);
    try (ServeProcess server = ServeProcess.start(dir, "serve-wrong-password", serve)) {
      // The JVM's start and the model's loading come first; the refusal itself is immediate.
      int exit = server.awaitExit(DEADLINE);
      assertThat(exit).isEqualTo(1);
      assertThat(server.log())
          .contains("pinwheel serve: cannot start: authentication failed")
          .contains("invalid credentials");
      System.out.printf(
          "serve with a wrong password stopped after %d ms%n", server.age().toMillis());
    }
  }

  @Test
  void shouldStopProduceWithinSecondsOnAWrongPassword() throws IOException {
    Path config = write("producer-wrong", kafka.get().clientProperties("producer", "wrong"));
    long t0 = System.nanoTime();
    Cli produce =
        Cli.run(
            "produce",
            "../samples/images",
            "--loop",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--client-config",
            config.toString());
    assertQuick(t0);
    assertThat(produce.exitCode()).isEqualTo(1);
    assertThat(produce.err())
        .contains("pinwheel produce: stopped, the cluster refused it: authentication failed");
  }

  @Test
  void shouldStopProduceWithinSecondsWithoutAWriteAcl() throws IOException {
    long t0 = System.nanoTime();
    Cli produce =
        Cli.run(
            "produce",
            "../samples/images",
            "--loop",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--client-config",
            clientConfig("reader").toString());
    assertQuick(t0);
    assertThat(produce.exitCode()).isEqualTo(1);
    assertThat(produce.err()).contains("not authorized to use topic(s) " + topics.framesTopic());
  }

  @Test
  void shouldStopConsumeWithinSecondsWhenTheBrokerCertificateIsNotTrusted() throws IOException {
    Path rogue = dir.resolve("rogue-ca.pem");
    CertificateAuthority.create("rogue CA").writeCertificatePem(rogue);
    Path config =
        write(
            "reader-rogue-ca",
            BrokerSecurity.clientProperties(
                kafka.bootstrapServers(), "reader", "reader-secret", rogue));
    long t0 = System.nanoTime();
    Cli consume =
        Cli.run(
            "consume",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--client-config",
            config.toString());
    assertQuick(t0);
    assertThat(consume.exitCode()).isEqualTo(1);
    assertThat(consume.err())
        .contains("TLS handshake with the broker failed")
        .contains("ssl.truststore");
  }

  @Test
  void shouldStopConsumeWithinSecondsWithoutAGroupAcl() throws IOException {
    long t0 = System.nanoTime();
    Cli consume =
        Cli.run(
            "consume",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--client-config",
            clientConfig("groupless").toString());
    assertQuick(t0);
    assertThat(consume.exitCode()).isEqualTo(1);
    assertThat(consume.err()).contains("not authorized to use consumer group pinwheel-consume-");
  }

  @Test
  void shouldStopPublishModelWithinSecondsWithoutAWriteAcl() throws Exception {
    Path model = initModel("refused");
    long t0 = System.nanoTime();
    Cli publish =
        Cli.run(
            "publish-model",
            model.toString(),
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--client-config",
            clientConfig("reader").toString());
    assertQuick(t0);
    assertThat(publish.exitCode()).isEqualTo(1);
    assertThat(publish.err())
        .contains("pinwheel publish-model: could not publish")
        .contains("not authorized");
  }

  @Test
  void shouldStopPythonReaderWithinSecondsWithoutATopicAcl() throws Exception {
    String python = PythonReaderIT.findPython();
    org.junit.jupiter.api.Assumptions.assumeTrue(python != null, "no python3 with confluent_kafka");
    long t0 = System.nanoTime();
    Python read = python(python, "topicless", "--from-beginning", "--max", "1");
    assertQuick(t0);
    assertThat(read.exit()).isEqualTo(1);
    assertThat(read.err())
        .contains("read_features.py: stopped, the cluster refused it: not authorized to read");
  }

  @Test
  void shouldStopPythonReaderWithinSecondsWhenItsCertificateIsNotFromTheBrokerCa()
      throws Exception {
    String python = PythonReaderIT.findPython();
    org.junit.jupiter.api.Assumptions.assumeTrue(python != null, "no python3 with confluent_kafka");
    CertificateAuthority rogue = CertificateAuthority.create("rogue CA");
    Path key = dir.resolve("rogue.key.pem");
    Path chain = dir.resolve("rogue.cert.pem");
    rogue.issue("reader", List.of("reader"), List.of()).writePem(key, chain);
    long t0 = System.nanoTime();
    Python read =
        runPython(
            python,
            List.of(
                "-X", "bootstrap.servers=" + kafka.get().tlsBootstrapServers(),
                "-X", "security.protocol=SSL",
                "-X", "ssl.ca.location=" + kafka.get().caCertificate(),
                "-X", "ssl.certificate.location=" + chain,
                "-X", "ssl.key.location=" + key,
                "--max", "1"));
    assertQuick(t0);
    assertThat(read.exit()).isEqualTo(1);
    assertThat(read.err()).contains("the broker refused the TLS handshake");
  }

  private static void user(String name, List<org.apache.kafka.common.acl.AclBinding> acls) {
    kafka.get().createUser(name, name + "-secret");
    kafka.get().createAcls(acls);
  }

  private static Map<String, String> credentials(String user) {
    return kafka.get().clientProperties(user, user + "-secret");
  }

  private static Path clientConfig(String user) throws IOException {
    return write(user, credentials(user));
  }

  private static Path write(String name, Map<String, String> settings) throws IOException {
    StringBuilder text = new StringBuilder();
    settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    Path file = dir.resolve(name + ".client.properties");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private Cli publish(Path model) throws IOException {
    return Cli.run(
        "publish-model",
        model.toString(),
        "--bootstrap-servers",
        kafka.bootstrapServers(),
        "--client-config",
        clientConfig("publisher").toString());
  }

  private static Path initModel(String name) throws IOException {
    Path file = dir.resolve("model-" + name + ".pwe");
    if (name.equals("v2")) {
      Files.copy(initModel("v1"), file);
      Cli again =
          Cli.run(
              "init-model",
              "--out",
              file.toString(),
              "--force",
              "--size",
              "32",
              "--filters",
              "8",
              "--kernel",
              "5");
      assertThat(again.exitCode()).as(again.err()).isZero();
      return file;
    }
    if (!Files.exists(file)) {
      Cli init =
          Cli.run(
              "init-model",
              "--out",
              file.toString(),
              "--size",
              "32",
              "--filters",
              "8",
              "--kernel",
              "5");
      assertThat(init.exitCode()).as(init.err()).isZero();
    }
    return file;
  }

  private static void assertQuick(long t0) {
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    System.out.printf("refused after %d ms%n", took.toMillis());
    assertThat(took).isLessThan(QUICK);
  }

  /** The Python reader as {@code user}, with a certificate on the broker's SSL listener. */
  private static Python python(String python, String user, String... args) throws Exception {
    Path key = dir.resolve(user + ".key.pem");
    Path chain = dir.resolve(user + ".cert.pem");
    kafka.get().issueClientCertificate(user, key, chain);
    List<String> command =
        new ArrayList<>(
            List.of(
                "-X", "bootstrap.servers=" + kafka.get().tlsBootstrapServers(),
                "-X", "security.protocol=SSL",
                "-X", "ssl.ca.location=" + kafka.get().caCertificate(),
                "-X", "ssl.certificate.location=" + chain,
                "-X", "ssl.key.location=" + key));
    command.addAll(List.of(args));
    return runPython(python, command);
  }

  private static Python runPython(String python, List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of(python, "../docs/examples/read_features.py"));
    command.addAll(args);
    Path out = Files.createTempFile(dir, "py", ".out");
    Path err = Files.createTempFile(dir, "py", ".err");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(
          "read_features.py still running after "
              + DEADLINE
              + "; stderr: "
              + Files.readString(err));
    }
    return new Python(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private record Python(int exit, String out, String err) {}
}
