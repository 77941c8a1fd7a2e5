package io.pinwheel.topology.service;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.topology.admin.MissingTopicsException;
import io.pinwheel.topology.admin.PinwheelTopics;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.live.LivePage;
import io.pinwheel.topology.live.LiveSampler;
import io.pinwheel.topology.live.ServiceInfo;
import io.pinwheel.topology.metrics.Health;
import io.pinwheel.topology.metrics.MetricsServer;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.metrics.PinwheelRegistries;
import io.pinwheel.topology.model.ModelRegistry;
import io.pinwheel.topology.model.ModelsTopicListener;
import io.pinwheel.topology.model.ReloadResult;
import io.pinwheel.topology.model.ServingModel;
import io.pinwheel.topology.security.SecurityFailure;
import io.pinwheel.topology.stream.FeatureTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pinwheel feature service, running: frames in, feature records and dead letters out, models
 * hot-reloaded, metrics served.
 *
 * <pre>{@code
 * try (PinwheelService service =
 *     PinwheelService.builder(config, initialModel).ensureTopics(4).start()) {
 *   service.awaitRunning(Duration.ofSeconds(60));
 *   ... // until told to stop
 * }
 * }</pre>
 *
 * <p>{@link Builder#start()} brings the parts up in this order, and {@link #close()} takes them
 * down in the reverse one:
 *
 * <ol>
 *   <li>the Prometheus registry, unless the caller passed one (then the caller closes it), and the
 *       {@link PinwheelMetrics} bound to it;
 *   <li>the topics: created if asked ({@link Builder#ensureTopics(int)}), otherwise checked to
 *       exist ({@link MissingTopicsException});
 *   <li>the {@link ModelRegistry} with its sources: the models topic listener, read to its end (for
 *       at most {@value #MODELS_CATCH_UP_SECONDS} s), and the models directory watcher when {@code
 *       pinwheel.models.dir} is set; then the initial model is offered as the default, which serves
 *       only when neither source had a model, and gives way to any later one;
 *   <li>the {@link MetricsServer} ({@code /metrics}, {@code /health}) with the {@link LivePage}
 *       ({@code /}) and the {@link LiveSampler} behind it;
 *   <li>{@link KafkaStreams} running {@link FeatureTopology}, with its Kafka meters bound.
 * </ol>
 *
 * <p><b>Failures.</b> An exception that escapes a stream thread (the topology itself dead-letters
 * anything a record causes, so this is Kafka or the machine failing, or a bug) is logged and shuts
 * the whole client down ({@code SHUTDOWN_CLIENT}): the state becomes {@link State#ERROR}, {@code
 * /health} reports DOWN and {@link #failure()} holds the exception. Replacing the thread instead
 * would be safe for exactly-once (the open transaction is aborted and the records read again), but
 * a failure that repeats, such as a deleted topic or an expired credential, would then loop quietly
 * forever; a process that stops lets its supervisor restart it and alert someone. This client's
 * partitions move to the other instances of the application meanwhile.
 *
 * <p>Every resource has one owner: this class owns everything it creates, including native encoder
 * memory (through the topology's processors, closed with the Streams client) and the threads of the
 * listener, the watcher, the HTTP server and the meter refresher. Thread-safe.
 */
public final class PinwheelService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PinwheelService.class);

  /** The address the metrics endpoint listens on unless told otherwise: loopback only. */
  public static final String DEFAULT_METRICS_HOST = "127.0.0.1";

  /** The port of the metrics endpoint unless told otherwise. */
  public static final int DEFAULT_METRICS_PORT = 9464;

  /** How long {@link #close()} waits for the Streams client unless told otherwise. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** The longest wait for the models topic to be read at start-up, in seconds. */
  public static final int MODELS_CATCH_UP_SECONDS = 30;

  private final PinwheelConfig config;
  private final PinwheelMetrics metrics;
  private final ModelRegistry models;
  private final MetricsServer metricsServer;
  private final KafkaStreams streams;
  private final Deque<ServiceParts.Resource> resources;
  private final AtomicReference<Throwable> failure;
  private final Object stateLock;
  private final ServiceParts parts;
  private boolean closed;

  private PinwheelService(ServiceParts s) {
    this.parts = s;
    this.config = s.config;
    this.metrics = s.metrics;
    this.models = s.models;
    this.metricsServer = s.metricsServer;
    this.streams = s.streams;
    this.resources = s.resources;
    this.failure = s.failure;
    this.stateLock = s.stateLock;
  }

  /**
   * Returns a builder of a service.
   *
   * @param config the validated configuration
   * @param initialModel the model to serve when the models topic and directory have none: the
   *     bundled Gabor encoder, or one named on the command line
   * @return a new builder
   */
  public static Builder builder(PinwheelConfig config, EncoderModel initialModel) {
    return new Builder(config, initialModel);
  }

  /**
   * Returns the configuration the service runs with.
   *
   * @return the configuration
   */
  public PinwheelConfig config() {
    return config;
  }

  /**
   * Returns the service's meters, for reading counts and latency in-process.
   *
   * @return the metrics the topology records into
   */
  public PinwheelMetrics metrics() {
    return metrics;
  }

  /**
   * Tells whether models from the models topic and directory must be signed by a trusted key.
   *
   * @return true when {@code pinwheel.models.trusted-keys} names keys
   */
  public boolean verifiesModels() {
    return models.verifiesSignatures();
  }

  /**
   * Returns the model encoding frames now.
   *
   * @return the serving model; present from start-up on
   */
  public Optional<ServingModel> servingModel() {
    return models.serving();
  }

  /**
   * Returns the Streams client's state.
   *
   * @return the state; {@link State#RUNNING} while processing
   */
  public State state() {
    return streams.state();
  }

  /**
   * Tells whether the service is healthy, as {@code /health} reports it.
   *
   * @return true while the Streams client is {@link State#RUNNING} and a model is loaded
   */
  public boolean healthy() {
    return health().up();
  }

  /**
   * Returns what {@code /health} reports: up while the Streams client is {@link State#RUNNING} and
   * a model is loaded, else down and why (rebalancing, stopping, or the failure that stopped the
   * service, a refusal by a secured cluster explained by {@link SecurityFailure}).
   *
   * @return the health
   */
  public Health health() {
    return parts.health();
  }

  /**
   * Returns the exception that stopped the service, if one did.
   *
   * @return the first exception that escaped a stream thread, or the refusal that stopped the
   *     models topic's listener
   */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /**
   * Returns where Prometheus scrapes this service.
   *
   * @return {@code http://host:port/metrics}
   */
  public URI metricsUri() {
    return metricsServer.metricsUri();
  }

  /**
   * Returns the live page's address.
   *
   * @return {@code http://host:port/}
   */
  public URI pageUri() {
    return metricsServer.rootUri();
  }

  /**
   * Returns the health check's address.
   *
   * @return {@code http://host:port/health}
   */
  public URI healthUri() {
    return metricsServer.healthUri();
  }

  /**
   * Returns the frames topic's partitions this instance processes now. Instances sharing an
   * application id divide the partitions between them, so this changes with every rebalance.
   *
   * @return the partitions of this instance's active tasks, sorted; empty while rebalancing or when
   *     other instances hold every partition
   */
  public Set<TopicPartition> assignedPartitions() {
    Set<TopicPartition> partitions =
        new TreeSet<>(
            Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition));
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      thread.activeTasks().forEach(task -> partitions.addAll(task.topicPartitions()));
    }
    return partitions;
  }

  /**
   * Returns how many of this instance's stream threads process a partition now. Right after start
   * one thread may hold every partition while the others wait for a later rebalance; a benchmark
   * waits for the work to be spread before it starts its clock.
   *
   * @return the stream threads that own at least one active task; 0 while rebalancing
   */
  public int threadsWithPartitions() {
    int busy = 0;
    for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
      if (!thread.activeTasks().isEmpty()) {
        busy++;
      }
    }
    return busy;
  }

  /**
   * Waits until the Streams client is {@link State#RUNNING}, which it is once it has its first
   * assignment.
   *
   * @param timeout the longest wait
   * @return true if running; false on timeout, or if the client stopped or failed instead
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (stateLock) {
      while (true) {
        State s = streams.state();
        if (s == State.RUNNING) {
          return true;
        }
        if (s == State.ERROR || s == State.PENDING_ERROR || !s.isRunningOrRebalancing()) {
          return false;
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        // The state listener notifies; the bound covers a change made before the wait began.
        stateLock.wait(Math.min(left, 200));
      }
    }
  }

  /**
   * Stops the service: the Streams client (waiting up to the close timeout for it to commit and
   * close its encoders), its Kafka meters, the metrics endpoint, the model sources and, if the
   * service created it, the meter registry. Every part is closed even when one fails. Calling it
   * again does nothing.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    long t0 = System.nanoTime();
    ServiceParts.closeAll(resources, null);
    LOG.info(
        "pinwheel service {} stopped in {} ms",
        config.applicationId(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  /** The options of a {@link PinwheelService}; {@link #start()} starts one. */
  public static final class Builder {
    private final PinwheelConfig config;
    private final EncoderModel initialModel;
    private String initialModelOrigin = "built-in";
    private PrometheusMeterRegistry registry;
    private String metricsHost = DEFAULT_METRICS_HOST;
    private int metricsPort = DEFAULT_METRICS_PORT;
    private int topicPartitions;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
    private KafkaStreams.StateListener stateListener = (next, previous) -> {};

    private Builder(PinwheelConfig config, EncoderModel initialModel) {
      this.config = Objects.requireNonNull(config, "config");
      this.initialModel = Objects.requireNonNull(initialModel, "initialModel");
    }

    /**
     * Names where the initial model came from, for logs.
     *
     * @param origin e.g. {@code built-in} (the default) or a file path
     * @return this builder
     */
    public Builder initialModelOrigin(String origin) {
      this.initialModelOrigin = Objects.requireNonNull(origin, "origin");
      return this;
    }

    /**
     * Uses the caller's registry instead of creating one. The caller keeps ownership: the service
     * adds its meters but does not close it. A registry can serve one service only: the {@code
     * pinwheel.*} meters of two would collide.
     *
     * @param registry a Prometheus registry, e.g. from {@link PinwheelRegistries#prometheus()}
     * @return this builder
     */
    public Builder registry(PrometheusMeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Sets where {@code /metrics} and {@code /health} are served.
     *
     * @param host the address to listen on; {@value #DEFAULT_METRICS_HOST} (the default) keeps the
     *     endpoint on this machine, {@code 0.0.0.0} opens it to the network
     * @param port the port, {@value #DEFAULT_METRICS_PORT} by default, or 0 for any free one (see
     *     {@link PinwheelService#metricsUri()})
     * @return this builder
     */
    public Builder metricsAddress(String host, int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("metrics port must be in [0, 65535], got " + port);
      }
      this.metricsHost = Objects.requireNonNull(host, "host");
      this.metricsPort = port;
      return this;
    }

    /**
     * Creates missing topics at start-up ({@link PinwheelTopics#ensure}) instead of refusing to
     * start without them.
     *
     * @param partitions partitions of the frames, features and dead-letter topics, at least 1
     * @return this builder
     */
    public Builder ensureTopics(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
      }
      this.topicPartitions = partitions;
      return this;
    }

    /**
     * Sets how long {@link PinwheelService#close()} waits for the Streams client to stop.
     *
     * @param timeout 30 s by default, not negative
     * @return this builder
     */
    public Builder closeTimeout(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("close timeout must not be negative, got " + timeout);
      }
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * Sets a listener told of every state change of the Streams client, after the service's own
     * bookkeeping; it runs on a Kafka thread and must return quickly.
     *
     * @param listener called with the new and the old state
     * @return this builder
     */
    public Builder stateListener(KafkaStreams.StateListener listener) {
      this.stateListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Starts the service as described in the class comment and returns without waiting for the
     * Streams client's first assignment ({@link PinwheelService#awaitRunning}).
     *
     * @return the running service, to be closed by the caller
     * @throws MissingTopicsException if topics are missing and {@link #ensureTopics} was not set
     * @throws KafkaException if the cluster cannot be reached or a topic not created
     * @throws UncheckedIOException if the metrics address cannot be bound
     * @throws IllegalStateException if the initial model fails its warm-up and no other is served
     */
    public PinwheelService start() {
      ServiceParts s = new ServiceParts();
      s.config = config;
      try {
        startParts(s);
      } catch (RuntimeException | Error e) {
        ServiceParts.closeAll(s.resources, e);
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        KafkaException k = new KafkaException("interrupted while starting the service", e);
        ServiceParts.closeAll(s.resources, k);
        throw k;
      }
      PinwheelService service = new PinwheelService(s);
      LOG.info(
          "pinwheel service {} started: {} -> {} (dead-letter topic {}), model {}; metrics at {}",
          config.applicationId(),
          config.framesTopic(),
          config.featuresTopic(),
          config.deadLetterTopic(),
          s.models.current(),
          s.metricsServer.metricsUri());
      return service;
    }

    private void startParts(ServiceParts s) throws InterruptedException {
      PrometheusMeterRegistry meters = registry;
      if (meters == null) {
        meters = PinwheelRegistries.prometheus();
        PrometheusMeterRegistry owned = meters;
        s.resources.push(new ServiceParts.Resource("meter registry", owned::close));
      }
      s.metrics = new PinwheelMetrics();
      s.metrics.bindTo(meters);

      if (topicPartitions > 0) {
        PinwheelTopics.ensure(config, topicPartitions);
      } else {
        PinwheelTopics.require(config);
      }

      ModelRegistry models = new ModelRegistry(s.metrics, TrustedKeys.read(config));
      s.models = models;
      s.resources.push(new ServiceParts.Resource("model registry", models));
      ModelsTopicListener listener = models.listen(config.modelsTopic(), config.clientProperties());
      config.modelsDir().ifPresent(dir -> models.watch(dir, config.modelsDirPollInterval()));
      boolean caughtUp = listener.awaitCaughtUp(Duration.ofSeconds(MODELS_CATCH_UP_SECONDS));
      if (listener.failure().isPresent()) {
        Throwable refused = listener.failure().get();
        throw new KafkaException(
            "cannot read the models topic "
                + config.modelsTopic()
                + ": "
                + SecurityFailure.describe(refused),
            refused);
      }
      if (!caughtUp) {
        LOG.warn(
            "models topic {} not read to its end within {} s; starting with what is known, and a"
                + " newer model still replaces it when read",
            config.modelsTopic(),
            MODELS_CATCH_UP_SECONDS);
      }
      ReloadResult initial = models.offerDefault(initialModel, initialModelOrigin);
      if (models.serving().isEmpty()) {
        throw new IllegalStateException("no encoder model to serve: " + initial.message());
      }

      LiveSampler sampler = LiveSampler.start(meters, models, config.framesTopic());
      s.resources.push(new ServiceParts.Resource("live page sampler", sampler));
      LivePage page =
          new LivePage(
              new ServiceInfo(
                  config.applicationId(),
                  config.framesTopic(),
                  config.featuresTopic(),
                  config.deadLetterTopic()),
              meters,
              sampler,
              models,
              () -> s.streams == null ? "STARTING" : s.streams.state().name(),
              () -> s.health().up());
      try {
        s.metricsServer =
            MetricsServer.startWithHealth(metricsHost, metricsPort, meters, s::health, page);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "could not serve metrics on "
                + metricsHost
                + ":"
                + metricsPort
                + " ("
                + e.getMessage()
                + "); is another pinwheel running? choose another port, or 0 for any free one",
            e);
      }
      s.resources.push(new ServiceParts.Resource("metrics server", s.metricsServer));

      Properties streamsProperties = config.toStreamsProperties();
      KafkaStreams streams =
          new KafkaStreams(FeatureTopology.build(config, models, s.metrics), streamsProperties);
      Duration timeout = closeTimeout;
      s.resources.push(
          new ServiceParts.Resource(
              "Kafka Streams client",
              () -> {
                if (!streams.close(timeout)) {
                  LOG.warn(
                      "Kafka Streams client {} did not stop within {} s",
                      config.applicationId(),
                      timeout.toSeconds());
                }
              }));
      s.streams = streams;
      String applicationId = config.applicationId();
      streams.setUncaughtExceptionHandler(
          e -> ServiceParts.onUncaught(applicationId, s.failure, e));
      KafkaStreams.StateListener user = stateListener;
      streams.setStateListener(
          (next, previous) -> {
            LOG.debug("Kafka Streams client {}: {} -> {}", applicationId, previous, next);
            synchronized (s.stateLock) {
              s.stateLock.notifyAll();
            }
            user.onChange(next, previous);
          });
      s.resources.push(
          new ServiceParts.Resource(
              "Kafka Streams meters", PinwheelRegistries.bindKafkaStreams(streams, meters)));
      // A listener refused by the cluster later on stops the service as a failed stream thread
      // does: a supervisor restarts it, rather than it serving an old model without telling.
      listener.onFailure(
          e -> {
            if (s.failure.compareAndSet(null, e)) {
              LOG.error(
                  "pinwheel service {} stops: the models topic can no longer be read: {}",
                  applicationId,
                  SecurityFailure.describe(e));
              Thread closer =
                  new Thread(() -> streams.close(Duration.ZERO), "pinwheel-stop-on-failure");
              closer.setDaemon(true);
              closer.start();
            }
          });
      streams.start();
    }
  }
}
