package io.pinwheel.extractor.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How one {@link Layer} type goes into an encoder file and comes back: its tensors, its manifest
 * fields, and the checks on reading them. {@link #ALL} has one codec per layer type; {@link #of}
 * refuses a layer without one, so a new layer type cannot be written without its tensors, and a
 * test checks that every type {@link Layer} permits has a codec.
 *
 * @param <L> the layer type
 */
abstract class LayerCodec<L extends Layer> {
  /** One codec per layer type, in the order the manifest's error messages list them. */
  static final List<LayerCodec<?>> ALL =
      List.of(new Conv(), new L2Pool(), new Recurrent(), new Linear());

  private final Class<L> layerClass;
  private final String type;

  private LayerCodec(Class<L> layerClass, String type) {
    this.layerClass = layerClass;
    this.type = type;
  }

  /** The layer class this codec writes and reads. */
  final Class<L> layerClass() {
    return layerClass;
  }

  /** The manifest's {@code "type"} of the layer. */
  final String type() {
    return type;
  }

  /**
   * The codec of {@code layer}.
   *
   * @throws IllegalStateException if its type has none, which is a bug of this package
   */
  static LayerCodec<?> of(Layer layer) {
    for (LayerCodec<?> c : ALL) {
      if (c.layerClass.isInstance(layer)) {
        return c;
      }
    }
    throw new IllegalStateException(
        "no codec for layer type " + layer.getClass().getName() + ": add one to LayerCodec.ALL");
  }

  /** The codec of a manifest's layer type, or null when this pinwheel knows no such type. */
  static LayerCodec<?> ofType(String type) {
    for (LayerCodec<?> c : ALL) {
      if (c.type.equals(type)) {
        return c;
      }
    }
    return null;
  }

  /** The known types for messages: {@code conv, l2pool, recurrent, linear}. */
  static String knownTypes() {
    return ALL.stream().map(LayerCodec::type).collect(Collectors.joining(", "));
  }

  /** The layer's tensor files, tensor name to {@code .npy} bytes, in manifest order. */
  final LinkedHashMap<String, byte[]> tensorFiles(Layer layer) {
    LinkedHashMap<String, Object> tensors = new LinkedHashMap<>();
    tensors(layerClass.cast(layer), tensors);
    LinkedHashMap<String, byte[]> out = new LinkedHashMap<>();
    tensors.forEach(
        (name, t) ->
            out.put(
                name, t instanceof IntTensor i ? Npy.toBytes(i) : Npy.toBytes((FloatTensor) t)));
    return out;
  }

  /**
   * Writes the layer's manifest object after its {@code "type"}: each tensor's path, as {@code
   * file} names it, then the layer's parameters.
   */
  final void describe(Layer layer, ObjectNode node, Function<String, String> file) {
    L l = layerClass.cast(layer);
    LinkedHashMap<String, Object> tensors = new LinkedHashMap<>();
    tensors(l, tensors);
    tensors.keySet().forEach(name -> node.put(name, file.apply(name)));
    parameters(l, node);
  }

  /**
   * Adds the layer's tensors, each a {@link FloatTensor} or {@link IntTensor}, in manifest order.
   */
  abstract void tensors(L layer, LinkedHashMap<String, Object> out);

  /** Writes the layer's fields other than its tensors. */
  abstract void parameters(L layer, ObjectNode node);

  /**
   * Reads one layer's manifest object (its type already read), fetching its tensors.
   *
   * @param layer the object
   * @param label how messages name it, {@code layers[2]}
   * @throws InvalidModelException naming the field at fault
   */
  abstract L read(
      ObjectNode layer, String label, ManifestFields fields, Manifest.TensorSource tensors)
      throws InvalidModelException;

  private static final class Conv extends LayerCodec<ConvLayer> {
    Conv() {
      super(ConvLayer.class, "conv");
    }

    @Override
    void tensors(ConvLayer conv, LinkedHashMap<String, Object> out) {
      out.put("weights", conv.weights());
      out.put("bias", conv.bias());
      out.put("gain", conv.gain());
    }

    @Override
    void parameters(ConvLayer conv, ObjectNode node) {
      node.put("stride", 1);
      node.put("padding", "valid");
    }

    @Override
    ConvLayer read(ObjectNode layer, String label, ManifestFields f, Manifest.TensorSource tensors)
        throws InvalidModelException {
      f.onlyKeys(layer, label, Set.of("type", "weights", "bias", "gain", "stride", "padding"));
      int stride = f.integer(layer, "stride", label + ".stride");
      if (stride != 1) {
        throw f.fail(
            label + ".stride is " + stride + "; formatVersion 1 supports only stride 1 for conv");
      }
      String padding = f.text(layer, "padding", label + ".padding");
      if (!padding.equals("valid")) {
        throw f.fail(
            label
                + ".padding is \""
                + padding
                + "\"; formatVersion 1 supports only \"valid\" padding for conv");
      }
      FloatTensor weights =
          tensors.floats(label + ".weights", f.layerFile(layer, "weights", label));
      FloatTensor bias = tensors.floats(label + ".bias", f.layerFile(layer, "bias", label));
      FloatTensor gain = tensors.floats(label + ".gain", f.layerFile(layer, "gain", label));
      return f.built(label, () -> new ConvLayer(weights, bias, gain));
    }
  }

  private static final class L2Pool extends LayerCodec<L2PoolLayer> {
    L2Pool() {
      super(L2PoolLayer.class, "l2pool");
    }

    @Override
    void tensors(L2PoolLayer pool, LinkedHashMap<String, Object> out) {
      out.put("groups", pool.groups());
      out.put("weights", pool.weights());
    }

    @Override
    void parameters(L2PoolLayer pool, ObjectNode node) {
      node.put("window", pool.window());
      node.put("stride", pool.stride());
    }

    @Override
    L2PoolLayer read(
        ObjectNode layer, String label, ManifestFields f, Manifest.TensorSource tensors)
        throws InvalidModelException {
      f.onlyKeys(layer, label, Set.of("type", "groups", "weights", "window", "stride"));
      int window = f.integer(layer, "window", label + ".window");
      int stride = f.integer(layer, "stride", label + ".stride");
      IntTensor groups = tensors.ints(label + ".groups", f.layerFile(layer, "groups", label));
      FloatTensor weights =
          layer.has("weights")
              ? tensors.floats(label + ".weights", f.layerFile(layer, "weights", label))
              : null;
      return f.built(
          label,
          () ->
              weights == null
                  ? L2PoolLayer.unweighted(groups, window, stride)
                  : new L2PoolLayer(groups, weights, window, stride));
    }
  }

  private static final class Recurrent extends LayerCodec<RecurrentLayer> {
    Recurrent() {
      super(RecurrentLayer.class, "recurrent");
    }

    @Override
    void tensors(RecurrentLayer rec, LinkedHashMap<String, Object> out) {
      out.put("encoder", rec.encoder());
      out.put("lateral", rec.lateral());
      out.put("bias", rec.bias());
    }

    @Override
    void parameters(RecurrentLayer rec, ObjectNode node) {
      node.put("steps", rec.steps());
    }

    @Override
    RecurrentLayer read(
        ObjectNode layer, String label, ManifestFields f, Manifest.TensorSource tensors)
        throws InvalidModelException {
      f.onlyKeys(layer, label, Set.of("type", "encoder", "lateral", "bias", "steps"));
      int steps = f.integer(layer, "steps", label + ".steps");
      FloatTensor encoder =
          tensors.floats(label + ".encoder", f.layerFile(layer, "encoder", label));
      FloatTensor lateral =
          tensors.floats(label + ".lateral", f.layerFile(layer, "lateral", label));
      FloatTensor bias = tensors.floats(label + ".bias", f.layerFile(layer, "bias", label));
      return f.built(label, () -> new RecurrentLayer(encoder, lateral, bias, steps));
    }
  }

  private static final class Linear extends LayerCodec<LinearLayer> {
    Linear() {
      super(LinearLayer.class, "linear");
    }

    @Override
    void tensors(LinearLayer head, LinkedHashMap<String, Object> out) {
      out.put("weights", head.weights());
      out.put("bias", head.bias());
    }

    @Override
    void parameters(LinearLayer head, ObjectNode node) {
      ArrayNode labels = node.putArray("labels");
      head.labels().forEach(labels::add);
    }

    @Override
    LinearLayer read(
        ObjectNode layer, String label, ManifestFields f, Manifest.TensorSource tensors)
        throws InvalidModelException {
      f.onlyKeys(layer, label, Set.of("type", "weights", "bias", "labels"));
      List<String> labels = f.strings(layer, "labels", label + ".labels");
      FloatTensor weights =
          tensors.floats(label + ".weights", f.layerFile(layer, "weights", label));
      FloatTensor bias = tensors.floats(label + ".bias", f.layerFile(layer, "bias", label));
      return f.built(label, () -> new LinearLayer(weights, bias, labels));
    }
  }
}
