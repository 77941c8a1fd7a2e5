package io.pinwheel.topology.live;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.LinearLayer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.extractor.model.RecurrentLayer;
import io.pinwheel.topology.model.ReloadEvent;
import io.pinwheel.topology.model.ServingModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * The live page's two JSON documents, camelCase, times in epoch milliseconds, unknown values null:
 *
 * <ul>
 *   <li>status ({@code /api/status}): {@code now}, {@code intervalMs}, {@code service} (the
 *       application, its topics, {@code state}, {@code healthy}), {@code model} (the serving one:
 *       {@code name}, {@code version}, {@code origin}, {@code since}, {@code createdAt}), {@code
 *       totals} ({@code framesIn}, {@code featuresOut}, {@code deadLetters} by reason), {@code
 *       reloads} (the registry's decisions: {@code at}, {@code result}, {@code model}, {@code
 *       version}, {@code origin}, {@code message}, {@code trigger}: offer, default or rollout) and
 *       {@code samples}: one array per series, in the columnar form charts take ({@code t}, {@code
 *       framesIn}, {@code featuresOut}, {@code deadLetters}, {@code deadLettersByReason}, {@code
 *       decodeP50} ... {@code latencyP99}, {@code densityP50}, {@code densityP99}, {@code lag},
 *       {@code modelVersion});
 *   <li>model ({@code /api/model}): the serving model's card (input, layers, output rule) and its
 *       {@link FilterTiles filters}.
 * </ul>
 */
