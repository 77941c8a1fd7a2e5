package io.pinwheel.trainer.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.trainer.data.DataException;
import io.pinwheel.trainer.data.GrayImages;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A trained encoder served with another spatial pooling window: the learned filters and groups
 * stay, the last L2 pool's window and stride change, and the output threshold is chosen on
 * photographs given for the purpose (a validation set, not the photographs a figure is reported
 * on): the {@code 1 − density} quantile of the pooled values over the frames of {@link Stability}'s
 * moving camera over them.
 *
 * <p>Training pools over small windows (the group-sparsity term over a large window no longer
 * shapes oriented filters or a smooth map); serving over larger windows buys invariance to camera
 * motion, which {@code eval stability} measures.
 */
public final class Repooling {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Repooling() {}

  /**
   * What {@link #repool} wrote.
   *
   * @param model the new encoder
   * @param threshold its output threshold
   * @param density the share of pooled values above the threshold on the frames it was chosen on
   * @param frames the number of frames the threshold was chosen on
   * @param flooredFrames of those, the frames on which the model's {@code minActive} floor lowered
   *     the threshold (0 without a floor)
   * @param emptyFrames of those, the frames whose code the new model leaves empty
   * @param photographs the photographs those frames were cut from
   * @param skipped the files left out, each with the reason
   */
  public record Result(
      EncoderModel model,
      float threshold,
      double density,
      int frames,
      int flooredFrames,
      int emptyFrames,
      List<String> photographs,
      List<String> skipped) {
    /** Copies the lists. */
    public Result {
      photographs = List.copyOf(photographs);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * {@code model} with its last L2 pool's window and stride replaced, output rule unchanged.
   *
   * @throws IllegalArgumentException if the model has no L2 pool, or the window does not fit the
   *     map it pools
   */
  public static EncoderModel withPool(EncoderModel model, int window, int stride) {
    List<Layer> layers = new ArrayList<>(model.layers());
    int last = -1;
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof L2PoolLayer) {
        last = i;
      }
    }
    if (last < 0) {
      throw new IllegalArgumentException(model.name() + " has no L2 pooling layer to change");
    }
    L2PoolLayer pool = (L2PoolLayer) layers.get(last);
    layers.set(last, new L2PoolLayer(pool.groups(), pool.weights(), window, stride));
    return new EncoderModel(
        model.name(),
        model.version(),
        model.createdAt(),
        model.input(),
        layers,
        model.output(),
        model.training(),
        model.trainingTensors());
  }

  /**
   * Serves {@code model} with a window × window pool of the given stride and a threshold that lets
   * {@code density} of the pooled values through on the camera frames of {@code photos}.
   *
   * @param name the new model's name
   * @param version the new model's version
   * @param outputRule the new model's output rule (the threshold is placed the same way for each)
   * @param minActive the new model's floor ({@code output.minActive}), empty for none; the
   *     threshold is placed without it
   * @throws DataException if no photograph is usable
   * @throws IllegalArgumentException if the pool does not fit, or density is not in (0, 1)
   */
  public static Result repool(
      EncoderModel model,
      int window,
      int stride,
      double density,
      OutputRule outputRule,
      OptionalInt minActive,
      List<Path> photos,
      Stability.Camera camera,
      int threads,
      String name,
      int version)
      throws DataException {
    if (!(density > 0 && density < 1)) {
      throw new IllegalArgumentException("density must be in (0, 1), got " + density);
    }
    EncoderModel pooled = withPool(model, window, stride);
    List<String> used = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    GrayImages frames =
        Stability.cameraFrames(
            photos, model.input().height(), model.input().width(), camera, used, skipped);
    float threshold;
    double passed;
    OutputSpec output;
    int floored = 0;
    int empty = 0;
    try (INDArray c = CodeFeatures.pooled(CodeFeatures.beforeOutputRule(pooled), frames, threads)) {
      float[] values = c.data().asFloat();
      threshold = DensitySweep.quantile(Stability.sortedSample(values), 1 - density);
      output = new OutputSpec(threshold, model.output().topK(), outputRule, minActive);
      long n = 0;
      for (float v : values) {
        n += v > threshold ? 1 : 0;
      }
      passed = (double) n / values.length;
      int d = c.columns();
      float[] scratch = new float[output.scratchLength()];
      for (int at = 0; at < values.length; at += d) {
        float t = output.effectiveThreshold(values, at, at + d, scratch);
        floored += t < threshold ? 1 : 0;
        boolean any = false;
        for (int i = at; i < at + d && !any; i++) {
          any = values[i] > t;
        }
        empty += any ? 0 : 1;
      }
    }
    String rule =
        String.format(
            Locale.ROOT,
            "the %.4g quantile of pooled values over %d camera frames (pan and zoom) of %d"
                + " photographs, so about %.4g of outputs pass",
            1 - density,
            frames.count(),
            used.size(),
            density);
    EncoderModel out =
        new EncoderModel(
            name,
            version,
            Instant.now(),
            pooled.input(),
            pooled.layers(),
            output,
            provenance(model, window, stride, density, output, rule, used),
            model.trainingTensors());
    return new Result(out, threshold, passed, frames.count(), floored, empty, used, skipped);
  }

  private static String provenance(
      EncoderModel model,
      int window,
      int stride,
      double density,
      OutputSpec output,
      String rule,
      List<String> photographs) {
    ObjectNode training;
    try {
      training = (ObjectNode) JSON.readTree(model.training());
    } catch (JsonProcessingException | ClassCastException e) {
      training = JSON.createObjectNode();
    }
    // A model repooled before keeps that record under this one's "earlier".
    JsonNode earlier = training.remove("repooled");
    ObjectNode r = training.putObject("repooled");
    r.put("from", model.name() + " v" + model.version());
    r.put("poolWindow", window);
    r.put("poolStride", stride);
    r.put("density", density);
    r.put("threshold", output.threshold());
    r.put("outputRule", output.rule().wireName());
    output.minActive().ifPresent(k -> r.put("minActive", k));
    r.put("thresholdRule", rule);
    ArrayNode p = r.putArray("photographs");
    photographs.forEach(p::add);
    if (earlier != null) {
      r.set("earlier", earlier);
    }
    return training.toString();
  }
}
