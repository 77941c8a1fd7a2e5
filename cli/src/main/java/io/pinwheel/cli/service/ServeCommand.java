package io.pinwheel.cli.service;

import ch.qos.logback.classic.Level;
import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.MetricsOptions;
import io.pinwheel.cli.support.ModelOption;
import io.pinwheel.cli.support.PartitionsOption;
import io.pinwheel.cli.support.PropertiesFiles;
import io.pinwheel.cli.support.ServiceOverrides;
import io.pinwheel.cli.support.StopSignal;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.topology.admin.MissingTopicsException;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.config.PinwheelConfigException;
import io.pinwheel.topology.service.PinwheelService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pinwheel serve}: the feature service against a Kafka cluster, until stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the feature service against a Kafka cluster until Ctrl-C or SIGTERM.",
      "Reads frames from the frames topic and writes a feature record (or a dead letter) for"
          + " each, exactly once; Ctrl-C or SIGTERM stop it cleanly. Encoder models published to"
          + " the models topic (see publish-model) are verified and swapped in while it runs;"
          + " --model serves until the models topic or directory holds one.",
      "FILE is a Java properties file: bootstrap.servers (required), application.id, the"
          + " pinwheel.* keys (topics, models directory, feature format, decoder limits) and any"
          + " Kafka Streams or client property (security.protocol, sasl.*, ssl.*, producer.*,"
          + " consumer.*, ...), which pass through untouched. Every key is checked before anything"
          + " starts, and every bad key is reported, one line each.",
      "Messages go to standard error: one line once the service is running, with the metrics"
          + " address; pinwheel's own log at INFO (model reloads) unless -Dpinwheel.log.level is"
          + " set.",
      "Instances started with the same application.id share the frames topic's partitions: run"
          + " more of them (up to one per partition) to scale out.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:stopped by Ctrl-C or SIGTERM (143 when the JVM reports the signal itself)",
      "1:the service could not start (cluster unreachable) or failed while running",
      "2:nothing started: invalid options or configuration, unreadable model, missing topics, or"
          + " the metrics port taken",
      ExitCodes.INTERNAL_HELP
    })
