package io.pinwheel.cli.models;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.ModelsTopicOption;
import io.pinwheel.cli.support.ProgressLine;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.topology.model.ModelPublisher;
import io.pinwheel.trainer.data.DataException;
import io.pinwheel.trainer.run.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every {@code train} command shares: where the model goes, what it is called, where it
 * is published when training is done, and how many native threads train it.
 */
public final class TrainOutputOptions {
  // Not required here: picocli would then demand it of `train` even when a subcommand such as
  // `train drsae` runs. Every command checks it with requireOut before doing anything.
  @Option(
      names = "--out",
      paramLabel = "FILE.pwe",
      description =
          "Required. The encoder to write; replaced if it exists (version + 1 for the same"
              + " name).")
  Path out;

  /**
   * Fails as picocli does for missing required options when {@code --out} or any of the command's
   * own {@code missing} options is absent, naming them all.
   *
   * @param missing the command's own required options that are absent, as picocli words them
   *     ({@code '--data=DIR'})
   * @throws ParameterException naming every missing option
   */
  void requireOut(CommandSpec spec, String... missing) {
    List<String> all = new ArrayList<>(List.of(missing));
    if (out == null) {
      all.add("'--out=FILE.pwe'");
    }
    if (!all.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "Missing required option" + (all.size() > 1 ? "s: " : ": ") + String.join(", ", all));
    }
  }

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "Model name. Default: the file name without .pwe.")
  String name;

  @Option(
      names = "--publish-to",
      paramLabel = "HOST:PORT[,...]",
      description = {
        "When training is done, publish the encoder to the models topic of these Kafka brokers,"
            + " so running services verify it and swap it in (as publish-model does)."
      })
  String publishTo;

  @Mixin ModelsTopicOption modelsTopic;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = {
        "Threads to train on. Default: the number of cores. train and train drsae split every"
            + " batch over this many workers, each with its own buffers and one BLAS thread, and"
            + " sum their gradients in worker order: the same --seed and --threads write the same"
            + " bytes, another thread count a model that differs in the last bits. train lateral"
            + " runs its matrix products on this many BLAS threads."
      })
  Integer threads;

  /** {@code --threads}, else the number of cores. */
  int threads() {
    return threads == null ? Runtime.getRuntime().availableProcessors() : threads;
  }

  /** {@code --name}, else the file name without its extension. */
  String modelName() {
    if (name != null) {
      return name;
    }
    String f = out.getFileName().toString();
    return f.endsWith(EncoderFile.EXTENSION)
        ? f.substring(0, f.length() - EncoderFile.EXTENSION.length())
        : f;
  }

  /** A training job, as the train commands run it: its report, or what stopped it. */
  @FunctionalInterface
  interface Job {
    /** Trains and writes the files; returns the report. */
    ObjectNode run() throws DataException, InvalidModelException, IOException;
  }

  /**
   * Builds a train command's job from its options: an option the trainer refuses ({@link
   * IllegalArgumentException}) is a usage error that names it.
   */
  <S> S spec(CommandSpec spec, Supplier<S> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "invalid options: " + e.getMessage(), e);
    }
  }

  /** {@link #run}s the job that {@code job} makes for every train command's progress display. */
  int train(CliContext context, String command, Function<TrainingListener, Job> job) {
    TrainProgress progress = new TrainProgress(context);
    return run(context, command, progress.line, job.apply(progress));
  }

  /**
   * Runs {@code job} and then {@link #finish}es it. Unreadable data and an unusable model are the
   * user's to fix ({@link ExitCodes#USAGE}), a failed write is not ({@link ExitCodes#FAILED});
   * either way the message goes to stderr after {@code command}, and the progress line is ended.
   */
  int run(CliContext context, String command, ProgressLine progress, Job job) {
    ObjectNode report;
    try {
      report = job.run();
    } catch (DataException | InvalidModelException e) {
      context.err().println(command + ": " + e.getMessage());
      return ExitCodes.USAGE;
    } catch (IOException | UncheckedIOException e) {
      context.err().println(command + ": " + e.getMessage());
      return ExitCodes.FAILED;
    } finally {
      progress.finish();
    }
    return finish(context, command, report);
  }

  /**
   * Ends a training command once its model is written: records the file, names on stderr every
   * input file the run skipped (the report's {@code skipped}), publishes the model when {@code
   * --publish-to} asks for it, and prints the report without its per-epoch {@code history} as the
   * command's one line of output (the report file has it all).
   *
   * @param command the command's name, prefixed to messages
   * @param report the run's report
   * @return {@link ExitCodes#OK}, or {@link ExitCodes#FAILED} when publishing failed (the model is
   *     still written)
   */
  private int finish(CliContext context, String command, ObjectNode report) {
    context.stats().modelWritten = out;
    report
        .path("skipped")
        .forEach(
            k ->
                context
                    .err()
                    .println(
                        command
                            + ": skipped "
                            + k.path("file").asText()
                            + ": "
                            + k.path("reason").asText()));
    ObjectNode summary = report.deepCopy();
    summary.remove(List.of("history", "topographyHistory"));
    int status = ExitCodes.OK;
    if (publishTo != null) {
      try {
        ModelPublisher.Published p =
            ModelPublisher.publish(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, publishTo),
                modelsTopic.topic(),
                out);
        ObjectNode published = summary.putObject("published");
        published.put("topic", p.topic());
        published.put("partition", p.partition());
        published.put("offset", p.offset());
        context
            .err()
            .println(
                command
                    + ": published "
                    + p.modelName()
                    + " v"
                    + p.modelVersion()
                    + " to "
                    + p.topic()
                    + " on "
                    + publishTo);
      } catch (IOException | InvalidModelException | KafkaException e) {
        context
            .err()
            .println(
                command
                    + ": the model is written to "
                    + out
                    + " but could not be published: "
                    + e.getMessage());
        status = ExitCodes.FAILED;
      }
    }
    context.out().println(summary.toString());
    return status;
  }
}
