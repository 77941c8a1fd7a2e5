package io.pinwheel.cli.it;

import static org.awaitility.Awaitility.await;

import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.cli.Main;
import io.pinwheel.cli.support.FrameSource;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.model.ModelPublisher;
import io.pinwheel.topology.service.PinwheelService;
import io.pinwheel.topology.stream.PinwheelHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * A real {@code pinwheel serve} for the operations tests, started once per test run and shared by
 * every class that asks for it ({@code @ExtendWith(RunningServe.Extension.class)} and a {@code
 * RunningServe} parameter): the embedded broker, {@code serve} in its own JVM with its live page
 * and metrics on a free port, and the sample photographs streamed into the frames topic at {@value
 * #RATE} frames a second, one in {@value #CORRUPT_EVERY} corrupt, until the run ends.
 */
final class RunningServe implements AutoCloseable {
  static final double RATE = 20;
  static final int CORRUPT_EVERY = 15;
  private static final Duration STARTUP = Duration.ofSeconds(120);

  private final EmbeddedKafka kafka;
  private final PinwheelConfig config;
  private final Path dir;
  private final int port;
  private final Process process;
  private final Thread streamer;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();

  private RunningServe(EmbeddedKafka kafka, Path dir) throws IOException {
    this.kafka = kafka;
    this.dir = dir;
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("bootstrap.servers", kafka.bootstrapServers());
    properties.put("application.id", "operations-it");
    properties.put("state.dir", dir.resolve("state").toString());
    this.config = PinwheelConfig.fromProperties(properties);
    PinwheelService.ensureTopics(config, 2);
    Path file = dir.resolve("serve.properties");
    Properties p = new Properties();
    p.putAll(properties);
    try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "RunningServe");
    }
    this.port = freePort();
    this.process = serve(file);
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
    return "127.0.0.1:" + port;
  }

  /** The live page. */
  URI pageUri() {
    return URI.create("http://" + metricsAddress() + "/");
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
    try {
      Path f = dir.resolve("serve.log");
      return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws IOException {
    stop.set(true);
    try {
      streamer.join(10_000);
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      kafka.close();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private void awaitHealthy() {
    HttpClient http = HttpClient.newHttpClient();
    URI health = URI.create("http://" + metricsAddress() + "/health");
    await()
        .atMost(STARTUP)
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new IllegalStateException("serve exited:\n" + log());
              }
              try {
                return http.send(
                            HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode()
                    == 200;
              } catch (IOException e) {
                return false;
              }
            });
  }

  private Process serve(Path file) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.add("-Dorg.bytedeco.javacpp.maxbytes=2G");
    command.add("-Dorg.bytedeco.javacpp.maxphysicalbytes=4G");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.add("serve");
    command.add("--config");
    command.add(file.toString());
    command.add("--metrics-port");
    command.add(Integer.toString(port));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("serve.log").toFile());
    pb.environment().put("OMP_NUM_THREADS", "1");
    return pb.start();
  }

  /** Streams the sample photographs at {@link #RATE} frames a second until closed. */
  private void stream() {
    FrameSource frames;
    try (Stream<Path> files = Files.list(repositoryRoot().resolve("samples/images"))) {
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

  static Path repositoryRoot() {
    Path d = Path.of("").toAbsolutePath();
    while (d != null && !Files.isDirectory(d.resolve("samples/images"))) {
      d = d.getParent();
    }
    if (d == null) {
      throw new IllegalStateException("no samples/images above " + Path.of("").toAbsolutePath());
    }
    return d;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Starts the shared instance on first use and closes it when the test run ends. */
  static final class Extension implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(RunningServe.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == RunningServe.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context
          .getRoot()
          .getStore(NAMESPACE)
          .getOrComputeIfAbsent(RunningServe.class, k -> start(), RunningServe.class);
    }

    private static RunningServe start() {
      EmbeddedKafka kafka = EmbeddedKafka.start();
      try {
        Path dir = Files.createTempDirectory("pinwheel-operations-it");
        RunningServe serve = new RunningServe(kafka, dir);
        try {
          serve.awaitHealthy();
          serve.streamer.start();
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
