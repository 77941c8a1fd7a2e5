package io.pinwheel.cli.clients;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.DurationConverter;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.JsonLines;
import io.pinwheel.cli.support.KafkaOptions;
import io.pinwheel.cli.support.LatencyStats;
import io.pinwheel.cli.support.StopSignal;
import io.pinwheel.client.FeatureRecord;
import io.pinwheel.client.FeatureRecordSerde;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.stream.PinwheelHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pinwheel consume}: prints the feature records of the features topic. */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the feature records of the features topic (read_committed: only those of committed"
          + " transactions). Protobuf and JSON records are both read, told apart by their"
          + " content-type header, or by their first byte when there is none.",
      "--format json (the default): one line per record:",
      "  {\"key\":K,\"frameId\":F,\"sourceTimestampMs\":T,\"producedTimestampMs\":T,",
      "   \"latencyMs\":L,\"model\":{\"name\":N,\"version\":V},\"shape\":[..],\"nnz\":N,",
      "   \"indices\":[..],\"values\":[..]}",
      "--format table: an aligned line per record: key, frame id, model, nnz, density, latency.",
      "latencyMs = the time this consumer received the record - the frame's source timestamp.",
      "A record that is not a FeatureRecord is reported on standard error, counted and skipped.",
      "--stats: every 2 s on standard error records/s and latency p50/p95/p99; at the end one JSON"
          + " line on standard output:",
      "  {\"stats\":{\"seconds\":S,\"records\":N,\"undecodable\":B,\"recordsPerSecond\":R,",
      "   \"latencyMs\":{\"p50\":..,\"p95\":..,\"p99\":..}}}",
      "Runs until --max records or Ctrl-C.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:success, also when stopped by Ctrl-C or SIGTERM (143 when the JVM reports the signal"
          + " itself)",
      ExitCodes.USAGE_HELP,
      ExitCodes.INTERNAL_HELP
    })
public final class ConsumeCommand implements Callable<Integer> {
  /** How often the --stats line is printed. */
  static final long STATS_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** How many undecodable records get a line of their own on standard error. */
  static final int MAX_UNDECODABLE_SHOWN = 20;

  private final CliContext context;

  /** The output formats. */
  enum Format {
    json,
    table
  }

  @Mixin KafkaOptions kafka;

  @Spec CommandSpec spec;

  @Option(
      names = "--topic",
      defaultValue = PinwheelConfig.DEFAULT_FEATURES_TOPIC,
      paramLabel = "TOPIC",
      description = "The features topic. Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(
      names = "--format",
      defaultValue = "json",
      paramLabel = "json|table",
      description = "How to print each record. Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(
      names = "--max",
      defaultValue = "0",
      paramLabel = "N",
      description = "Stop after N feature records; 0 for no limit. Default: 0.")
  long max;

  @Option(names = "--stats", description = "Print throughput and latency percentiles.")
  boolean stats;

  @Option(
      names = "--from-beginning",
      description =
          "Start at the oldest record instead of the newest (with --group: only when the group has"
              + " no committed offsets).")
  boolean fromBeginning;

  @Option(
      names = "--group",
      paramLabel = "G",
      description =
          "Consumer group: commit offsets and resume there next time, sharing partitions with"
              + " other members. Default: a new anonymous group that commits nothing.")
  String group;

  /** For tests that run the command in-process: stops after this long as if on Ctrl-C. */
  @Option(names = "--run-for", hidden = true, converter = DurationConverter.class)
  Duration runFor;

