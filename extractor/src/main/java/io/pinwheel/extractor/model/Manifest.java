package io.pinwheel.extractor.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The {@code manifest.json} of an encoder file: model to JSON and back.
 *
 * <p>Reading is strict inside {@code input}, {@code layers} and {@code output} (an unknown key
 * there could change what the encoder computes, so it is refused) and lenient at the top level
 * (unknown top-level keys are ignored, so additive metadata does not break old readers).
 */
final class Manifest {
  static final String NAME = "manifest.json";
  static final String FORMAT = "pinwheel-encoder";
  static final int FORMAT_VERSION = 1;
  static final String TRAINING_DIR = "training/";

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern TRAINING_FILE =
      Pattern.compile("training/([A-Za-z0-9._-]{1,128})\\.npy");

  /** Duplicate keys and trailing garbage are refused: two readers must not see different values. */
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** Pretty, with "\n" line ends whatever the platform, so the bytes are reproducible. */
  private static final ObjectWriter WRITER =
      JSON.writer(
          new DefaultPrettyPrinter()
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private Manifest() {}

  // ---------------------------------------------------------------- writing

  /**
   * The tensor files of {@code model} in the order they are written: layer by layer, then the
   * training tensors sorted by name.
   */
  static LinkedHashMap<String, byte[]> tensorFiles(EncoderModel model) {
    LinkedHashMap<String, byte[]> out = new LinkedHashMap<>();
    List<Layer> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      if (layer instanceof ConvLayer conv) {
        out.put(layerFile(i, "weights"), Npy.toBytes(conv.weights()));
        out.put(layerFile(i, "bias"), Npy.toBytes(conv.bias()));
        out.put(layerFile(i, "gain"), Npy.toBytes(conv.gain()));
      } else if (layer instanceof L2PoolLayer pool) {
        out.put(layerFile(i, "groups"), Npy.toBytes(pool.groups()));
        out.put(layerFile(i, "weights"), Npy.toBytes(pool.weights()));
      } else if (layer instanceof RecurrentLayer rec) {
        out.put(layerFile(i, "encoder"), Npy.toBytes(rec.encoder()));
        out.put(layerFile(i, "lateral"), Npy.toBytes(rec.lateral()));
        out.put(layerFile(i, "bias"), Npy.toBytes(rec.bias()));
      } else if (layer instanceof LinearLayer head) {
        out.put(layerFile(i, "weights"), Npy.toBytes(head.weights()));
        out.put(layerFile(i, "bias"), Npy.toBytes(head.bias()));
      }
    }
    for (Map.Entry<String, FloatTensor> e : model.sortedTrainingTensors().entrySet()) {
      out.put(TRAINING_DIR + e.getKey() + ".npy", Npy.toBytes(e.getValue()));
    }
    return out;
  }

  /**
   * Writes {@code value} so that reading the decimal as a float64 and rounding that to float32
   * gives {@code value} back, as Jackson and Python's json module read it. Float.toString alone is
   * not enough: for some floats (7.038531E-26 is one) its decimal lies so close to the midpoint of
   * two floats that the float64 in between rounds to the other one. Those few are written as the
   * float64 repr of the float32, which is exact.
   */
  static void putFloat(ObjectNode node, String key, float value) {
    float viaDouble = (float) Double.parseDouble(Float.toString(value));
    if (Float.floatToRawIntBits(viaDouble) == Float.floatToRawIntBits(value)) {
      node.put(key, value);
    } else {
      node.put(key, (double) value);
    }
  }

  private static String layerFile(int index, String tensor) {
    return "layers/" + index + "/" + tensor + ".npy";
  }

  /**
   * The manifest bytes for {@code model} whose tensor files have the given checksums.
   *
   * @throws IllegalArgumentException if {@code model.training()} is not the text of a JSON object
   */
  static byte[] toJson(EncoderModel model, Map<String, String> checksums) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("formatVersion", FORMAT_VERSION);
    root.put("name", model.name());
    root.put("version", model.version());
    root.put("createdAt", model.createdAt().toString());

    ObjectNode input = root.putObject("input");
    input.put("height", model.input().height());
    input.put("width", model.input().width());
    input.put("channels", model.input().channels());
    ObjectNode normalize = input.putObject("normalize");
    Normalization n = model.input().normalize();
    normalize.put("type", n.type());
    if (n instanceof Normalization.Standardize s) {
      putFloat(normalize, "mean", s.mean());
      putFloat(normalize, "std", s.std());
    } else if (n instanceof Normalization.Lcn lcn) {
      normalize.put("sigma", lcn.sigma());
    }

