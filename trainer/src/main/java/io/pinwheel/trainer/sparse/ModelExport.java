package io.pinwheel.trainer.sparse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecodeException;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.trainer.data.FrameSet;
import io.pinwheel.trainer.optim.Parameters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Between training state and encoder files: the trained encoder written as the extractor serves it,
 * the decoder kept beside it as the training tensor {@value #DECODER}, and, for checkpoints, Adam's
 * moments and the run's progress so that {@code --resume} continues exactly.
 */
public final class ModelExport {
  /** The training tensor holding the decoder atoms, [K, C, kh, kw]. */
  public static final String DECODER = "decoder";

  private static final String FIRST_MOMENT = "adam-m.";
  private static final String SECOND_MOMENT = "adam-v.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelExport() {}

  /**
   * The encoder model of a training state, stacked on {@code frozen}: the conv/l2pool layers of an
   * existing encoder that feed the trained stage (empty for a one-stage encoder).
   *
   * @param provenance the {@code training} object of the manifest; {@code epochsDone}, {@code
   *     steps} and {@code history} are added to it
   * @param checkpoint whether to keep Adam's moments too, so training can resume from the file
   */
  public static EncoderModel model(
      TrainState state,
      List<Layer> frozen,
      String name,
      int version,
      Instant createdAt,
      InputSpec input,
      L2PoolLayer pool,
      OutputSpec output,
      ObjectNode provenance,
      boolean checkpoint) {
    Parameters p = state.parameters;
    ConvLayer conv =
        new ConvLayer(
            tensor(p, ConvGradients.ENCODER),
            tensor(p, ConvGradients.BIAS),
            tensor(p, ConvGradients.GAIN));
    Map<String, FloatTensor> extra = new LinkedHashMap<>();
    extra.put(DECODER, tensor(p, ConvGradients.DECODER));
    if (checkpoint) {
      for (String param : ConvGradients.PARAMETERS) {
        extra.put(FIRST_MOMENT + param, tensor(state.firstMoments, param));
        extra.put(SECOND_MOMENT + param, tensor(state.secondMoments, param));
      }
    }
    ObjectNode training = provenance.deepCopy();
    training.put("epochsDone", state.epochsDone);
    training.put("steps", state.steps);
    ArrayNode history = JSON.valueToTree(state.history);
    if (!checkpoint) {
      // Wall times and memory would make two runs with the same seed write different files.
      history.forEach(h -> ((ObjectNode) h).remove(List.of("seconds", "residentMegabytes")));
    }
    training.set("history", history);
    List<Layer> layers = new ArrayList<>(frozen);
    layers.add(conv);
    layers.add(pool);
    return new EncoderModel(
        name, version, createdAt, input, layers, output, training.toString(), extra);
  }

  private static FloatTensor tensor(Parameters p, String name) {
    return FloatTensor.of(p.shape(name), p.get(name));
  }

  /**
   * The training state saved in a checkpoint written by {@link #model} with {@code checkpoint}.
   * Checkpoints of the trainer before hand-written gradients kept Adam's filter moments as [k, k,
   * C, K]; they are read into today's [K, C, k, k].
   *
   * @throws InvalidModelException if the file is not a checkpoint of this trainer
   */
  public static TrainState state(EncoderModel model) throws InvalidModelException {
    int stages = model.layers().size();
    // The trained stage is the last one; any before it were frozen.
    if (stages < 2 || !(model.layers().get(stages - 2) instanceof ConvLayer conv)) {
      throw new InvalidModelException(
          "not a checkpoint of this trainer: expected conv + l2pool stages, got "
              + stages
              + " layers");
    }
    Map<String, FloatTensor> t = model.trainingTensors();
    List<String> missing = new ArrayList<>();
    for (String p : ConvGradients.PARAMETERS) {
      for (String key : List.of(FIRST_MOMENT + p, SECOND_MOMENT + p)) {
        if (!t.containsKey(key)) {
          missing.add(key);
        }
      }
    }
    if (!t.containsKey(DECODER)) {
      missing.add(DECODER);
    }
    if (!missing.isEmpty()) {
      throw new InvalidModelException(
          "not a resumable checkpoint: training tensors " + missing + " are missing");
    }
    if (!Arrays.equals(t.get(DECODER).shape(), conv.weights().shape())) {
      throw new InvalidModelException(
          "checkpoint decoder is "
              + Arrays.toString(t.get(DECODER).shape())
              + " but the encoder's filters are "
              + Arrays.toString(conv.weights().shape()));
    }
    Parameters params =
        Parameters.builder()
            .add(ConvGradients.ENCODER, conv.weights().toArray(), conv.weights().shape())
            .add(ConvGradients.BIAS, conv.bias().toArray(), conv.bias().shape())
            .add(ConvGradients.GAIN, conv.gain().toArray(), conv.gain().shape())
            .add(ConvGradients.DECODER, t.get(DECODER).toArray(), t.get(DECODER).shape())
            .build();
    Parameters m = params.zerosLike();
    Parameters v = params.zerosLike();
    for (String p : ConvGradients.PARAMETERS) {
      moment(t.get(FIRST_MOMENT + p), m, p);
      moment(t.get(SECOND_MOMENT + p), v, p);
    }
    JsonNode training;
    try {
      training = JSON.readTree(model.training());
    } catch (java.io.IOException e) {
      throw new InvalidModelException("checkpoint training object is not JSON: " + e.getMessage());
    }
    List<TrainState.EpochStats> history = new ArrayList<>();
    for (JsonNode h : training.path("history")) {
      history.add(JSON.convertValue(h, TrainState.EpochStats.class));
    }
    return new TrainState(
        params,
        m,
        v,
        training.path("epochsDone").asInt(),
        training.path("steps").asLong(),
        history);
  }

  /** A saved moment into {@code into}'s tensor {@code name}, from either filter layout. */
  private static void moment(FloatTensor saved, Parameters into, String name)
      throws InvalidModelException {
    int[] shape = into.shape(name);
    float[] dst = into.get(name);
    if (saved.size() != dst.length) {
      throw new InvalidModelException(
          "checkpoint moment of "
              + name
              + " has "
              + saved.size()
              + " values, the parameter "
              + dst.length);
    }
    boolean filters = shape.length == 4;
    int[] old = filters ? new int[] {shape[2], shape[3], shape[1], shape[0]} : shape;
    if (!filters || Arrays.equals(saved.shape(), shape) || !Arrays.equals(saved.shape(), old)) {
      saved.copyTo(dst, 0);
      return;
    }
    // [kh, kw, C, K] -> [K, C, kh, kw]
    int maps = shape[0];
    int channels = shape[1];
    int kh = shape[2];
    int kw = shape[3];
    for (int a = 0; a < kh; a++) {
      for (int b = 0; b < kw; b++) {
        for (int c = 0; c < channels; c++) {
          for (int k = 0; k < maps; k++) {
            dst[((k * channels + c) * kh + a) * kw + b] =
                saved.get(((a * kw + b) * channels + c) * maps + k);
          }
        }
      }
    }
  }

  /** The provenance object of a model, or an empty one when it is not a JSON object. */
  public static ObjectNode provenance(EncoderModel model) {
    try {
      JsonNode n = JSON.readTree(model.training());
      return n instanceof ObjectNode o ? o : JSON.createObjectNode();
    } catch (java.io.IOException e) {
      return JSON.createObjectNode();
    }
  }

  /**
   * An output threshold and the fraction of pooled values it lets through.
   *
   * @param value the threshold; a value is kept when strictly greater
   * @param density the fraction of the sample's pooled values above it: what the served code's
   *     density is on that sample, since the rule has no top-k
   */
  public record Threshold(float value, double density) {}

  /**
   * The trained model with the output threshold that lets about {@code density} of its values
   * through, and {@code outputRule}: {@code export} builds it once with threshold 0 to measure on
   * {@code frames} (chosen from that model, whose output shape they may depend on), then again with
   * the {@link #thresholdForDensity} threshold, which goes into {@code provenance} as {@code
   * threshold} with the {@code thresholdRule} that chose it and the {@code outputRule}, before the
   * second build. The threshold is placed the same way for either rule, and without {@code
   * minActive}, the floor the model gets (empty for none; recorded in {@code provenance} when set).
   *
   * @param values what the quantile is of, as the rule should name it (e.g. "pooled values")
   * @throws IllegalStateException if the model cannot encode the frames it was trained on
   */
  public static AtDensity atDensity(
      Function<OutputSpec, EncoderModel> export,
      Function<EncoderModel, FrameSet> frames,
      double density,
      OutputRule outputRule,
      OptionalInt minActive,
      String values,
      ObjectNode provenance) {
    EncoderModel unthresholded = export.apply(OutputSpec.threshold(0f));
    FrameSet sample = frames.apply(unthresholded);
    Threshold chosen;
    try {
      chosen = thresholdForDensity(unthresholded, sample, density);
    } catch (FrameDecodeException e) {
      throw new IllegalStateException("the trained model cannot encode its own frames", e);
    }
    String rule =
        "the "
            + (1 - density)
            + " quantile of "
            + values
            + " over "
            + sample.count()
            + " training frames, so about "
            + density
            + " of outputs pass";
    provenance.put("threshold", chosen.value());
    provenance.put("thresholdRule", rule);
    provenance.put("outputRule", outputRule.wireName());
    minActive.ifPresent(k -> provenance.put("minActive", k));
    return new AtDensity(
        export.apply(new OutputSpec(chosen.value(), OptionalInt.empty(), outputRule, minActive)),
        chosen,
        rule);
  }

  /**
   * What {@link #atDensity} built and chose.
   *
   * @param model the model with the chosen threshold
   * @param threshold the threshold and the density it gives on the sample
   * @param rule how it was chosen, as recorded in the provenance
   */
  public record AtDensity(EncoderModel model, Threshold threshold, String rule) {}

  /**
   * The output threshold that lets through {@code density} of the pooled values of {@code frames}
   * under {@code model}, computed with the extractor's own encoder: the (1 − density) quantile of
   * all pooled values. Fewer pass when more than 1 − density of them are equal (exact zeros, say);
   * the result says how many.
   */
  public static Threshold thresholdForDensity(EncoderModel model, FrameSet frames, double density)
      throws FrameDecodeException {
    int size = 1;
    for (int d : model.outputShape()) {
      size *= d;
    }
    float[] all = new float[frames.count() * size];
    try (Encoder encoder = new Encoder(model)) {
      for (int i = 0; i < frames.count(); i++) {
        System.arraycopy(encoder.encodeDense(frames.frame(i)), 0, all, i * size, size);
      }
    }
    Arrays.sort(all);
    int keep = (int) Math.round(density * all.length);
    int at = Math.max(0, Math.min(all.length - 1, all.length - keep - 1));
    float threshold = keep >= all.length ? Math.nextDown(all[0]) : all[at];
    long above = 0;
    for (float v : all) {
      if (v > threshold) {
        above++;
      }
    }
    return new Threshold(threshold, above / (double) all.length);
  }

  /**
   * An array as a file tensor of the same shape, row-major.
   *
   * @param a any numeric array of at most 2³¹ − 1 elements
   * @return a float32 copy
   */
  public static FloatTensor tensor(INDArray a) {
    long[] s = a.shape();
    int[] shape = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      shape[i] = (int) s[i];
    }
    return FloatTensor.of(shape, a.dup('c').data().asFloat());
  }

  /**
   * A file tensor as a new float32 array of the same shape, row-major.
   *
   * @param t the tensor
   * @return a new array the caller owns
   */
  public static INDArray array(FloatTensor t) {
    long[] shape = new long[t.rank()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = t.dim(i);
    }
    return Nd4j.create(t.toArray(), shape, 'c');
  }
}
