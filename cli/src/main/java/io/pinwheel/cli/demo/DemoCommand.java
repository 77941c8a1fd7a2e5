package io.pinwheel.cli.demo;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.DurationConverter;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.FrameSource;
import io.pinwheel.cli.support.ImageFiles;
import io.pinwheel.cli.support.JsonLines;
import io.pinwheel.cli.support.MetricsOptions;
import io.pinwheel.cli.support.PartitionsOption;
import io.pinwheel.cli.support.ServiceOverrides;
import io.pinwheel.cli.support.StopSignal;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.config.PinwheelConfigException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pinwheel demo}: the whole pipeline in one process, with nothing to set up. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Shows the whole pipeline in one process, with nothing to set up (30 s by default).",
      "Starts an embedded Kafka broker, the feature service with the shipped natural-image"
          + " encoder (natural-stable), and a producer streaming images into it. Every few seconds a status line on standard"
          + " error gives frames sent, features and dead letters received, frames/s, the"
          + " end-to-end latency a read_committed consumer sees (p50/p99) and the serving model."
          + " By default one frame in 50 is corrupt on purpose, so the dead-letter count moves;"
          + " halfway through, a new model version (natural-stable v3, threshold x1.1) is published to the"
          + " models topic and the service swaps it in without stopping. The metrics endpoint"
          + " moves to a free port if --metrics-port is taken.",
      "At the end (or on Ctrl-C) the producer stops, the last frames are awaited, everything is"
          + " closed, and one JSON line on standard output sums up:",
      "  {\"sent\":N,\"features\":F,\"deadLetters\":D,\"lost\":N-F-D,\"duplicates\":0,",
      "   \"latencyMs\":{\"p50\":..,\"p99\":..},\"modelVersionsSeen\":[1,2],..}",
      "Needs no network and leaves nothing behind: the broker's data is deleted on exit.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the demo ran and every frame came out exactly once",
      "1:frames were lost or duplicated, or the service failed",
      "2:nothing done: invalid options, or no images in --images DIR",
      ExitCodes.INTERNAL_HELP
    })
public final class DemoCommand implements Callable<Integer> {
  /** The images streamed by default, relative to the working or the installation directory. */
  static final Path SAMPLES = Path.of("samples", "images");

  /** The most partitions the in-process broker is given. */
  static final int MAX_PARTITIONS = 64;

  private final CliContext context;

  @Spec CommandSpec spec;

  @Option(
      names = "--duration",
      defaultValue = "30s",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "How long to stream frames, e.g. 30s, 2m, 1m30s. Default: ${DEFAULT-VALUE}.")
  Duration duration;

  @Option(
      names = "--rate",
      defaultValue = "50",
      paramLabel = "FPS",
      description = "Frames per second, at most 2000. Default: ${DEFAULT-VALUE}.")
  double rate;

  @Option(
      names = "--images",
      paramLabel = "DIR",
      description = {
        "A directory of images to stream in a loop (JPEG, PNG, ...).",
        "Default: samples/images of the working directory or of the pinwheel installation;"
            + " generated frames if neither exists."
      })
  Path images;

  @Mixin PartitionsOption partitions;

  @Option(
      names = "--no-reload",
      description = "Do not publish a new model version halfway through.")
  boolean noReload;

  @Option(
      names = "--reload-every",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = {
        "Publish a new model version at this interval instead of once halfway, e.g. 30s: for"
            + " watching memory across many hot reloads."
      })
  Duration reloadEvery;

  @Option(
      names = "--corrupt-every",
      defaultValue = "50",
      paramLabel = "N",
      description = "One frame in N is random bytes; 0 for none. Default: ${DEFAULT-VALUE}.")
  int corruptEvery;

  @Mixin MetricsOptions metrics;

  @Mixin ServiceOverrides overrides;

  @Option(
      names = "--status-every",
      defaultValue = "2500ms",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "Time between status lines. Default: ${DEFAULT-VALUE}.")
  Duration statusEvery;

