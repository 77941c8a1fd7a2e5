package io.pinwheel.cli.it;

import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.cli.support.FrameSource;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.topology.admin.PinwheelTopics;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.model.ModelPublisher;
import io.pinwheel.topology.stream.PinwheelHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A running deployment on this machine for the operations tests: the embedded broker, {@code serve}
 * in its own JVM with its live page and metrics on a free port, the sample photographs streamed
 * into the frames topic at {@value #RATE} frames a second (one in {@value #CORRUPT_EVERY} corrupt),
 * and, where Debian's {@code prometheus} is installed, Prometheus scraping it with the project's
 * configuration ({@link PrometheusProcess}). One per top-level test class that asks for it
 * ({@code @ExtendWith(RunningServe.Extension.class)} and a {@code RunningServe} parameter), shared
 * by its nested classes, closed after it.
 */
final class RunningServe implements AutoCloseable {
  static final double RATE = 20;
  static final int CORRUPT_EVERY = 15;
  private static final Duration STARTUP = Duration.ofSeconds(120);

  private final EmbeddedKafka kafka;
  private final PinwheelConfig config;
  private final Path dir;
  private final ServeProcess serve;
  private PrometheusProcess prometheus;
  private final Thread streamer;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();

  /** The model serve starts with. */
  static final String MODEL = "natural";

  private RunningServe(EmbeddedKafka kafka, Path dir) throws IOException {
    this.kafka = kafka;
    this.dir = dir;
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("bootstrap.servers", kafka.bootstrapServers());
    properties.put("application.id", "operations-it");
    properties.put("state.dir", dir.resolve("state").toString());
    this.config = PinwheelConfig.fromProperties(properties);
    PinwheelTopics.ensure(config, 2);
    Path file = ServeProcess.writeConfig(dir.resolve("serve.properties"), properties);
    // The natural model, named, so that the page's model card and reload timeline are checked
    // against one fixed model whatever the default is.
    this.serve = ServeProcess.start(file, dir.resolve("serve.log"), List.of("--model", MODEL));
    this.streamer = new Thread(this::stream, "operations-it-frames");
    streamer.setDaemon(true);
  }

  /** The broker's address. */
  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The configuration {@code serve} runs with. */
  PinwheelConfig config() {
    return config;
  }

  /** {@code 127.0.0.1:port} of the live page and {@code /metrics}. */
  String metricsAddress() {
    return serve.address();
  }

  /** The live page. */
  URI pageUri() {
    return URI.create("http://" + metricsAddress() + "/");
  }

  /** Prometheus scraping {@code serve}, where its binary is installed. */
  Optional<PrometheusProcess> prometheus() {
    return Optional.ofNullable(prometheus);
  }

  /** Frames sent so far. */
  long sent() {
    return sent.get();
  }

  /** Publishes {@code model} to the models topic, as {@code publish-model} does. */
  ModelPublisher.Published publish(EncoderModel model) throws InvalidModelException {
    return ModelPublisher.publish(
        config.clientProperties(),
        config.modelsTopic(),
        EncoderFile.toBytes(model),
        "test model " + model.name() + " v" + model.version());
  }

  /** What {@code serve} has printed so far. */
  String log() {
    return serve.log();
  }

  @Override
  public void close() throws IOException {
    stop.set(true);
    if (prometheus != null) {
      prometheus.close();
    }
    try {
      streamer.join(10_000);
      serve.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      kafka.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** Streams the sample photographs at {@link #RATE} frames a second until closed. */
  private void stream() {
    FrameSource frames;
    try (Stream<Path> files = Files.list(DeployFiles.ROOT.resolve("samples/images"))) {
      frames = FrameSource.fromFiles(files.sorted().toList(), "samples/images", CORRUPT_EVERY);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long period = (long) (1e9 / RATE);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      long t0 = System.nanoTime();
      for (int i = 0; !stop.get(); i++) {
        long wait = t0 + i * period - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(PinwheelHeaders.FRAME_ID, ("ops-" + i).getBytes(StandardCharsets.UTF_8));
        producer.send(
            new ProducerRecord<>(
                config.framesTopic(),
                null,
                System.currentTimeMillis(),
                "camera-" + (i % 2),
                frames.frame(i),
                headers));
        sent.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts the instance of a top-level class on first use and closes it after that class. */
  static final class Extension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(RunningServe.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == RunningServe.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      ExtensionContext top = context;
      while (top.getParent().isPresent() && top.getParent().get().getParent().isPresent()) {
        top = top.getParent().get();
      }
      return top.getStore(NAMESPACE)
          .getOrComputeIfAbsent(RunningServe.class, k -> start(), RunningServe.class);
    }

    private static RunningServe start() {
      EmbeddedKafka kafka = EmbeddedKafka.start();
      try {
        Path dir = Files.createTempDirectory("pinwheel-operations-it");
        RunningServe serve = new RunningServe(kafka, dir);
        try {
          serve.serve.awaitHealthy(STARTUP);
          serve.streamer.start();
          if (Files.isExecutable(PrometheusProcess.BINARY)) {
            serve.prometheus = PrometheusProcess.start(dir, serve.metricsAddress());
          }
          return serve;
        } catch (RuntimeException | Error e) {
          System.out.println("serve:\n" + serve.log());
          serve.close();
          throw e;
        }
      } catch (Exception e) {
        kafka.close();
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
      }
    }
  }
}
