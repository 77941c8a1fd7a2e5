package io.pinwheel.cli.service;

import io.pinwheel.broker.BrokerSecurity;
import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.security.PinwheelAcls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclBinding;

/**
 * One SCRAM user per role of pinwheel on a secured trial broker ({@code pinwheel broker
 * --secured}), each granted the ACLs of {@link PinwheelAcls} for the default topics and application
 * id, and a client settings file per user, so that every command can be tried against it as it
 * would run on a secured cluster.
 *
 * <p>Files, in {@code <log dir>/security/clients/}, owner-only: {@code serve.properties} (a
 * configuration for {@code serve --config}), {@code produce.properties}, {@code consume.properties}
 * and {@code publish-model.properties} (for {@code --client-config}), and {@code
 * read-features.properties} (librdkafka's keys, for {@code read_features.py --client-config}).
 * Users get new passwords at every start.
 */
final class BrokerRoles {
  /** The roles, each a user of this name, and its settings file. */
  static final List<String> ROLES = List.of("serve", "produce", "consume", "publish-model");

  /** The user of a role: {@code pinwheel-<role>}. */
  static String user(String role) {
    return "pinwheel-" + role;
  }

  private BrokerRoles() {}

  /**
   * Creates the users and their ACLs and writes their settings files.
   *
   * @param kafka a secured broker
   * @return each role's settings file, and {@code read-features} for the Python reader
   * @throws IOException if a file cannot be written
   */
  static Map<String, Path> create(EmbeddedKafka kafka) throws IOException {
    PinwheelConfig defaults = PinwheelConfig.defaults(kafka.bootstrapServers());
    Path dir = kafka.logDir().resolve("security").resolve("clients");
    Files.createDirectories(dir);
    Map<String, Path> files = new LinkedHashMap<>();
    for (String role : ROLES) {
      String user = user(role);
      String password = BrokerSecurity.password();
      kafka.createUser(user, password);
      kafka.createAcls(acls(role, "User:" + user, defaults));
      Path file = dir.resolve(role + ".properties");
      write(file, kafka.clientProperties(user, password), "pinwheel " + role + " as " + user);
      files.put(role, file);
      if (role.equals("consume")) {
        // Debian 12's librdkafka (2.0.2) cannot log in with SCRAM to a Kafka 4 broker: the Python
        // reader presents a certificate of the same user on the SSL listener instead.
        Path key = dir.resolve(role + ".key.pem");
        Path chain = dir.resolve(role + ".cert.pem");
        kafka.issueClientCertificate(user, key, chain);
        Map<String, String> librdkafka = new LinkedHashMap<>();
        librdkafka.put("bootstrap.servers", kafka.tlsBootstrapServers());
        librdkafka.put("security.protocol", BrokerSecurity.TLS_PROTOCOL);
        librdkafka.put("ssl.ca.location", kafka.caCertificate().toAbsolutePath().toString());
        librdkafka.put("ssl.certificate.location", chain.toAbsolutePath().toString());
        librdkafka.put("ssl.key.location", key.toAbsolutePath().toString());
        Path py = dir.resolve("read-features.properties");
        write(py, librdkafka, "docs/examples/read_features.py as " + user + " (librdkafka keys)");
        files.put("read-features", py);
      }
    }
    return files;
  }

  private static List<AclBinding> acls(String role, String principal, PinwheelConfig c) {
    List<AclBinding> acls = new ArrayList<>();
    switch (role) {
      case "serve" -> {
        acls.addAll(PinwheelAcls.serve(principal, c));
        // A trial broker starts empty: serve --create-topics makes the topics.
        acls.addAll(PinwheelAcls.createTopics(principal, c));
      }
      case "produce" -> acls.addAll(PinwheelAcls.produce(principal, c.framesTopic()));
      case "consume" -> {
        acls.addAll(
            PinwheelAcls.consume(principal, c.featuresTopic(), PinwheelAcls.CONSUME_GROUP_PREFIX));
        acls.addAll(
            PinwheelAcls.consume(
                principal, c.featuresTopic(), PinwheelAcls.PYTHON_READER_GROUP_PREFIX));
      }
      case "publish-model" -> acls.addAll(PinwheelAcls.publishModel(principal, c.modelsTopic()));
      default -> throw new IllegalArgumentException("no such role: " + role);
    }
    return acls.stream().distinct().toList();
  }

  /**
   * Writes {@code key=value} lines, readable by Java's {@code Properties} and by librdkafka-style
   * readers alike: keys are plain names and values hold no backslash or line break.
   */
  private static void write(Path file, Map<String, String> settings, String comment)
      throws IOException {
    StringBuilder text = new StringBuilder("# ").append(comment).append('\n');
    settings.forEach(
        (k, v) -> {
          if (!k.matches("[a-z0-9.-]+") || v.contains("\\") || v.contains("\n")) {
            throw new IllegalArgumentException("cannot write " + k + " as a plain line");
          }
          text.append(k).append('=').append(v).append('\n');
        });
    Files.deleteIfExists(file);
    Files.createFile(file);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
