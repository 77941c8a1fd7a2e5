package io.pinwheel.broker;

import io.pinwheel.client.admin.TopicReadiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker, also acting as its KRaft controller, running inside this JVM.
 *
 * <p>For tests, the demo and the {@code pinwheel broker} command: no ZooKeeper, no Docker, no
 * separate process. It listens on 127.0.0.1 only, with PLAINTEXT, and every internal topic
 * (consumer offsets, transaction state, share-group state) has replication factor 1, so idempotent
 * and transactional producers and consumer groups work on the single node. Records up to {@value
 * #DEFAULT_MAX_MESSAGE_BYTES} bytes are accepted: the models topic carries whole encoder files.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *   kafka.createTopic("frames", 4, Map.of());
 *   props.put("bootstrap.servers", kafka.bootstrapServers());
 *   ...
 * }
 * }</pre>
 *
 * <p>The first start in a JVM takes 3-4 s, mostly class loading; later ones take about 0.3 s.
 * Closing takes about 0.3 s. The JVM grows by some 400 MB. Instances are safe to use from several
 * threads, and {@link #close()} may be called more than once.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** The largest record batch the broker accepts unless configured otherwise: 64 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  static final String HOST = "127.0.0.1";
  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final int START_ATTEMPTS = 3;

  private final KafkaRaftServer server;
  private final Admin admin;
  private final Path logDir;
  private final boolean deleteLogDir;
  private final int port;
  private final Duration startupTime;
  private final BrokerSecurity security;
  private final int tlsPort;
  private boolean closed;

  private EmbeddedKafka(
      KafkaRaftServer server,
      Admin admin,
      Path logDir,
      boolean deleteLogDir,
      int port,
      Duration startupTime,
      BrokerSecurity security,
      int tlsPort) {
    this.server = server;
    this.admin = admin;
    this.logDir = logDir;
    this.deleteLogDir = deleteLogDir;
    this.port = port;
    this.startupTime = startupTime;
    this.security = security;
    this.tlsPort = tlsPort;
  }

  /**
   * Starts a broker on a free loopback port with a temporary log directory that {@link #close()}
   * deletes.
   *
   * @return the running broker, answering requests
   * @throws KafkaException if it could not be started
   */
  public static EmbeddedKafka start() {
    return builder().start();
  }

  /**
   * Returns a builder for a broker with a fixed port, a kept log directory or extra broker
   * properties.
   *
   * @return a new builder with the defaults of {@link #start()}
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the address clients connect to.
   *
   * @return {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}
   */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /**
   * Returns the port of the client listener.
   *
   * @return the TCP port on 127.0.0.1
   */
  public int port() {
    return port;
  }

  /**
   * Returns the directory holding the broker's data, metadata log and {@code server.properties}.
   *
   * @return the log directory
   */
  public Path logDir() {
    return logDir;
  }

  /**
   * Returns how long {@link Builder#start()} took, from formatting the storage until the broker
   * answered.
   *
   * @return the start-up time
   */
  public Duration startupTime() {
    return startupTime;
  }

  /**
   * Tells whether the broker was started {@linkplain Builder#secured() secured}.
   *
   * @return true for a {@code SASL_SSL} listener with ACLs, false for plain text without them
   */
  public boolean isSecured() {
    return security != null;
  }

  /**
   * Returns the CA certificate clients of a secured broker must trust.
   *
   * @return the PEM file, {@code <log dir>/security/ca.pem}
   * @throws IllegalStateException if the broker is not secured
   */
  public Path caCertificate() {
    return requireSecurity().caCertificate();
  }

  /**
   * Returns the address of a secured broker's {@code SSL} listener, where clients log in with a
   * certificate ({@link #issueClientCertificate}) instead of a password.
   *
   * @return {@code 127.0.0.1:<port>}
   * @throws IllegalStateException if the broker is not secured
   */
  public String tlsBootstrapServers() {
    requireSecurity();
    return HOST + ":" + tlsPort;
  }

  /**
   * Issues a client certificate for {@code user} from the broker's CA: on the {@code SSL} listener,
   * its holder is that user, with that user's ACLs.
   *
   * @param user the user name, the certificate's common name
   * @param keyFile where to write the private key (PEM, PKCS#8, unencrypted; owner-only)
   * @param chainFile where to write the certificate and the CA's (PEM)
   * @throws IllegalStateException if the broker is not secured
   * @throws UncheckedIOException if the files cannot be written
   */
  public void issueClientCertificate(String user, Path keyFile, Path chainFile) {
    try {
      requireSecurity().issueClientCertificate(user, keyFile, chainFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the certificate of " + user, e);
    }
  }

  /**
   * Returns the settings a Java client needs to reach this broker: for a secured one, logged in as
   * {@code user}.
   *
   * @param user a SCRAM user made with {@link #createUser}
   * @param password the user's password
   * @return {@code bootstrap.servers} and, when secured, the {@code SASL_SSL} settings
   */
  public Map<String, String> clientProperties(String user, String password) {
    if (security == null) {
      return Map.of("bootstrap.servers", bootstrapServers());
    }
    return BrokerSecurity.clientProperties(bootstrapServers(), user, password, caCertificate());
  }

  /**
   * Returns the settings of a client that may do anything: on a secured broker, logged in as the
   * broker's super user {@value BrokerSecurity#BROKER_USER}. For tests and set-up jobs only.
   *
   * @return {@code bootstrap.servers} and, when secured, the super user's settings
   */
  public Map<String, String> superUserProperties() {
    if (security == null) {
      return Map.of("bootstrap.servers", bootstrapServers());
    }
    return security.superUserClient(bootstrapServers());
  }

  /**
   * Creates or replaces a SCRAM-SHA-512 user, and returns once the broker accepts its login.
   *
   * @param user the user name (letters, digits, '.', '_', '-')
   * @param password its password
   * @throws IllegalStateException if the broker is not secured
   * @throws KafkaException if the user could not be created
   */
  public void createUser(String user, String password) {
    requireSecurity();
    BrokerUsers.create(admin, user, password, ADMIN_TIMEOUT);
  }

  /**
   * Adds ACLs and returns once the broker enforces them.
   *
   * @param acls the bindings to add
   * @throws IllegalStateException if the broker is not secured
   * @throws KafkaException if they could not be added
   */
  public void createAcls(Collection<AclBinding> acls) {
    requireSecurity();
    BrokerUsers.createAcls(admin, acls, ADMIN_TIMEOUT);
  }

  /**
   * Removes the ACLs that match the filters and returns once the broker no longer applies them.
   *
   * @param filters which bindings to remove
   * @throws IllegalStateException if the broker is not secured
   * @throws KafkaException if they could not be removed
   */
  public void deleteAcls(Collection<AclBindingFilter> filters) {
    requireSecurity();
    BrokerUsers.deleteAcls(admin, filters, ADMIN_TIMEOUT);
  }

  private BrokerSecurity requireSecurity() {
    if (security == null) {
      throw new IllegalStateException(
          "the broker is not secured: start it with EmbeddedKafka.builder().secured()");
    }
    return security;
  }

  /**
   * Creates a topic with replication factor 1 and waits until its leader serves every partition
   * ({@link TopicReadiness}), so that clients can use it at once.
   *
   * @param name the topic name
   * @param partitions the number of partitions, at least 1
   * @param configs topic-level configs such as {@code cleanup.policy} or {@code max.message.bytes}
   * @throws KafkaException if the topic could not be created (its cause is the broker's error, e.g.
   *     {@link org.apache.kafka.common.errors.TopicExistsException})
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(configs, "configs");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
    NewTopic topic = new NewTopic(name, partitions, (short) 1).configs(Map.copyOf(configs));
    BrokerAdmin.await(admin.createTopics(List.of(topic)).all(), "create topic " + name);
    TopicReadiness.await(admin, List.of(name), ADMIN_TIMEOUT);
  }

  /**
   * Stops the broker cleanly, waits for its threads to end and, if the log directory was a
   * temporary one, deletes it. Further calls do nothing.
   *
   * @throws UncheckedIOException if the temporary log directory could not be deleted
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      admin.close(Duration.ofSeconds(5));
    } finally {
      stop(server);
      if (deleteLogDir) {
        BrokerStorage.deleteRecursively(logDir);
      }
    }
  }

  private static void stop(KafkaRaftServer server) {
    server.shutdown();
    server.awaitShutdown();
  }

  /**
   * Options of an {@link EmbeddedKafka}; {@link #start()} starts one. A builder can start several
   * brokers in turn (e.g. to restart one on the same log directory).
   */
  public static final class Builder {

    private int port;
    private Path logDir;
    private Path temporaryParent;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private boolean secured;

    private Builder() {}

    /**
     * Secures the broker ({@link BrokerSecurity}): its client listener becomes {@code SASL_SSL}
     * (SCRAM-SHA-512 over TLS, with a CA made for the log directory) and {@code StandardAuthorizer}
     * refuses whatever no ACL allows. Users and ACLs are added with {@link
     * EmbeddedKafka#createUser} and {@link EmbeddedKafka#createAcls}.
     *
     * @return this builder
     */
    public Builder secured() {
      this.secured = true;
      return this;
    }

    /**
     * Sets the port of the client listener on 127.0.0.1.
     *
     * @param port a TCP port, or 0 (the default) for a free one
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Sets a log directory to use and keep: {@link EmbeddedKafka#close()} does not delete it, and a
     * broker started again on it finds its topics and records. It is created if missing, and
     * formatted unless it already is.
     *
     * @param logDir the directory, or null (the default) for a temporary one deleted on close
     * @return this builder
     */
    public Builder logDir(Path logDir) {
      this.logDir = logDir;
      return this;
    }

    /**
     * Sets where the temporary log directory is created, e.g. a memory-backed file system such as
     * {@code /dev/shm}, so that a benchmark's records are never written back to a disk. It is still
     * deleted on close. Has no effect with {@link #logDir(Path)}.
     *
     * @param parent an existing directory, or null (the default) for the system's temporary one
     * @return this builder
     */
    public Builder temporaryLogDirIn(Path parent) {
      this.temporaryParent = parent;
      return this;
    }

    /**
     * Sets a broker property (a {@code server.properties} entry), overriding the defaults, e.g.
     * {@code auto.create.topics.enable=false}. The node id, roles, listeners and log directory are
     * the builder's to set.
     *
     * @param key the property name
     * @param value its value
     * @return this builder
     */
    public Builder config(String key, String value) {
      overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Formats the storage, starts the broker and controller, and waits until the broker answers an
     * admin request.
     *
     * @return the running broker
     * @throws KafkaException if it could not be started
     */
    public EmbeddedKafka start() {
      KafkaException failure = null;
      // A free port found by binding port 0 can be taken by another process before the broker
      // binds it; with ports of our own choosing, try again with new ones.
      int attempts = port == 0 ? START_ATTEMPTS : 1;
      for (int attempt = 0; attempt < attempts; attempt++) {
        try {
          return startOnce();
        } catch (KafkaException e) {
          if (failure != null) {
            e.addSuppressed(failure);
          }
          failure = e;
          if (!BrokerPorts.isBindFailure(e)) {
            break;
          }
        }
      }
      throw failure;
    }

    private EmbeddedKafka startOnce() {
      long t0 = System.nanoTime();
      int[] free = BrokerPorts.freePorts(port == 0 ? 3 : 2);
      int brokerPort = port == 0 ? free[0] : port;
      int controllerPort = port == 0 ? free[1] : free[0];
      int tlsPort = port == 0 ? free[2] : free[1];
      boolean temporary = logDir == null;
      Path dir;
      try {
        dir =
            !temporary
                ? logDir
                : temporaryParent == null
                    ? Files.createTempDirectory("pinwheel-kafka-")
                    : Files.createTempDirectory(temporaryParent, "pinwheel-kafka-");
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new KafkaException("could not create the log directory", e);
      }
      KafkaRaftServer server = null;
      Admin admin = null;
      try {
        BrokerSecurity security = secured ? BrokerSecurity.prepare(dir) : null;
        Properties props = serverProperties(dir, brokerPort, tlsPort, controllerPort, security);
        BrokerStorage.format(dir, props, security == null ? List.of() : security.formatArguments());
        server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        admin = Admin.create(BrokerAdmin.config(brokerPort, security));
        BrokerAdmin.awaitAnswer(admin);
        return new EmbeddedKafka(
            server,
            admin,
            dir,
            temporary,
            brokerPort,
            Duration.ofNanos(System.nanoTime() - t0),
            security,
            tlsPort);
      } catch (RuntimeException e) {
        if (admin != null) {
          admin.close(Duration.ZERO);
        }
        if (server != null) {
          try {
            stop(server);
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        if (temporary) {
          try {
            BrokerStorage.deleteRecursively(dir);
          } catch (UncheckedIOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e instanceof KafkaException k
            ? k
            : new KafkaException("could not start the embedded Kafka broker: " + e.getMessage(), e);
      }
    }

    private Properties serverProperties(
        Path dir, int brokerPort, int tlsPort, int controllerPort, BrokerSecurity security) {
      Map<String, String> p = new LinkedHashMap<>();
      // Defaults that suit one node on a small machine, and that overrides may change.
      p.put("num.partitions", "1");
      p.put("default.replication.factor", "1");
      p.put("min.insync.replicas", "1");
      p.put("offsets.topic.replication.factor", "1");
      // One partition each: fewer internal partitions to create and load at first use.
      p.put("offsets.topic.num.partitions", "1");
      p.put("transaction.state.log.replication.factor", "1");
      p.put("transaction.state.log.min.isr", "1");
      p.put("transaction.state.log.num.partitions", "1");
      p.put("share.coordinator.state.topic.replication.factor", "1");
      p.put("share.coordinator.state.topic.min.isr", "1");
      p.put("share.coordinator.state.topic.num.partitions", "1");
      p.put("group.initial.rebalance.delay.ms", "0");
      String maxBytes = Integer.toString(DEFAULT_MAX_MESSAGE_BYTES);
      p.put("message.max.bytes", maxBytes);
      p.put("replica.fetch.max.bytes", maxBytes);
      p.put("replica.fetch.response.max.bytes", maxBytes);
      // A 64 MiB batch plus request overhead must fit in one request.
      p.put("socket.request.max.bytes", Integer.toString(2 * DEFAULT_MAX_MESSAGE_BYTES));
      // The broker's defaults are sized for a server: 8 I/O threads, 10 background threads and a
      // 128 MiB log-cleaner buffer are wasted on a test JVM with two cores.
      p.put("num.network.threads", "2");
      p.put("num.io.threads", "2");
      p.put("background.threads", "2");
      p.put("num.recovery.threads.per.data.dir", "1");
      p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
      p.putAll(overrides);
      // The identity and addresses of the node are not negotiable.
      p.put("process.roles", "broker,controller");
      p.put("node.id", "1");
      p.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
      p.put("controller.listener.names", "CONTROLLER");
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put(
          "listeners",
          "PLAINTEXT://"
              + HOST
              + ":"
              + brokerPort
              + ",CONTROLLER://"
              + HOST
              + ":"
              + controllerPort);
      p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
      p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.put("log.dirs", dir.resolve("data").toString());
      if (security != null) {
        p.putAll(security.serverProperties(HOST, brokerPort, tlsPort, controllerPort));
      }
      Properties props = new Properties();
      props.putAll(p);
      return props;
    }
  }
}
