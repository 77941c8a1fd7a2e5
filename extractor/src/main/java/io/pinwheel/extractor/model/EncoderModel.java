package io.pinwheel.extractor.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * An immutable encoder: input specification, conv/l2pool layer pairs and the output rule.
 *
 * <p>The compact constructor checks that the layers fit together, so an {@code EncoderModel} that
 * exists can always be run. Read and write models with {@link EncoderFile}.
 *
 * @param name what the model is called; letters, digits, '.', '_' and '-', at most 128 characters
 * @param version positive, increasing for a given name
 * @param createdAt when the model was written
 * @param input the frame the model reads
 * @param layers alternating {@link ConvLayer} and {@link L2PoolLayer}, starting with a conv
 * @param output how the last pooled map becomes a sparse code
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

  private static void checkChain(InputSpec input, List<Layer> layers) {
    if (layers.isEmpty() || layers.size() % 2 != 0) {
      throw new IllegalArgumentException(
          "layers must be conv/l2pool pairs, got " + layers.size() + " layers");
    }
    int[] shape = {input.channels(), input.height(), input.width()};
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      Class<?> expected = i % 2 == 0 ? ConvLayer.class : L2PoolLayer.class;
      if (!expected.isInstance(layer)) {
        throw new IllegalArgumentException(
            "layers["
                + i
                + "] must be "
                + (i % 2 == 0 ? "conv" : "l2pool")
                + ", got "
                + layer.type());
      }
      try {
        shape = layer.outputShape(shape);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("layers[" + i + "]: " + e.getMessage(), e);
      }
    }
  }

  /** The shape [C, H, W] of every layer's output, in order. */
  public List<int[]> layerShapes() {
    List<int[]> shapes = new ArrayList<>(layers.size());
    int[] shape = {input.channels(), input.height(), input.width()};
    for (Layer layer : layers) {
      shape = layer.outputShape(shape);
      shapes.add(shape);
    }
    return shapes;
  }

  /** The shape [G, H', W'] of the last pooled map, the space sparse-code indices point into. */
  public int[] outputShape() {
    List<int[]> shapes = layerShapes();
    return shapes.get(shapes.size() - 1).clone();
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
        + layers.size() / 2
        + " stage(s), output "
        + Arrays.toString(outputShape())
        + "]";
  }
}