  public DemoCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    validate();
    FrameSource frames;
    try {
      frames = frames();
    } catch (IOException e) {
      context.err().println("pinwheel demo: cannot read the images: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    Demo.Options options =
        new Demo.Options(
            duration,
            rate,
            frames,
            partitions.partitions(),
            !noReload,
            reloadEvery == null ? Duration.ZERO : reloadEvery,
            metrics.host(),
            metrics.port(),
            overrides.values(),
            statusEvery);
    // The hook's grace covers draining the outputs and closing the service and the broker; the
    // summary is printed before the hook is released, since on Ctrl-C the JVM exits right then.
    try (StopSignal stop = StopSignal.install("pinwheel-demo", Duration.ofSeconds(60))) {
      Demo.Summary s;
      try {
        s = Demo.run(options, context.err(), stop);
      } catch (KafkaException e) {
        context.err().println("pinwheel demo: " + e.getMessage());
        return ExitCodes.FAILED;
      }
      context.out().println(summary(s));
      context.out().flush();
      boolean exact = s.lost() == 0 && s.duplicates() == 0;
      context
          .err()
          .println(
              "pinwheel demo: "
                  + (exact
                      ? "every frame came out exactly once"
                      : s.lost() + " frames lost, " + s.duplicates() + " duplicated"));
      context.err().flush();
      return exact ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }

  private void validate() {
    if (duration.isNegative() || duration.isZero()) {
      throw new ParameterException(spec.commandLine(), "--duration must be positive");
    }
    if (!(rate > 0 && rate <= 2000)) {
      throw new ParameterException(
          spec.commandLine(), "--rate must be in (0, 2000] frames per second, got " + rate);
    }
    if (partitions.partitions() < 1 || partitions.partitions() > MAX_PARTITIONS) {
      throw new ParameterException(
          spec.commandLine(),
          "--partitions must be in [1, " + MAX_PARTITIONS + "], got " + partitions.partitions());
    }
    if (corruptEvery < 0) {
      throw new ParameterException(
          spec.commandLine(), "--corrupt-every must be 0 or more, got " + corruptEvery);
    }
    metrics.validate(spec);
    if (overrides.values().containsKey(PinwheelConfig.BOOTSTRAP_SERVERS)) {
      throw new ParameterException(
          spec.commandLine(),
          "--set " + PinwheelConfig.BOOTSTRAP_SERVERS + ": the demo runs its own broker");
    }
    try {
      // With a stand-in address: the demo's broker has none until it runs.
      Demo.config("127.0.0.1:9092", overrides.values());
    } catch (PinwheelConfigException e) {
      throw new ParameterException(spec.commandLine(), "--set: " + e.getMessage(), e);
    }
    if (reloadEvery != null && reloadEvery.toSeconds() < 1) {
      throw new ParameterException(spec.commandLine(), "--reload-every must be at least 1s");
    }
    if (reloadEvery != null && noReload) {
      throw new ParameterException(
          spec.commandLine(), "--reload-every and --no-reload contradict each other");
    }
    if (statusEvery.toMillis() < 100) {
      throw new ParameterException(spec.commandLine(), "--status-every must be at least 100ms");
    }
    if (images != null && !Files.isDirectory(images)) {
      throw new ParameterException(spec.commandLine(), "--images: no such directory: " + images);
    }
  }

  private FrameSource frames() throws IOException {
    if (images != null) {
      FrameSource s =
          FrameSource.fromFiles(
              ImageFiles.collect(List.of(images)), images.toString(), corruptEvery);
      if (s == null) {
        throw new ParameterException(
            spec.commandLine(), "--images: no image files (.jpg, .png, ...) in " + images);
      }
      return s;
    }
    for (Path dir : sampleDirectories()) {
      if (Files.isDirectory(dir)) {
        FrameSource s =
            FrameSource.fromFiles(ImageFiles.collect(List.of(dir)), dir.toString(), corruptEvery);
        if (s != null) {
          return s;
        }
      }
    }
    return FrameSource.generated(16, corruptEvery);
  }

  /**
   * Where the sample images may be: under the working directory, else in the source tree the
   * program was built in ({@code cli/target/pinwheel.jar} or {@code cli/target/classes}, three
   * levels below it), so that the launcher finds them from any directory.
   */
  private static List<Path> sampleDirectories() {
    try {
      Path code =
          Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root = code.getParent() == null ? null : code.getParent().getParent();
      root = root == null ? null : root.getParent();
      return root == null ? List.of(SAMPLES) : List.of(SAMPLES, root.resolve(SAMPLES));
    } catch (URISyntaxException | RuntimeException e) {
      return List.of(SAMPLES);
    }
  }

  private static String summary(Demo.Summary s) {
    return JsonLines.line(
        g -> {
          g.writeNumberField("seconds", s.seconds());
          g.writeBooleanField("stoppedEarly", s.stoppedEarly());
          g.writeNumberField("sent", s.sent());
          g.writeNumberField("corruptSent", s.corruptSent());
          g.writeNumberField("features", s.features());
          g.writeNumberField("deadLetters", s.deadLetters());
          g.writeNumberField("lost", s.lost());
          g.writeNumberField("duplicates", s.duplicates());
          g.writeObjectFieldStart("latencyMs");
          g.writeNumberField("p50", s.latencyP50Ms());
          g.writeNumberField("p99", s.latencyP99Ms());
          g.writeEndObject();
          g.writeArrayFieldStart("modelVersionsSeen");
          for (int v : s.modelVersionsSeen()) {
            g.writeNumber(v);
          }
          g.writeEndArray();
          g.writeStringField("servingModel", s.servingModel());
        });
  }
}