final class LiveJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private LiveJson() {}

  /** What {@code /api/status} reports besides the samples. */
  record Status(
      ServiceInfo service,
      String state,
      boolean healthy,
      Optional<ServingModel> model,
      Map<String, Double> totals,
      Map<String, Double> deadLetterTotals,
      List<ReloadEvent> reloads,
      List<LiveSample> samples) {}

  static byte[] status(long now, Status s) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeNumberField("now", now);
          g.writeNumberField("intervalMs", LiveSampler.INTERVAL.toMillis());
          g.writeNumberField("capacity", LiveSampler.CAPACITY);
          g.writeObjectFieldStart("service");
          g.writeStringField("applicationId", s.service().applicationId());
          g.writeStringField("framesTopic", s.service().framesTopic());
          g.writeStringField("featuresTopic", s.service().featuresTopic());
          g.writeStringField("deadLetterTopic", s.service().deadLetterTopic());
          g.writeStringField("state", s.state());
          g.writeBooleanField("healthy", s.healthy());
          g.writeEndObject();
          g.writeFieldName("model");
          if (s.model().isEmpty()) {
            g.writeNull();
          } else {
            ServingModel m = s.model().get();
            g.writeStartObject();
            g.writeStringField("name", m.name());
            g.writeNumberField("version", m.version());
            g.writeStringField("origin", m.origin());
            g.writeNumberField("since", m.loadedAt().toEpochMilli());
            g.writeNumberField("createdAt", m.model().createdAt().toEpochMilli());
            g.writeEndObject();
          }
          g.writeObjectFieldStart("totals");
          for (Map.Entry<String, Double> e : s.totals().entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue().longValue());
          }
          g.writeObjectFieldStart("deadLetters");
          for (Map.Entry<String, Double> e : s.deadLetterTotals().entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue().longValue());
          }
          g.writeEndObject();
          g.writeEndObject();
          g.writeArrayFieldStart("reloads");
          for (ReloadEvent r : s.reloads()) {
            g.writeStartObject();
            g.writeNumberField("at", r.at().toEpochMilli());
            g.writeStringField("result", r.outcome().tag());
            g.writeStringField("model", r.modelName());
            g.writeNumberField("version", r.modelVersion());
            g.writeStringField("origin", r.origin());
            g.writeStringField("message", r.message());
            g.writeStringField("trigger", r.trigger().tag());
            g.writeEndObject();
          }
          g.writeEndArray();
          writeSamples(g, s.samples());
          g.writeEndObject();
        });
  }

  private static void writeSamples(JsonGenerator g, List<LiveSample> samples) throws IOException {
    g.writeObjectFieldStart("samples");
    g.writeArrayFieldStart("t");
    for (LiveSample s : samples) {
      g.writeNumber(s.t());
    }
    g.writeEndArray();
    series(g, "framesIn", samples, LiveSample::framesIn);
    series(g, "featuresOut", samples, LiveSample::featuresOut);
    series(g, "deadLetters", samples, LiveSample::deadLetters);
    Set<String> reasons = new TreeSet<>();
    samples.forEach(s -> reasons.addAll(s.deadLettersByReason().keySet()));
    g.writeObjectFieldStart("deadLettersByReason");
    for (String reason : reasons) {
      series(g, reason, samples, s -> s.deadLettersByReason().getOrDefault(reason, Double.NaN));
    }
    g.writeEndObject();
    String[] phi = {"P50", "P95", "P99"};
    for (int i = 0; i < 3; i++) {
      int at = i;
      series(g, "decode" + phi[i], samples, s -> s.decode()[at]);
      series(g, "encode" + phi[i], samples, s -> s.encode()[at]);
      series(g, "latency" + phi[i], samples, s -> s.latency()[at]);
    }
    series(g, "densityP50", samples, s -> s.density()[0]);
    series(g, "densityP99", samples, s -> s.density()[1]);
    series(g, "lag", samples, LiveSample::lag);
    series(g, "modelVersion", samples, s -> s.modelVersion() < 0 ? Double.NaN : s.modelVersion());
    g.writeEndObject();
  }

  private static void series(
      JsonGenerator g, String name, List<LiveSample> samples, ToDoubleFunction<LiveSample> value)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (LiveSample s : samples) {
      number(g, value.applyAsDouble(s));
    }
    g.writeEndArray();
  }

  /** A finite value rounded to 4 significant digits (the charts show 3), NaN as null. */
  private static void number(JsonGenerator g, double v) throws IOException {
    if (!Double.isFinite(v)) {
      g.writeNull();
    } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      g.writeNumber((long) v);
    } else {
      g.writeNumber(Double.parseDouble(String.format(Locale.ROOT, "%.4g", v)));
    }
  }

  static byte[] model(Optional<ServingModel> serving) {
    return write(
        g -> {
          g.writeStartObject();
          if (serving.isEmpty()) {
            g.writeNullField("model");
            g.writeEndObject();
            return;
          }
          ServingModel m = serving.get();
          EncoderModel model = m.model();
          g.writeObjectFieldStart("model");
          g.writeStringField("name", m.name());
          g.writeNumberField("version", m.version());
          g.writeStringField("origin", m.origin());
          g.writeNumberField("since", m.loadedAt().toEpochMilli());
          g.writeNumberField("createdAt", model.createdAt().toEpochMilli());
          g.writeStringField("input", describe(model.input()));
          g.writeArrayFieldStart("layers");
          for (Layer layer : model.layers()) {
            g.writeString(describe(layer));
          }
          g.writeEndArray();
          g.writeStringField("output", describe(model.output()));
          g.writeEndObject();
          g.writeFieldName("filters");
          Optional<FilterTiles> tiles = FilterTiles.of(model);
          if (tiles.isEmpty()) {
            g.writeNull();
          } else {
            FilterTiles t = tiles.get();
            g.writeStartObject();
            g.writeNumberField("count", t.count());
            g.writeNumberField("channels", t.channels());
            g.writeNumberField("height", t.height());
            g.writeNumberField("width", t.width());
            g.writeNumberField("rows", t.rows());
            g.writeNumberField("cols", t.cols());
            g.writeBooleanField("topographic", t.topographic());
            g.writeArrayFieldStart("values");
            for (byte v : t.values()) {
              g.writeNumber(v);
            }
            g.writeEndArray();
            g.writeEndObject();
          }
          g.writeEndObject();
        });
  }

  static byte[] error(String message) {
    return write(
        g -> {
          g.writeStartObject();
          g.writeStringField("error", message);
          g.writeEndObject();
        });
  }

  /**
   * The output rule in words: {@code values above 0.25}, {@code values above 0.25, less 0.25
   * (shrink)}, then {@code , the top 200 of them} when there is a top-k and {@code , at least the
   * 16 largest when fewer pass} when there is a floor (output.minActive).
   */
  static String describe(OutputSpec output) {
    StringBuilder s = new StringBuilder("values above " + output.threshold());
    if (output.rule() == OutputRule.SHRINK) {
      s.append(", less ").append(output.threshold()).append(" (shrink)");
    }
    output.topK().ifPresent(k -> s.append(", the top ").append(k).append(" of them"));
    output
        .minActive()
        .ifPresent(k -> s.append(", at least the ").append(k).append(" largest when fewer pass"));
    return s.toString();
  }

  private static String describe(InputSpec input) {
    String norm;
    if (input.normalize() instanceof Normalization.Lcn l) {
      norm = "LCN σ " + l.sigma();
    } else if (input.normalize() instanceof Normalization.Standardize s) {
      norm = "standardized";
    } else {
      norm = "not normalized";
    }
    return input.width() + "×" + input.height() + "×" + input.channels() + ", " + norm;
  }

  private static String describe(Layer layer) {
    if (layer instanceof ConvLayer c) {
      int[] s = c.weights().shape();
      return "conv " + s[0] + " filters " + s[2] + "×" + s[3] + " × " + s[1] + " channels, ReLU";
    } else if (layer instanceof L2PoolLayer p) {
      return "L2 pool: "
          + p.poolCount()
          + " groups of "
          + p.groupSize()
          + " maps, window "
          + p.window()
          + " stride "
          + p.stride();
    } else if (layer instanceof RecurrentLayer r) {
      return "recurrent (DrSAE) " + r.encoder().dim(0) + " units, " + r.steps() + " steps";
    } else if (layer instanceof LinearLayer h) {
      return "linear head, " + h.classes() + " classes";
    }
    return layer.type();
  }

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8 * 1024);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write JSON to memory", e);
    }
    return out.toByteArray();
  }
}
