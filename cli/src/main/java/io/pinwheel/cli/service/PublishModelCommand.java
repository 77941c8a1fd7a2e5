package io.pinwheel.cli.service;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.JsonLines;
import io.pinwheel.cli.support.KafkaOptions;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.model.ModelPublisher;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pinwheel publish-model}: sends an encoder file to the models topic. */
@Command(
    name = "publish-model",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes an encoder model to the models topic, for every running service to load.",
      "Every running pinwheel serve reads the topic: each verifies the model, warms it up and"
          + " swaps it in between two frames, if its version is newer than the one serving.",
      "FILE.pwe is verified here first (checksums, shapes, finite values), so a bad file never"
          + " reaches the topic. The topic is created if missing: compacted, one partition, 64 MiB"
          + " records. Prints one JSON line:",
      "  {\"published\":FILE,\"name\":N,\"version\":V,\"topic\":T,\"partition\":P,\"offset\":O}",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "1:the model is valid but could not be published (cluster unreachable, topic too small)",
      "2:nothing published: invalid options, or FILE missing or not a valid model",
      ExitCodes.INTERNAL_HELP
    })
public final class PublishModelCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(index = "0", paramLabel = "FILE.pwe", description = "The encoder model file.")
  Path file;

  @Mixin KafkaOptions kafka;

  @Spec CommandSpec spec;

  @Option(
      names = "--topic",
      defaultValue = PinwheelConfig.DEFAULT_MODELS_TOPIC,
      paramLabel = "TOPIC",
      description = "The models topic. Default: ${DEFAULT-VALUE}.")
  String topic;

  public PublishModelCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    kafka.require(spec);
    EncoderModel model;
    try {
      model = EncoderFile.read(file);
    } catch (NoSuchFileException e) {
      return usage("no such file: " + file);
    } catch (InvalidModelException e) {
      return usage("refusing to publish " + e.getMessage());
    } catch (IOException e) {
      return usage("cannot read " + file + ": " + e.getMessage());
    }
    Map<String, Object> client;
    try {
      client = kafka.clientProperties();
    } catch (IOException | IllegalArgumentException e) {
      return usage("cannot read " + kafka.clientConfig() + ": " + e.getMessage());
    }
    context
        .err()
        .println(
            "pinwheel publish-model: publishing "
                + model.name()
                + " v"
                + model.version()
                + " to "
                + topic
                + " on "
                + kafka.bootstrapServers()
                + " ...");
    ModelPublisher.Published p;
    try {
      p = ModelPublisher.publish(client, topic, file);
    } catch (InvalidModelException e) {
      return usage("refusing to publish " + e.getMessage());
    } catch (IOException e) {
      return usage("cannot read " + file + ": " + e.getMessage());
    } catch (KafkaException e) {
      context.err().println("pinwheel publish-model: could not publish: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    context
        .out()
        .println(
            JsonLines.line(
                g -> {
                  g.writeStringField("published", file.toString());
                  g.writeStringField("name", p.modelName());
                  g.writeNumberField("version", p.modelVersion());
                  g.writeStringField("topic", p.topic());
                  g.writeNumberField("partition", p.partition());
                  g.writeNumberField("offset", p.offset());
                }));
    return ExitCodes.OK;
  }

  private int usage(String message) {
    context.err().println("pinwheel publish-model: " + message);
    return ExitCodes.USAGE;
  }
}
