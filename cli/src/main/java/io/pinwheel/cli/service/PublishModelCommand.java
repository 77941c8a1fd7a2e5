package io.pinwheel.cli.service;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.JsonLines;
import io.pinwheel.cli.support.KafkaOptions;
import io.pinwheel.cli.support.ModelsTopicOption;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.topology.model.ModelKey;
import io.pinwheel.topology.model.ModelPublisher;
import io.pinwheel.topology.model.ModelRollouts;
import io.pinwheel.topology.security.SecurityFailure;
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
      "Instead of FILE.pwe, --rollback NAME, --pin NAME@VERSION or --unpin writes the topic's"
          + " rollout record, which every running service applies at once and every service"
          + " started later reads: a rollback withdraws NAME's newest version on the topic, so"
          + " each instance serves the version before it again (or its default model when none"
          + " is left); a pin makes every instance serve that version, whatever is published"
          + " after it, until --unpin. Prints one JSON line, e.g.",
      "  {\"rolledBack\":N,\"withdrawn\":V,\"next\":V2,\"topic\":T,\"offset\":O}",
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

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE.pwe",
      description = "The encoder model file to publish.")
  Path file;

  @Option(
      names = "--rollback",
      paramLabel = "NAME",
      description = "Roll back model NAME's newest version everywhere, instead of publishing.")
  String rollback;

  @Option(
      names = "--pin",
      paramLabel = "NAME@VERSION",
      description = "Serve this version everywhere until --unpin, instead of publishing.")
  String pin;

  @Option(
      names = "--unpin",
      description = "Remove the pin: the newest version not rolled back serves again.")
  boolean unpin;

  @Mixin KafkaOptions kafka;

  @Spec CommandSpec spec;

  @Mixin ModelsTopicOption modelsTopic;

  public PublishModelCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    kafka.require(spec);
    int actions =
        (file != null ? 1 : 0)
            + (rollback != null ? 1 : 0)
            + (pin != null ? 1 : 0)
            + (unpin ? 1 : 0);
    if (actions != 1) {
      return usage("give one of FILE.pwe, --rollback NAME, --pin NAME@VERSION or --unpin");
    }
    if (file == null) {
      return rollout();
    }
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
                + modelsTopic.topic()
                + " on "
                + kafka.bootstrapServers()
                + " ...");
    ModelPublisher.Published p;
    try {
      p = ModelPublisher.publish(client, modelsTopic.topic(), file);
    } catch (InvalidModelException e) {
      return usage("refusing to publish " + e.getMessage());
    } catch (IOException e) {
      return usage("cannot read " + file + ": " + e.getMessage());
    } catch (KafkaException e) {
      context
          .err()
          .println("pinwheel publish-model: could not publish: " + SecurityFailure.describe(e));
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

  /** --rollback, --pin or --unpin: the rollout record. */
  private int rollout() {
    ModelKey pinned = null;
    if (pin != null) {
      try {
        pinned = ModelKey.parse(pin);
      } catch (IllegalArgumentException e) {
        return usage("--pin: " + e.getMessage());
      }
    }
    Map<String, Object> client;
    try {
      client = kafka.clientProperties();
    } catch (IOException | IllegalArgumentException e) {
      return usage("cannot read " + kafka.clientConfig() + ": " + e.getMessage());
    }
    ModelRollouts.Change change;
    try {
      if (rollback != null) {
        change = ModelRollouts.rollback(client, modelsTopic.topic(), rollback);
      } else if (pinned != null) {
        change = ModelRollouts.pin(client, modelsTopic.topic(), pinned);
      } else {
        change = ModelRollouts.unpin(client, modelsTopic.topic());
      }
    } catch (IllegalStateException e) {
      return usage(e.getMessage());
    } catch (KafkaException e) {
      context
          .err()
          .println("pinwheel publish-model: could not write the rollout: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    ModelRollouts.Change c = change;
    context
        .out()
        .println(
            JsonLines.line(
                g -> {
                  if (rollback != null) {
                    g.writeStringField("rolledBack", c.subject().name());
                    g.writeNumberField("withdrawn", c.subject().version());
                    if (c.next().isPresent()) {
                      g.writeNumberField("next", c.next().get().version());
                    } else {
                      g.writeNullField("next");
                    }
                  } else if (pin != null) {
                    g.writeStringField("pinned", c.subject().name());
                    g.writeNumberField("version", c.subject().version());
                  } else {
                    g.writeStringField("unpinned", c.subject().name());
                    g.writeNumberField("version", c.subject().version());
                  }
                  g.writeStringField("topic", c.topic());
                  g.writeNumberField("offset", c.offset());
                }));
    context
        .err()
        .println(
            "pinwheel publish-model: "
                + c.state().change()
                + (rollback != null
                    ? c.next()
                        .map(n -> "; instances go back to " + n)
                        .orElse("; no version left: each instance serves its default model")
                    : ""));
    return ExitCodes.OK;
  }

  private int usage(String message) {
    context.err().println("pinwheel publish-model: " + message);
    return ExitCodes.USAGE;
  }
}
