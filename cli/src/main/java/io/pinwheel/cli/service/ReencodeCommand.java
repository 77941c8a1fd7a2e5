package io.pinwheel.cli.service;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.DurationConverter;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.JsonLines;
import io.pinwheel.cli.support.KafkaOptions;
import io.pinwheel.cli.support.ModelOption;
import io.pinwheel.cli.support.StopSignal;
import io.pinwheel.client.FeatureRecordFormat;
import io.pinwheel.extractor.DecoderOptions;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.reencode.ReencodeProgress;
import io.pinwheel.topology.reencode.ReencodeResult;
import io.pinwheel.topology.reencode.ReencodeStart;
import io.pinwheel.topology.reencode.Reencoder;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pinwheel reencode}: the retained frames, encoded again with one model version. */
@Command(
    name = "reencode",
    mixinStandardHelpOptions = true,
    description = {
      "Re-encodes the frames retained in the frames topic with one model into a per-version"
          + " features topic (default FEATURES.NAME.vVERSION, created with the frames topic's"
          + " partitions), from --from-offset or --from-time (default: the first retained) up to"
          + " the end offsets the topic has when it starts, then exits.",
      "Exactly once: frames and their offsets are committed together, in batches, under a job id"
          + " (default pinwheel-reencode-TOPIC). Ctrl-C, or a crash, leaves whole batches; running"
          + " the same command again resumes where the last run stopped (then the start options"
          + " are not used) and goes to the end offsets of its own start. Frames that cannot be"
          + " decoded are counted by reason and not written (the service dead-lettered them).",
      "A progress line goes to standard error every few seconds; at the end one JSON line:",
      "  {\"toTopic\":T,\"jobId\":J,\"model\":{...},\"resumed\":B,\"complete\":B,\"frames\":N,"
          + "\"total\":N,\"features\":N,\"skipped\":N,\"skippedByReason\":{...},\"partitions\":[...],"
          + "\"seconds\":S,\"framesPerSecond\":R}",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:every frame up to the end offsets is done",
      "1:stopped early (Ctrl-C) or Kafka failed; run it again to resume",
      "2:nothing done: invalid options, unreadable model, missing frames topic",
      ExitCodes.INTERNAL_HELP
    })
public final class ReencodeCommand implements Callable<Integer> {
  private static final Duration PROGRESS = Duration.ofSeconds(2);

  private final CliContext context;

  @Mixin KafkaOptions kafka;

  @Mixin ModelOption model;

  @Spec CommandSpec spec;

  @Option(
      names = "--from-offset",
      paramLabel = "OFFSET",
      description = "Start at this offset in every partition (or its first retained record).")
  Long fromOffset;

  @Option(
      names = "--from-time",
      paramLabel = "TIME",
      description =
          "Start at the first frame whose record timestamp is at or after TIME: an ISO-8601"
              + " instant (2026-12-01T08:00:00Z) or a duration ago (2h, 30m).")
  String fromTime;

  @Option(
      names = "--frames-topic",
      defaultValue = PinwheelConfig.DEFAULT_FRAMES_TOPIC,
      paramLabel = "TOPIC",
      description = "The frames topic. Default: ${DEFAULT-VALUE}.")
  String framesTopic;

  @Option(
      names = "--features-topic",
      defaultValue = PinwheelConfig.DEFAULT_FEATURES_TOPIC,
      paramLabel = "TOPIC",
      description =
          "The service's features topic, whose name the per-version topic extends. Default:"
              + " ${DEFAULT-VALUE}.")
  String featuresTopic;

  @Option(
      names = "--to-topic",
      paramLabel = "TOPIC",
      description = "The topic to write instead of FEATURES.NAME.vVERSION.")
  String toTopic;

  @Option(
      names = "--job-id",
      paramLabel = "ID",
      description =
          "Consumer group and transactional id; the same id resumes. Default:"
              + " pinwheel-reencode-TOPIC.")
  String jobId;

  @Option(
      names = "--format",
      defaultValue = "protobuf",
      paramLabel = "protobuf|json",
      description = "The feature records' format. Default: ${DEFAULT-VALUE}.")
  String format;

