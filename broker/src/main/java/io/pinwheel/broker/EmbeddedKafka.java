package io.pinwheel.broker;

import io.pinwheel.client.admin.TopicReadiness;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;
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

  private static final String HOST = "127.0.0.1";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final int START_ATTEMPTS = 3;

  private final KafkaRaftServer server;
  private final Admin admin;
  private final Path logDir;
  private final boolean deleteLogDir;
  private final int port;
  private final Duration startupTime;
  private boolean closed;

  private EmbeddedKafka(
      KafkaRaftServer server,
      Admin admin,
      Path logDir,
      boolean deleteLogDir,
      int port,
      Duration startupTime) {
    this.server = server;
    this.admin = admin;
    this.logDir = logDir;
    this.deleteLogDir = deleteLogDir;
    this.port = port;
    this.startupTime = startupTime;
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
    await(admin.createTopics(List.of(topic)).all(), "create topic " + name);
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
        deleteRecursively(logDir);
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

    private Builder() {}

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
          if (!isBindFailure(e)) {
            break;
          }
        }
      }
      throw failure;
    }

    private EmbeddedKafka startOnce() {
      long t0 = System.nanoTime();
      int[] free = freePorts(port == 0 ? 2 : 1);
      int brokerPort = port == 0 ? free[0] : port;
      int controllerPort = port == 0 ? free[1] : free[0];
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
        Properties props = serverProperties(dir, brokerPort, controllerPort);
        format(dir, props);
        server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        server.startup();
        admin = Admin.create(adminConfig(brokerPort));
        awaitAnswer(admin);
        return new EmbeddedKafka(
            server, admin, dir, temporary, brokerPort, Duration.ofNanos(System.nanoTime() - t0));
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
            deleteRecursively(dir);
          } catch (UncheckedIOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e instanceof KafkaException k
            ? k
            : new KafkaException("could not start the embedded Kafka broker: " + e.getMessage(), e);
      }
    }

    private Properties serverProperties(Path dir, int brokerPort, int controllerPort) {
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
      Properties props = new Properties();
      props.putAll(p);
      return props;
    }
  }

  private static void format(Path dir, Properties props) {
    Path file = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      props.store(out, "embedded pinwheel broker");
    } catch (IOException e) {
      throw new KafkaException("could not write " + file, e);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int status;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      // --ignore-formatted skips a kept log directory from an earlier run, but only if given the
      // cluster id it was formatted with.
      status =
          StorageTool.execute(
              new String[] {
                "format",
                "-t",
                existingClusterId(dir.resolve("data"))
                    .orElseGet(() -> Uuid.randomUuid().toString()),
                "-c",
                file.toString(),
                "--ignore-formatted"
              },
              print);
    } catch (RuntimeException e) {
      throw new KafkaException(
          "could not format "
              + dir
              + ": "
              + e.getMessage()
              + " "
              + output.toString(StandardCharsets.UTF_8),
          e);
    }
    if (status != 0) {
      throw new KafkaException(
          "formatting "
              + dir
              + " failed with status "
              + status
              + ": "
              + output.toString(StandardCharsets.UTF_8));
    }
  }

  private static Optional<String> existingClusterId(Path dataDir) {
    Path meta = dataDir.resolve("meta.properties");
    if (!Files.isRegularFile(meta)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(meta)) {
      p.load(in);
    } catch (IOException e) {
      throw new KafkaException("could not read " + meta, e);
    }
    return Optional.ofNullable(p.getProperty("cluster.id"));
  }

  private static Map<String, Object> adminConfig(int brokerPort) {
    return Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        HOST + ":" + brokerPort,
        AdminClientConfig.CLIENT_ID_CONFIG,
        "pinwheel-embedded-kafka-admin",
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
        10_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
        (int) ADMIN_TIMEOUT.toMillis());
  }

  private static void awaitAnswer(Admin admin) {
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

  private static <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
    try {
      return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
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

  private static int[] freePorts(int count) {
    // All sockets stay open until every port is found, so the ports differ from each other.
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new KafkaException("could not find a free port on " + HOST, e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // Closing a listening socket that never accepted cannot lose anything.
        }
      }
    }
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return true;
      }
    }
    return false;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while waiting for the broker", e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