    ArrayNode layers = root.putArray("layers");
    for (int i = 0; i < model.layers().size(); i++) {
      Layer layer = model.layers().get(i);
      ObjectNode l = layers.addObject();
      l.put("type", layer.type());
      if (layer instanceof ConvLayer) {
        l.put("weights", layerFile(i, "weights"));
        l.put("bias", layerFile(i, "bias"));
        l.put("gain", layerFile(i, "gain"));
        l.put("stride", 1);
        l.put("padding", "valid");
      } else if (layer instanceof L2PoolLayer pool) {
        l.put("groups", layerFile(i, "groups"));
        l.put("weights", layerFile(i, "weights"));
        l.put("window", pool.window());
        l.put("stride", pool.stride());
      } else if (layer instanceof RecurrentLayer rec) {
        l.put("encoder", layerFile(i, "encoder"));
        l.put("lateral", layerFile(i, "lateral"));
        l.put("bias", layerFile(i, "bias"));
        l.put("steps", rec.steps());
      } else if (layer instanceof LinearLayer head) {
        l.put("weights", layerFile(i, "weights"));
        l.put("bias", layerFile(i, "bias"));
        ArrayNode labels = l.putArray("labels");
        head.labels().forEach(labels::add);
      }
    }

    ObjectNode output = root.putObject("output");
    putFloat(output, "threshold", model.output().threshold());
    if (model.output().topK().isPresent()) {
      output.put("topK", model.output().topK().getAsInt());
    } else {
      output.putNull("topK");
    }