  public ConsumeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    kafka.require(spec);
    if (max < 0) {
      return usage("--max must be >= 0, got " + max);
    }
    if (group != null && group.isBlank()) {
      return usage("--group must not be empty");
    }
    Map<String, Object> p;
    try {
      p = new HashMap<>(kafka.clientProperties());
    } catch (IOException | IllegalArgumentException e) {
      return usage("cannot read " + kafka.clientConfig() + ": " + e.getMessage());
    }
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "pinwheel-consume");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
    p.put(
        ConsumerConfig.GROUP_ID_CONFIG,
        group != null ? group : "pinwheel-consume-" + UUID.randomUUID());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, group != null);
    Decoder decoder = new Decoder();
    Tally tally = new Tally();
    long start = System.nanoTime();
    long deadline = runFor == null ? Long.MAX_VALUE : start + runFor.toNanos();
    boolean stopped = false;
    context
        .err()
        .printf(
            "pinwheel consume: reading %s on %s%s ...%n",
            topic,
            kafka.bootstrapServers(),
            fromBeginning ? " from the beginning" : " (new records)");
    // The stop signal is closed last: on SIGTERM the JVM exits as soon as it is, and the summary
    // must be printed before that.
    try (StopSignal stop = StopSignal.install("pinwheel-consume", Duration.ofSeconds(15))) {
      try (KafkaConsumer<String, byte[]> consumer =
          new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(java.util.List.of(topic));
        long nextStats = start + STATS_NANOS;
        outer:
        while (max == 0 || tally.records < max) {
          if (stop.stopRequested() || System.nanoTime() >= deadline) {
            stopped = true;
            break;
          }
          ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(200));
          long received = System.currentTimeMillis();
          for (ConsumerRecord<String, byte[]> r : batch) {
            FeatureRecord f;
            try {
              f = decoder.decode(r);
            } catch (RuntimeException e) {
              tally.undecodable++;
              // One line each for the first few; pointed at the wrong topic, one per record would
              // drown everything else. The count goes on in the stats.
              if (tally.undecodable <= MAX_UNDECODABLE_SHOWN) {
                context
                    .err()
                    .printf(
                        "pinwheel consume: skipping %s-%d@%d (key %s): not a FeatureRecord: %s%n",
                        r.topic(), r.partition(), r.offset(), r.key(), e.getMessage());
              }
              if (tally.undecodable == MAX_UNDECODABLE_SHOWN) {
                context
                    .err()
                    .println(
                        "pinwheel consume: further undecodable records are counted, not shown (is"
                            + " --topic a features topic?)");
              }
              continue;
            }
            if (f == null) {
              continue; // a tombstone: nothing to print
            }
            long latency = received - f.sourceTimestampMs();
            tally.records++;
            tally.latencies.add(latency);
            context
                .out()
                .println(
                    format == Format.json ? json(r.key(), f, latency) : table(r.key(), f, latency));
            if (max > 0 && tally.records >= max) {
              break outer;
            }
          }
          long now = System.nanoTime();
          if (stats && now >= nextStats) {
            context.err().println("pinwheel consume: " + tally.line(now - start));
            nextStats = now + STATS_NANOS;
          }
        }
        context.out().flush();
      }
      long elapsed = System.nanoTime() - start;
      if (stats) {
        context.err().println("pinwheel consume: " + tally.line(elapsed));
        context.out().println(tally.json(elapsed));
      }
      context
          .err()
          .printf(
              "pinwheel consume: %s after %d records%s%n",
              stopped ? "stopped" : "done",
              tally.records,
              tally.undecodable > 0 ? " (" + tally.undecodable + " undecodable skipped)" : "");
      return ExitCodes.OK;
    }
  }

  /** One record as a JSON line. */
  static String json(String key, FeatureRecord f, long latencyMs) {
    return JsonLines.line(
        g -> {
          g.writeStringField("key", key);
          g.writeStringField("frameId", f.frameId());
          g.writeNumberField("sourceTimestampMs", f.sourceTimestampMs());
          g.writeNumberField("producedTimestampMs", f.producedTimestampMs());
          g.writeNumberField("latencyMs", latencyMs);
          g.writeObjectFieldStart("model");
          g.writeStringField("name", f.modelName());
          g.writeNumberField("version", f.modelVersion());
          g.writeEndObject();
          int[] shape = f.shape();
          g.writeFieldName("shape");
          g.writeArray(shape, 0, shape.length);
          g.writeNumberField("nnz", f.nnz());
          int[] indices = f.indices();
          g.writeFieldName("indices");
          g.writeArray(indices, 0, indices.length);
          g.writeFieldName("values");
          JsonLines.floats(g, f.values());
          if (!f.label().isEmpty()) {
            g.writeStringField("label", f.label());
          }
        });
  }

  /** One record as an aligned table line. */
  static String table(String key, FeatureRecord f, long latencyMs) {
    return String.format(
        Locale.ROOT,
        "%-16s %-28s %-18s nnz %7d  density %7.3f%%  latency %6d ms",
        key == null ? "-" : key,
        f.frameId(),
        f.modelName() + " v" + f.modelVersion(),
        f.nnz(),
        f.density() * 100,
        latencyMs);
  }

  /** Picks protobuf or JSON per record: by content-type header, else by the first byte. */
  static final class Decoder {
    private final Deserializer<FeatureRecord> protobuf =
        FeatureRecordSerde.protobuf().deserializer();
    private final Deserializer<FeatureRecord> json = FeatureRecordSerde.json().deserializer();

    FeatureRecord decode(ConsumerRecord<?, byte[]> r) {
      byte[] v = r.value();
      if (v == null) {
        return null;
      }
      Header h = r.headers().lastHeader(PinwheelHeaders.CONTENT_TYPE);
      boolean isJson;
      if (h != null && h.value() != null) {
        isJson = new String(h.value(), StandardCharsets.UTF_8).startsWith("application/json");
      } else {
        // A protobuf FeatureRecord never starts with '{': that byte would be field 15 as a
        // start-group, which the schema does not have.
        isJson = v.length > 0 && v[0] == '{';
      }
      return (isJson ? json : protobuf).deserialize(r.topic(), v);
    }
  }

  /** Counts and latencies of one run. */
  static final class Tally {
    long records;
    long undecodable;
    final LatencyStats latencies = new LatencyStats();

    String line(long elapsedNanos) {
      double secs = elapsedNanos / 1e9;
      long[] pc = latencies.percentiles(50, 95, 99);
      return String.format(
          Locale.ROOT,
          "%6.1fs  records %d  undecodable %d  |  %.1f records/s  latency p50 %d ms  p95 %d ms"
              + "  p99 %d ms",
          secs,
          records,
          undecodable,
          secs > 0 ? records / secs : 0.0,
          pc[0],
          pc[1],
          pc[2]);
    }

    String json(long elapsedNanos) {
      double secs = elapsedNanos / 1e9;
      long[] pc = latencies.percentiles(50, 95, 99);
      return JsonLines.line(
          g -> {
            g.writeObjectFieldStart("stats");
            g.writeNumberField("seconds", Math.round(secs * 1000) / 1000.0);
            g.writeNumberField("records", records);
            g.writeNumberField("undecodable", undecodable);
            g.writeNumberField(
                "recordsPerSecond", secs > 0 ? Math.round(records / secs * 10) / 10.0 : 0.0);
            g.writeObjectFieldStart("latencyMs");
            g.writeNumberField("p50", pc[0]);
            g.writeNumberField("p95", pc[1]);
            g.writeNumberField("p99", pc[2]);
            g.writeEndObject();
            g.writeEndObject();
          });
    }
  }

  private int usage(String message) {
    context.err().println("pinwheel consume: " + message);
    return ExitCodes.USAGE;
  }
}