  public ReencodeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    kafka.require(spec);
    if (fromOffset != null && fromTime != null) {
      return usage("give --from-offset or --from-time, not both");
    }
    ReencodeStart start;
    try {
      start =
          fromOffset != null
              ? ReencodeStart.atOffset(fromOffset)
              : fromTime != null
                  ? ReencodeStart.atTime(instant(fromTime))
                  : ReencodeStart.beginning();
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    FeatureRecordFormat recordFormat;
    try {
      recordFormat = FeatureRecordFormat.valueOf(format.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return usage("--format must be protobuf or json, got " + format);
    }
    EncoderModel encoder;
    try {
      encoder = model.load().model();
    } catch (ModelOption.UnusableModelException e) {
      return usage(e.getMessage());
    }
    String target = toTopic != null ? toTopic : Reencoder.Job.targetTopic(featuresTopic, encoder);
    Reencoder.Job job;
    try {
      job =
          new Reencoder.Job(
              framesTopic,
              target,
              encoder,
              start,
              jobId != null ? jobId : "pinwheel-reencode-" + target,
              recordFormat,
              DecoderOptions.defaults(),
              PROGRESS);
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
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
            "pinwheel reencode: "
                + framesTopic
                + " -> "
                + target
                + " with "
                + encoder.name()
                + " v"
                + encoder.version()
                + " as "
                + job.jobId()
                + " ...");
    ReencodeResult result;
    try (StopSignal stop = StopSignal.install("pinwheel-reencode", Duration.ofSeconds(30))) {
      try {
        result = Reencoder.run(client, job, this::progress, stop::stopRequested);
      } catch (KafkaException e) {
        context.err().println("pinwheel reencode: " + e.getMessage() + "; run it again to resume");
        return e.getMessage() != null && e.getMessage().contains("does not exist")
            ? ExitCodes.USAGE
            : ExitCodes.FAILED;
      }
    }
    ReencodeResult r = result;
    ReencodeProgress p = r.progress();
    context
        .out()
        .println(
            JsonLines.line(
                g -> {
                  g.writeStringField("toTopic", r.targetTopic());
                  g.writeStringField("jobId", r.jobId());
                  g.writeObjectFieldStart("model");
                  g.writeStringField("name", encoder.name());
                  g.writeNumberField("version", encoder.version());
                  g.writeEndObject();
                  g.writeBooleanField("resumed", r.resumed());
                  g.writeBooleanField("complete", r.complete());
                  g.writeNumberField("frames", p.done());
                  g.writeNumberField("total", p.total());
                  g.writeNumberField("features", p.features());
                  g.writeNumberField("skipped", p.skipped());
                  g.writeObjectFieldStart("skippedByReason");
                  for (Map.Entry<String, Long> e : p.skippedByReason().entrySet()) {
                    g.writeNumberField(e.getKey(), e.getValue());
                  }
                  g.writeEndObject();
                  g.writeArrayFieldStart("partitions");
                  for (ReencodeResult.Range range : r.partitions()) {
                    g.writeStartObject();
                    g.writeNumberField("partition", range.partition());
                    g.writeNumberField("from", range.from());
                    g.writeNumberField("to", range.to());
                    g.writeNumberField("reached", range.reached());
                    g.writeEndObject();
                  }
                  g.writeEndArray();
                  g.writeNumberField("seconds", Math.round(p.seconds() * 10) / 10.0);
                  g.writeNumberField(
                      "framesPerSecond", Math.round(p.framesPerSecond() * 10) / 10.0);
                }));
    return r.complete() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private void progress(ReencodeProgress p) {
    double rate = p.framesPerSecond();
    long left = p.total() - p.done();
    context
        .err()
        .println(
            String.format(
                Locale.ROOT,
                "pinwheel reencode: %,d / %,d frames (%.0f%%), %.1f frames/s%s; %,d features, %,d"
                    + " skipped",
                p.done(),
                p.total(),
                p.total() == 0 ? 100.0 : 100.0 * p.done() / p.total(),
                rate,
                rate > 0 && left > 0
                    ? String.format(Locale.ROOT, ", about %.0f s left", left / rate)
                    : "",
                p.features(),
                p.skipped()));
  }

  /** An ISO-8601 instant, or a duration before now. */
  private static Instant instant(String text) {
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException notAnInstant) {
      try {
        return Instant.now().minus(new DurationConverter().convert(text));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "--from-time must be an ISO-8601 instant such as 2026-12-01T08:00:00Z or a duration"
                + " ago such as 2h, got \""
                + text
                + "\"",
            e);
      }
    }
  }

  private int usage(String message) {
    context.err().println("pinwheel reencode: " + message);
    return ExitCodes.USAGE;
  }
}