    JsonNode training;
    try {
      training = JSON.readTree(model.training());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "training must be the text of a JSON object: " + e.getOriginalMessage(), e);
    }
    if (training == null || !training.isObject()) {
      throw new IllegalArgumentException("training must be the text of a JSON object");
    }
    root.set("training", training);

    ObjectNode files = root.putObject("files");
    checksums.forEach(files::put);

    try {
      byte[] json = WRITER.writeValueAsBytes(root);
      byte[] out = Arrays.copyOf(json, json.length + 1);
      out[json.length] = '\n';
      return out;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e);
    }
  }

  // ---------------------------------------------------------------- reading

  /** Where {@link Reader} gets the tensors a manifest points to; it verifies and decodes them. */
  interface TensorSource {
    /** The float32 tensor in {@code path}; {@code field} names the manifest field in errors. */
    FloatTensor floats(String field, String path) throws InvalidModelException;

    /** The int32 tensor in {@code path}; {@code field} names the manifest field in errors. */
    IntTensor ints(String field, String path) throws InvalidModelException;
  }

  /** Parses one manifest; every error message starts with the source name. */
  static final class Reader {
    private final String source;
    private final ObjectNode root;

    private Reader(String source, ObjectNode root) {
      this.source = source;
      this.root = root;
    }

    /**
     * Parses {@code bytes} and checks {@code format} and {@code formatVersion} before anything
     * else, so a file from a newer pinwheel gets "needs a newer pinwheel" rather than a confusing
     * error.
     */
    static Reader parse(String source, byte[] bytes) throws InvalidModelException {
      JsonNode node;
      try {
        node = JSON.readTree(bytes);
      } catch (IOException e) {
        String why =
            e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        throw new InvalidModelException(
            source + ": " + NAME + " is not valid JSON: " + why.replace('\n', ' '), e);
      }
      if (node == null || !node.isObject()) {
        throw new InvalidModelException(source + ": " + NAME + " must hold a JSON object");
      }
      Reader r = new Reader(source, (ObjectNode) node);
      r.checkFormat();
      return r;
    }

    private void checkFormat() throws InvalidModelException {
      JsonNode format = root.get("format");
      if (format == null || !format.isTextual() || !format.textValue().equals(FORMAT)) {
        throw fail(
            "not a pinwheel encoder file (manifest format is "
                + (format == null ? "missing" : format.toString())
                + ", expected \""
                + FORMAT
                + "\")");
      }
      JsonNode version = root.get("formatVersion");
      if (version == null || !version.isIntegralNumber()) {
        throw fail("formatVersion must be an integer, got " + version);
      }
      if (!version.canConvertToInt() || version.intValue() > FORMAT_VERSION) {
        throw fail(
            "formatVersion "
                + version
                + " needs a newer pinwheel (this one reads formatVersion "
                + FORMAT_VERSION
                + ")");
      }
      if (version.intValue() < 1) {
        throw fail("formatVersion must be >= 1, got " + version);
      }
    }

    /**
     * The {@code "files"} object: path in the archive to lowercase SHA-256 hex, in manifest order.
     */
    LinkedHashMap<String, String> files() throws InvalidModelException {
      ObjectNode files = object(root, "files", "files");
      LinkedHashMap<String, String> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : files.properties()) {
        String path = e.getKey();
        if (path.equals(NAME)) {
          throw fail("files must not list " + NAME + " itself");
        }
        String why = EntryNames.unsafe(path);
        if (why != null) {
          throw fail("files lists \"" + path + "\", " + why);
        }
        JsonNode sum = e.getValue();
        if (!sum.isTextual() || !SHA256.matcher(sum.textValue()).matches()) {
          throw fail(
              "files[\"" + path + "\"] must be a SHA-256 as 64 lowercase hex digits, got " + sum);
        }
        out.put(path, sum.textValue());
      }
      return out;
    }

    /**
     * The model, with tensors fetched from {@code tensors}. Training tensors are the listed files
     * named {@code training/<name>.npy}.
     */
    EncoderModel toModel(TensorSource tensors, Set<String> listedFiles)
        throws InvalidModelException {
      String name = text(root, "name", "name");
      int version = integer(root, "version", "version");
      String createdText = text(root, "createdAt", "createdAt");
      Instant createdAt;
      try {
        createdAt = Instant.parse(createdText);
      } catch (DateTimeParseException e) {
        throw fail(
            "createdAt must be an ISO-8601 instant such as 2024-05-01T12:00:00Z, got \""
                + createdText
                + "\"");
      }
      InputSpec input = input(object(root, "input", "input"));
      List<Layer> layers = layers(tensors);
      OutputSpec output = output(object(root, "output", "output"));
      ObjectNode training = object(root, "training", "training");
      String trainingText;
      try {
        trainingText = JSON.writeValueAsString(training);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot serialize a JSON tree", e);
      }
      Map<String, FloatTensor> trainingTensors = new TreeMap<>();
      for (String path : listedFiles) {
        if (path.startsWith(TRAINING_DIR)) {
          var m = TRAINING_FILE.matcher(path);
          if (!m.matches()) {
            throw fail(
                "files lists \""
                    + path
                    + "\"; files under training/ must be named training/<name>.npy with <name>"
                    + " 1-128 letters, digits, '.', '_' or '-'");
          }
          trainingTensors.put(m.group(1), tensors.floats("training tensor " + m.group(1), path));
        }
      }
      try {
        return new EncoderModel(
            name, version, createdAt, input, layers, output, trainingText, trainingTensors);
      } catch (IllegalArgumentException e) {
        throw fail(e.getMessage(), e);
      }
    }

    private InputSpec input(ObjectNode in) throws InvalidModelException {
      onlyKeys(in, "input", Set.of("height", "width", "channels", "normalize"));
      int height = integer(in, "height", "input.height");
      int width = integer(in, "width", "input.width");
      int channels = integer(in, "channels", "input.channels");
      ObjectNode n = object(in, "normalize", "input.normalize");
      String type = text(n, "type", "input.normalize.type");
      try {
        Normalization normalize;
        switch (type) {
          case "none" -> {
            onlyKeys(n, "input.normalize", Set.of("type"));
            normalize = new Normalization.None();
          }
          case "standardize" -> {
            onlyKeys(n, "input.normalize", Set.of("type", "mean", "std"));
            normalize =
                new Normalization.Standardize(
                    (float) number(n, "mean", "input.normalize.mean"),
                    (float) number(n, "std", "input.normalize.std"));
          }
          case "lcn" -> {
            onlyKeys(n, "input.normalize", Set.of("type", "sigma"));
            normalize = new Normalization.Lcn(number(n, "sigma", "input.normalize.sigma"));
          }
          default ->
              throw fail(
                  "input.normalize.type \""
                      + type
                      + "\" is not one this pinwheel knows (none, standardize, lcn); it may need"
                      + " a newer pinwheel");
        }
        return new InputSpec(height, width, channels, normalize);
      } catch (IllegalArgumentException e) {
        throw fail(e.getMessage(), e);
      }
    }

    private List<Layer> layers(TensorSource tensors) throws InvalidModelException {
      JsonNode node = root.get("layers");
      if (node == null || !node.isArray()) {
        throw fail("layers must be an array of layer objects");
      }
      List<Layer> out = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        String label = "layers[" + i + "]";
        JsonNode l = node.get(i);
        if (!l.isObject()) {
          throw fail(label + " must be an object");
        }
        ObjectNode layer = (ObjectNode) l;
        String type = text(layer, "type", label + ".type");
        switch (type) {
          case "conv" -> out.add(conv(layer, label, tensors));
          case "l2pool" -> out.add(l2pool(layer, label, tensors));
          case "recurrent" -> out.add(recurrent(layer, label, tensors));
          case "linear" -> out.add(linear(layer, label, tensors));
          default ->
              throw fail(
                  label
                      + ".type \""
                      + type
                      + "\" is not a layer type this pinwheel knows (conv, l2pool, recurrent,"
                      + " linear); it may need a newer pinwheel");
        }
      }
      return out;
    }

    private ConvLayer conv(ObjectNode layer, String label, TensorSource tensors)
        throws InvalidModelException {
      onlyKeys(layer, label, Set.of("type", "weights", "bias", "gain", "stride", "padding"));
      int stride = integer(layer, "stride", label + ".stride");
      if (stride != 1) {
        throw fail(
            label + ".stride is " + stride + "; formatVersion 1 supports only stride 1 for conv");
      }
      String padding = text(layer, "padding", label + ".padding");
      if (!padding.equals("valid")) {
        throw fail(
            label
                + ".padding is \""
                + padding
                + "\"; formatVersion 1 supports only \"valid\" padding for conv");
      }
      FloatTensor weights = tensors.floats(label + ".weights", file(layer, "weights", label));
      FloatTensor bias = tensors.floats(label + ".bias", file(layer, "bias", label));
      FloatTensor gain = tensors.floats(label + ".gain", file(layer, "gain", label));
      try {
        return new ConvLayer(weights, bias, gain);
      } catch (IllegalArgumentException e) {
        throw fail(label + ": " + e.getMessage(), e);
      }
    }

    private L2PoolLayer l2pool(ObjectNode layer, String label, TensorSource tensors)
        throws InvalidModelException {
      onlyKeys(layer, label, Set.of("type", "groups", "weights", "window", "stride"));
      int window = integer(layer, "window", label + ".window");
      int stride = integer(layer, "stride", label + ".stride");
      IntTensor groups = tensors.ints(label + ".groups", file(layer, "groups", label));
      FloatTensor weights =
          layer.has("weights")
              ? tensors.floats(label + ".weights", file(layer, "weights", label))
              : null;
      try {
        return weights == null
            ? L2PoolLayer.unweighted(groups, window, stride)
            : new L2PoolLayer(groups, weights, window, stride);
      } catch (IllegalArgumentException e) {
        throw fail(label + ": " + e.getMessage(), e);
      }
    }

    private RecurrentLayer recurrent(ObjectNode layer, String label, TensorSource tensors)
        throws InvalidModelException {
      onlyKeys(layer, label, Set.of("type", "encoder", "lateral", "bias", "steps"));
      int steps = integer(layer, "steps", label + ".steps");
      FloatTensor encoder = tensors.floats(label + ".encoder", file(layer, "encoder", label));
      FloatTensor lateral = tensors.floats(label + ".lateral", file(layer, "lateral", label));
      FloatTensor bias = tensors.floats(label + ".bias", file(layer, "bias", label));
      try {
        return new RecurrentLayer(encoder, lateral, bias, steps);
      } catch (IllegalArgumentException e) {
        throw fail(label + ": " + e.getMessage(), e);
      }
    }

    private LinearLayer linear(ObjectNode layer, String label, TensorSource tensors)
        throws InvalidModelException {
      onlyKeys(layer, label, Set.of("type", "weights", "bias", "labels"));
      List<String> labels = strings(layer, "labels", label + ".labels");
      FloatTensor weights = tensors.floats(label + ".weights", file(layer, "weights", label));
      FloatTensor bias = tensors.floats(label + ".bias", file(layer, "bias", label));
      try {
        return new LinearLayer(weights, bias, labels);
      } catch (IllegalArgumentException e) {
        throw fail(label + ": " + e.getMessage(), e);
      }
    }

    /** A layer's tensor path; layers may not point into training/, which holds other tensors. */
    private String file(ObjectNode layer, String key, String label) throws InvalidModelException {
      String path = text(layer, key, label + "." + key);
      if (path.startsWith(TRAINING_DIR)) {
        throw fail(label + "." + key + " (" + path + "): layer tensors may not be under training/");
      }
      return path;
    }

    private OutputSpec output(ObjectNode out) throws InvalidModelException {
      onlyKeys(out, "output", Set.of("threshold", "topK"));
      float threshold = (float) number(out, "threshold", "output.threshold");
      JsonNode k = out.get("topK");
      if (k == null) {
        throw fail("output.topK is missing (use null for no limit)");
      }
      OptionalInt topK;
      if (k.isNull()) {
        topK = OptionalInt.empty();
      } else {
        topK = OptionalInt.of(integer(out, "topK", "output.topK"));
      }
      try {
        return new OutputSpec(threshold, topK);
      } catch (IllegalArgumentException e) {
        throw fail(e.getMessage(), e);
      }
    }

    // ------------------------------------------------------------ field helpers

    private void onlyKeys(ObjectNode obj, String label, Set<String> allowed)
        throws InvalidModelException {
      for (Map.Entry<String, JsonNode> e : obj.properties()) {
        String key = e.getKey();
        if (!allowed.contains(key)) {
          throw fail(
              label
                  + " has an unknown key \""
                  + key
                  + "\" (it could change what the encoder computes; it may need a newer"
                  + " pinwheel)");
        }
      }
    }

    private JsonNode required(ObjectNode obj, String key, String label)
        throws InvalidModelException {
      JsonNode v = obj.get(key);
      if (v == null) {
        throw fail(label + " is missing");
      }
      return v;
    }

    private ObjectNode object(ObjectNode obj, String key, String label)
        throws InvalidModelException {
      JsonNode v = required(obj, key, label);
      if (!v.isObject()) {
        throw fail(label + " must be a JSON object, got " + abbreviate(v));
      }
      return (ObjectNode) v;
    }

    private String text(ObjectNode obj, String key, String label) throws InvalidModelException {
      JsonNode v = required(obj, key, label);
      if (!v.isTextual()) {
        throw fail(label + " must be a string, got " + abbreviate(v));
      }
      return v.textValue();
    }

    private List<String> strings(ObjectNode obj, String key, String label)
        throws InvalidModelException {
      JsonNode v = required(obj, key, label);
      if (!v.isArray()) {
        throw fail(label + " must be an array of strings, got " + abbreviate(v));
      }
      List<String> out = new ArrayList<>(v.size());
      for (int i = 0; i < v.size(); i++) {
        if (!v.get(i).isTextual()) {
          throw fail(label + "[" + i + "] must be a string, got " + abbreviate(v.get(i)));
        }
        out.add(v.get(i).textValue());
      }
      return out;
    }

    private int integer(ObjectNode obj, String key, String label) throws InvalidModelException {
      JsonNode v = required(obj, key, label);
      if (!v.isIntegralNumber()) {
        throw fail(label + " must be an integer, got " + abbreviate(v));
      }
      if (!v.canConvertToInt()) {
        throw fail(label + " is out of range, got " + abbreviate(v));
      }
      return v.intValue();
    }

    /** A number as a double; float fields round it to float32, which is exact (see putFloat). */
    private double number(ObjectNode obj, String key, String label) throws InvalidModelException {
      JsonNode v = required(obj, key, label);
      if (!v.isNumber()) {
        throw fail(label + " must be a number, got " + abbreviate(v));
      }
      return v.doubleValue();
    }

    private static String abbreviate(JsonNode v) {
      String s = v.toString();
      return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private InvalidModelException fail(String message) {
      return new InvalidModelException(source + ": " + message);
    }

    private InvalidModelException fail(String message, Throwable cause) {
      return new InvalidModelException(source + ": " + message, cause);
    }
  }

  /** Paths allowed in an encoder archive. */
  static final class EntryNames {
    private EntryNames() {}

    /**
     * Why {@code path} may not be used, or null when it is safe: relative, '/'-separated, no empty,
     * "." or ".." segment, no backslash, colon or control character, at most 256 characters.
     */
    static String unsafe(String path) {
      if (path.isEmpty() || path.length() > 256) {
        return "a path must have 1-256 characters";
      }
      if (path.startsWith("/")) {
        return "an absolute path";
      }
      for (int i = 0; i < path.length(); i++) {
        char c = path.charAt(i);
        if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') {
          return "a path with a backslash, colon or control character";
        }
      }
      for (String segment : path.split("/", -1)) {
        if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
          return "a path with an empty, '.' or '..' segment";
        }
      }
      return null;
    }
  }
}
