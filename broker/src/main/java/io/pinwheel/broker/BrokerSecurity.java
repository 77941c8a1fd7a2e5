package io.pinwheel.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.KafkaException;

/**
 * The security of a secured {@link EmbeddedKafka}: its TLS material and the broker's own
 * credentials, kept in {@code <log dir>/security}, and the broker and client properties that use
 * them.
 *
 * <p>The client listener is {@code SASL_SSL}: TLS with a server certificate issued by a CA made for
 * this directory ({@link CertificateAuthority}; clients trust {@code security/ca.pem}), and
 * SCRAM-SHA-512 logins. Authorization is KRaft's {@code StandardAuthorizer}: without an ACL nothing
 * is allowed, except to the super user {@value #BROKER_USER}, the broker itself, whose SCRAM
 * credential is written into the metadata log when the storage is formatted. The controller
 * listener, which only the broker uses, listens on the loopback address with SASL PLAIN and the
 * same user. A directory kept across restarts keeps its CA, certificate and passwords.
 *
 * <p>A second client listener, {@code SSL}, authenticates clients by certificate instead (mutual
 * TLS): a client presents a certificate the CA issued ({@link
 * EmbeddedKafka#issueClientCertificate}) and is the user its common name names, with the same ACLs
 * as a SCRAM login of that name. It serves clients that cannot log in with SCRAM to a Kafka 4
 * broker, such as librdkafka before 2.6.1 (Debian 12 ships 2.0.2).
 *
 * <p>Files: {@code ca.pem} (the CA certificate, for clients), {@code ca.p12} (the CA's key, to
 * issue client certificates), {@code broker.p12} (the broker's key and chain) and {@code
 * broker.secrets} (the broker's passwords); all but {@code ca.pem} owner-only on POSIX file
 * systems.
 */
public final class BrokerSecurity {
  /** The SASL mechanism of the client listener. */
  public static final String MECHANISM = "SCRAM-SHA-512";

  /** The broker's own user: the super user, who may do anything. */
  public static final String BROKER_USER = "broker";

  /** The security protocol of the client listener. */
  public static final String PROTOCOL = "SASL_SSL";

  /** The security protocol of the listener that authenticates clients by certificate. */
  public static final String TLS_PROTOCOL = "SSL";

  /** The authorizer of a secured broker. */
  static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

  private static final String DIR = "security";
  private static final String CA_FILE = "ca.pem";
  private static final String CA_KEY_FILE = "ca.p12";
  private static final String KEYSTORE_FILE = "broker.p12";
  private static final String SECRETS_FILE = "broker.secrets";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final Path dir;
  private final String brokerPassword;
  private final String keystorePassword;
  private final CertificateAuthority ca;

  private BrokerSecurity(
      Path dir, String brokerPassword, String keystorePassword, CertificateAuthority ca) {
    this.dir = dir;
    this.brokerPassword = brokerPassword;
    this.keystorePassword = keystorePassword;
    this.ca = ca;
  }

