package io.pinwheel.extractor.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An immutable encoder: input specification, layers (conv/l2pool pairs or one recurrent layer,
 * optionally followed by a linear classifier head) and the output rule.
 *
 * <p>The compact constructor checks that the layers fit together, so an {@code EncoderModel} that
 * exists can always be run. Read and write models with {@link EncoderFile}.
 *
 * @param name what the model is called; letters, digits, '.', '_' and '-', at most 128 characters
 * @param version positive, increasing for a given name
 * @param createdAt when the model was written
 * @param input the frame the model reads
 * @param layers alternating {@link ConvLayer} and {@link L2PoolLayer}, starting with a conv, or one
 *     {@link RecurrentLayer}; either optionally followed by one {@link LinearLayer} head
 * @param output how the code (the last pooled map, or the recurrent layer's output) becomes a
 *     sparse code
 * @param training free-form provenance as the text of a JSON object
 * @param trainingTensors extra tensors kept for training (for example the decoder), by name; the
 *     encoder never reads them
 */
public record EncoderModel(
    String name,
    int version,
    Instant createdAt,
    InputSpec input,
    List<Layer> layers,
    OutputSpec output,
    String training,
    Map<String, FloatTensor> trainingTensors) {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Pattern TENSOR_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  /** Validates every field and the layer chain; messages name the offending field. */
  public EncoderModel {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be 1-128 characters of letters, digits, '.', '_' or '-', got \""
              + name
              + "\"");
    }
    if (version < 1) {
      throw new IllegalArgumentException("version must be a positive integer, got " + version);
    }
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(training, "training");
    layers = List.copyOf(layers);
    trainingTensors = Map.copyOf(trainingTensors);
    for (String key : trainingTensors.keySet()) {
      if (!TENSOR_NAME.matcher(key).matches()) {
        throw new IllegalArgumentException(
            "trainingTensors name must be 1-128 characters of letters, digits, '.', '_' or '-', got"
                + " \""
                + key
                + "\"");
      }
    }
    checkChain(input, layers);
  }

  /** A model with no training provenance. */
  public static EncoderModel of(
      String name, int version, InputSpec input, List<Layer> layers, OutputSpec output) {
    return new EncoderModel(name, version, Instant.now(), input, layers, output, "{}", Map.of());
  }

  /**
   * Checks the order of the layers, then that each reads what the one before it writes. Allowed:
   * conv/l2pool pairs, or one recurrent layer; either optionally followed by one linear head.
   */
  private static void checkChain(InputSpec input, List<Layer> layers) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException(
          "layers must hold conv/l2pool pairs or one recurrent layer, got no layers");
    }
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      Layer previous = i == 0 ? null : layers.get(i - 1);
      if (previous instanceof LinearLayer) {
        throw new IllegalArgumentException(
            "layers["
                + (i - 1)
                + "] (linear) must be the last layer, but layers["
                + i
                + "] ("
                + layer.type()
                + ") follows it");
      }
      if (layer instanceof RecurrentLayer && previous != null) {
        throw new IllegalArgumentException(
            "layers["
                + i
                + "] (recurrent) must be the first layer: it reads the frame, not the output of"
                + " layers["
                + (i - 1)
                + "] ("
                + previous.type()
                + ")");
      }
      List<String> allowed = allowedAfter(previous);
      if (!allowed.contains(layer.type())) {
        throw new IllegalArgumentException(
            "layers["
                + i
                + "] must be "
                + String.join(" or ", allowed)
                + (previous == null
                    ? ""
                    : " after layers[" + (i - 1) + "] (" + previous.type() + ")")
                + ", got "
                + layer.type());
      }
    }
    int last = layers.size() - 1;
    if (layers.get(last) instanceof ConvLayer) {
      throw new IllegalArgumentException(
          "layers[" + last + "] (conv) must be followed by an l2pool layer");
    }
    int[] shape = {input.channels(), input.height(), input.width()};
    for (int i = 0; i < layers.size(); i++) {
      try {
        shape = layers.get(i).outputShape(shape);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("layers[" + i + "]: " + e.getMessage(), e);
      }
    }
  }

  /** The types of layer that may follow {@code previous}, or come first when it is null. */
  private static List<String> allowedAfter(Layer previous) {
    if (previous == null) {
      return List.of("conv", "recurrent");
    } else if (previous instanceof ConvLayer) {
      return List.of("l2pool");
    } else if (previous instanceof L2PoolLayer) {
      return List.of("conv", "linear");
    } else {
      return List.of("linear");
    }
  }

  /** The linear classifier head, when the model has one: always the last layer. */
  public Optional<LinearLayer> head() {
    return layers.get(layers.size() - 1) instanceof LinearLayer head
        ? Optional.of(head)
        : Optional.empty();
  }

  /** The layers that compute the code: every layer but the {@link #head()}. */
  public List<Layer> codeLayers() {
    return head().isPresent() ? layers.subList(0, layers.size() - 1) : layers;
  }

  /** The shape [C, H, W] of every layer's output, in order; a head's is [N, 1, 1]. */
  public List<int[]> layerShapes() {
    List<int[]> shapes = new ArrayList<>(layers.size());
    int[] shape = {input.channels(), input.height(), input.width()};
    for (Layer layer : layers) {
      shape = layer.outputShape(shape);
      shapes.add(shape);
    }
    return shapes;
  }

  /**
   * The shape of the code, the space sparse-code indices point into: [G, H', W'] of the last pooled
   * map, or [K, 1, 1] of a recurrent layer. A {@link #head()} does not change it.
   */
  public int[] outputShape() {
    return layerShapes().get(codeLayers().size() - 1);
  }

  /** The training tensors sorted by name, for deterministic output. */
  public Map<String, FloatTensor> sortedTrainingTensors() {
    return new TreeMap<>(trainingTensors);
  }

  /** A copy of this model with another name and version, for example when retraining. */
  public EncoderModel withVersion(String newName, int newVersion) {
    return new EncoderModel(
        newName, newVersion, createdAt, input, layers, output, training, trainingTensors);
  }

  @Override
  public String toString() {
    return "EncoderModel["
        + name
        + " v"
        + version
        + ", input "
        + input.height()
        + "x"
        + input.width()
        + "x"
        + input.channels()
        + ", "
        + describeLayers()
        + ", output "
        + Arrays.toString(outputShape())
        + head().map(h -> ", head of " + h.classes() + " labels").orElse("")
        + "]";
  }

  private String describeLayers() {
    return layers.get(0) instanceof RecurrentLayer r
        ? "recurrent " + r.units() + " units x " + r.steps() + " steps"
        : codeLayers().size() / 2 + " stage(s)";
  }
}