public final class ServeCommand implements Callable<Integer> {
  /** How long the service gets to close after Ctrl-C, on top of the Streams close timeout. */
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);

  private final CliContext context;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The service's properties file.")
  Path config;

  @Mixin ServiceOverrides overrides;

  @Mixin ModelOption model;

  @Option(
      names = "--create-topics",
      arity = "0..1",
      fallbackValue = "",
      paramLabel = "PARTITIONS",
      description = {
        "Create missing topics: the frames, features and dead-letter topics with --partitions"
            + " partitions, the models topic compacted with 1, all with the cluster's replication factor."
            + " --create-topics N, the older spelling, is --create-topics --partitions N.",
        "Default: refuse to start when the frames, features or dead-letter topic is missing."
      })
  String createTopics;

  @Mixin PartitionsOption partitions;

  @Mixin MetricsOptions metrics;

  @Spec CommandSpec spec;

  public ServeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    metrics.validate(spec);
    Integer topicPartitions = null;
    if (createTopics == null
        && spec.commandLine().getParseResult().hasMatchedOption("--partitions")) {
      return usage("--partitions is for the topics --create-topics creates; add --create-topics");
    }
    if (createTopics != null) {
      if (createTopics.isEmpty()) {
        partitions.validate(spec);
        topicPartitions = partitions.partitions();
      } else {
        try {
          topicPartitions = Integer.parseInt(createTopics.strip());
        } catch (NumberFormatException e) {
          return usage(
              "--create-topics takes no value, or a partition count (the older spelling of"
                  + " --partitions), got "
                  + createTopics);
        }
        if (topicPartitions < 1) {
          return usage("--create-topics must be at least 1, got " + topicPartitions);
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--partitions")
            && topicPartitions != partitions.partitions()) {
          return usage(
              "--create-topics "
                  + topicPartitions
                  + " and --partitions "
                  + partitions.partitions()
                  + " contradict each other");
        }
      }
    }
    Map<String, String> properties;
    try {
      properties = PropertiesFiles.read(config);
    } catch (NoSuchFileException e) {
      return usage("no such configuration file: " + config);
    } catch (IOException | IllegalArgumentException e) {
      return usage("cannot read " + config + ": " + e.getMessage());
    }
    properties.putAll(overrides.values());
    PinwheelConfig pinwheel;
    try {
      pinwheel = PinwheelConfig.fromProperties(properties);
    } catch (PinwheelConfigException e) {
      // One line per problem, each naming the file and the key, so that every typo is fixed in
      // one go and the lines can be grepped.
      for (PinwheelConfigException.Problem p : e.problems()) {
        context.err().println("pinwheel serve: " + config + ": " + p.key() + ": " + p.message());
      }
      context
          .err()
          .println(
              "pinwheel serve: "
                  + e.problems().size()
                  + (e.problems().size() == 1 ? " problem" : " problems")
                  + " in the configuration; nothing started");
      return ExitCodes.USAGE;
    }
    ModelOption.Loaded initial;
    try {
      initial = model.load();
    } catch (ModelOption.UnusableModelException e) {
      return usage(e.getMessage());
    }
    raiseLogLevel();
    return serve(pinwheel, initial.model(), initial.origin(), topicPartitions);
  }

  private int serve(
      PinwheelConfig pinwheel, EncoderModel initial, String origin, Integer topicPartitions)
      throws InterruptedException {
    AtomicBoolean announced = new AtomicBoolean();
    try (StopSignal stop = StopSignal.install("pinwheel-serve", SHUTDOWN_GRACE)) {
      PinwheelService.Builder builder =
          PinwheelService.builder(pinwheel, initial)
              .initialModelOrigin(origin)
              .metricsAddress(metrics.host(), metrics.port());
      if (topicPartitions != null) {
        builder.ensureTopics(topicPartitions);
      }
      AtomicReference<PinwheelService> started = new AtomicReference<>();
      builder.stateListener(
          (next, previous) -> {
            if (next == KafkaStreams.State.RUNNING
                && started.get() != null
                && !announced.getAndSet(true)) {
              announce(started.get(), pinwheel);
            } else if (next == KafkaStreams.State.ERROR || next == KafkaStreams.State.NOT_RUNNING) {
              stop.stop();
            }
          });
      context
          .err()
          .println(
              "pinwheel serve: starting "
                  + pinwheel.applicationId()
                  + " against "
                  + pinwheel.bootstrapServers()
                  + " ...");
      PinwheelService service;
      try {
        service = builder.start();
      } catch (MissingTopicsException e) {
        return usage(e.getMessage() + "; or pass --create-topics [--partitions N]");
      } catch (UncheckedIOException e) {
        return usage(e.getMessage());
      } catch (KafkaException e) {
        context.err().println("pinwheel serve: cannot start: " + e.getMessage());
        return ExitCodes.FAILED;
      } catch (IllegalStateException e) {
        return usage(e.getMessage());
      }
      try (service) {
        started.set(service);
        // RUNNING may have come before start() returned, when the listener could not announce.
        if (service.state() == KafkaStreams.State.RUNNING && !announced.getAndSet(true)) {
          announce(service, pinwheel);
        }
        while (!stop.await(Duration.ofDays(1))) {
          // Wait for Ctrl-C, SIGTERM or a failure.
        }
        context
            .err()
            .println(
                "pinwheel serve: "
                    + (stop.signalled() ? "stopping on signal ..." : "stopping ..."));
      }
      if (service.failure().isPresent()) {
        context
            .err()
            .println("pinwheel serve: stopped after a failure: " + service.failure().get());
        return ExitCodes.FAILED;
      }
      context.err().println("pinwheel serve: stopped cleanly");
      return stop.signalled() ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }

  private void announce(PinwheelService service, PinwheelConfig pinwheel) {
    context
        .err()
        .println(
            "pinwheel serve: running: "
                + pinwheel.framesTopic()
                + " -> "
                + pinwheel.featuresTopic()
                + " (dead-letter topic "
                + pinwheel.deadLetterTopic()
                + "), model "
                + service.servingModel().map(m -> m.name() + " v" + m.version()).orElse("none")
                + ", "
                + pinwheel.processingGuarantee()
                + "; metrics at "
                + service.metricsUri()
                + ", health at "
                + service.healthUri()
                + "; stop with Ctrl-C or SIGTERM");
  }

  /**
   * A long-running service should say when it swaps models; the program's WARN default suits the
   * one-shot commands. An explicit {@code -Dpinwheel.log.level} wins.
   */
  private static void raiseLogLevel() {
    if (System.getProperty("pinwheel.log.level") == null
        && LoggerFactory.getLogger("io.pinwheel") instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(Level.INFO);
    }
  }

  private int usage(String message) {
    context.err().println("pinwheel serve: " + message);
    return ExitCodes.USAGE;
  }
}