  /**
   * Makes the security material in {@code logDir/security}, or reads what an earlier start made.
   *
   * @param logDir the broker's log directory
   * @return the broker's security
   * @throws KafkaException if the files cannot be written or read
   */
  static BrokerSecurity prepare(Path logDir) {
    Path dir = logDir.resolve(DIR);
    Path secrets = dir.resolve(SECRETS_FILE);
    try {
      if (Files.isRegularFile(secrets)
          && Files.isRegularFile(dir.resolve(CA_FILE))
          && Files.isRegularFile(dir.resolve(CA_KEY_FILE))
          && Files.isRegularFile(dir.resolve(KEYSTORE_FILE))) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(secrets)) {
          p.load(in);
        }
        String broker = p.getProperty("broker.password");
        String keystore = p.getProperty("keystore.password");
        if (broker == null || keystore == null) {
          throw new KafkaException(secrets + " lacks broker.password or keystore.password");
        }
        CertificateAuthority ca =
            CertificateAuthority.load(dir.resolve(CA_KEY_FILE), keystore.toCharArray());
        return new BrokerSecurity(dir, broker, keystore, ca);
      }
      Files.createDirectories(dir);
      CertificateAuthority ca = CertificateAuthority.create("pinwheel embedded broker CA");
      BrokerSecurity s = new BrokerSecurity(dir, password(), password(), ca);
      ca.issue(
              "pinwheel embedded broker",
              List.of("localhost"),
              List.of(InetAddress.getByName(EmbeddedKafka.HOST)))
          .writePkcs12(s.keystore(), "broker", s.keystorePassword.toCharArray());
      ownerOnly(s.keystore());
      ca.writeCertificatePem(s.caCertificate());
      ca.save(dir.resolve(CA_KEY_FILE), s.keystorePassword.toCharArray());
      ownerOnly(dir.resolve(CA_KEY_FILE));
      Properties p = new Properties();
      p.setProperty("broker.password", s.brokerPassword);
      p.setProperty("keystore.password", s.keystorePassword);
      try (OutputStream out = Files.newOutputStream(secrets)) {
        p.store(out, "the embedded broker's own passwords");
      }
      ownerOnly(secrets);
      return s;
    } catch (IOException e) {
      throw new KafkaException("cannot prepare the broker's TLS and credentials in " + dir, e);
    }
  }

  /**
   * Returns the CA certificate that clients must trust.
   *
   * @return {@code <log dir>/security/ca.pem}
   */
  public Path caCertificate() {
    return dir.resolve(CA_FILE);
  }

  /**
   * Issues a client certificate whose common name is {@code user}, for the {@code SSL} listener.
   */
  void issueClientCertificate(String user, Path keyFile, Path chainFile) throws IOException {
    if (!user.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException(
          "a user name is letters, digits, '.', '_' and '-', got '" + user + "'");
    }
    ca.issue(user, List.of(user), List.of()).writePem(keyFile, chainFile);
  }

  private Path keystore() {
    return dir.resolve(KEYSTORE_FILE);
  }

  /** The arguments that add the broker's SCRAM credential when the storage is formatted. */
  List<String> formatArguments() {
    return List.of(
        "--add-scram", MECHANISM + "=[name=" + BROKER_USER + ",password=" + brokerPassword + "]");
  }

  /** The broker properties of the secured listeners, the authorizer and the super user. */
  Map<String, String> serverProperties(
      String host, int brokerPort, int tlsPort, int controllerPort) {
    Map<String, String> p = new LinkedHashMap<>();
    String client = PROTOCOL + "://" + host + ":" + brokerPort;
    String tls = TLS_PROTOCOL + "://" + host + ":" + tlsPort;
    p.put("listeners", client + "," + tls + ",CONTROLLER://" + host + ":" + controllerPort);
    p.put("advertised.listeners", client + "," + tls);
    p.put(
        "listener.security.protocol.map",
        PROTOCOL
            + ":"
            + PROTOCOL
            + ","
            + TLS_PROTOCOL
            + ":"
            + TLS_PROTOCOL
            + ",CONTROLLER:SASL_PLAINTEXT");
    // Mutual TLS: a client certificate from the CA, whose common name is the user.
    p.put("listener.name.ssl.ssl.client.auth", "required");
    p.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)$/$1/,DEFAULT");
    p.put("inter.broker.listener.name", PROTOCOL);
    p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    p.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", MECHANISM);
    p.put(
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        scramJaas(BROKER_USER, brokerPassword));
    // SCRAM credentials live in the metadata the controller serves, so the controller listener
    // cannot use them: PLAIN with the one user in its JAAS configuration, on the loopback address.
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
    p.put(
        "listener.name.controller.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + BROKER_USER
            + "\" password=\""
            + brokerPassword
            + "\" user_"
            + BROKER_USER
            + "=\""
            + brokerPassword
            + "\";");
    p.put("ssl.keystore.type", "PKCS12");
    p.put("ssl.keystore.location", keystore().toString());
    p.put("ssl.keystore.password", keystorePassword);
    p.put("ssl.key.password", keystorePassword);
    // The broker is its own client on the inter-broker listener (transaction markers), and checks
    // client certificates on the SSL listener against the same CA.
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", caCertificate().toString());
    p.put("authorizer.class.name", AUTHORIZER);
    p.put("super.users", "User:" + BROKER_USER);
    p.put("allow.everyone.if.no.acl.found", "false");
    return p;
  }

  /** The settings of a client logged in as the broker's super user. */
  Map<String, String> superUserClient(String bootstrapServers) {
    return clientProperties(bootstrapServers, BROKER_USER, brokerPassword, caCertificate());
  }

  /**
   * Returns the settings a Java Kafka client needs to log in to a secured broker.
   *
   * @param bootstrapServers the broker's address
   * @param user the SCRAM user
   * @param password the user's password
   * @param trustedCa the PEM file of the CA the client trusts
   * @return {@code bootstrap.servers}, {@code security.protocol}, {@code sasl.mechanism}, {@code
   *     sasl.jaas.config} and the PEM trust store settings
   */
  public static Map<String, String> clientProperties(
      String bootstrapServers, String user, String password, Path trustedCa) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("bootstrap.servers", bootstrapServers);
    p.put("security.protocol", PROTOCOL);
    p.put("sasl.mechanism", MECHANISM);
    p.put("sasl.jaas.config", scramJaas(user, password));
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", trustedCa.toAbsolutePath().toString());
    return p;
  }

  /**
   * Returns a new random password: 24 letters and digits (143 bits), safe in JAAS and SCRAM syntax.
   *
   * @return the password
   */
  public static String password() {
    char[] c = new char[24];
    for (int i = 0; i < c.length; i++) {
      c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
    }
    return new String(c);
  }

  private static String scramJaas(String user, String password) {
    if (!user.matches("[A-Za-z0-9._-]+") || password.indexOf('"') >= 0) {
      throw new IllegalArgumentException(
          "user names are letters, digits, '.', '_' and '-'; passwords hold no '\"'");
    }
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  private static void ownerOnly(Path file) {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot restrict " + file + " to its owner", e);
      }
    }
  }
}
