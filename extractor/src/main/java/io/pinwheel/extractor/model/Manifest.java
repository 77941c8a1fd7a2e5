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
 * (unknown top-level keys are ignored, so additive metadata does not break old readers). Each
 * layer's tensors and fields are its {@link LayerCodec}'s.
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
      int index = i;
      LayerCodec.of(layers.get(i))
          .tensorFiles(layers.get(i))
          .forEach((tensor, bytes) -> out.put(layerFile(index, tensor), bytes));
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
      int index = i;
      LayerCodec.of(layer).describe(layer, l, tensor -> layerFile(index, tensor));
    }

    ObjectNode output = root.putObject("output");
    putFloat(output, "threshold", model.output().threshold());
    if (model.output().topK().isPresent()) {
      output.put("topK", model.output().topK().getAsInt());
    } else {
      output.putNull("topK");
    }
    // Written only for a rule other than keep, so keep files stay what they were before rules.
    if (model.output().rule() != OutputRule.KEEP) {
      output.put("rule", model.output().rule().wireName());
    }
    // Written only when set, so files without a floor stay what they were before it.
    model.output().minActive().ifPresent(k -> output.put("minActive", k));

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
    private final ObjectNode root;
    private final ManifestFields fields;

    private Reader(String source, ObjectNode root) {
      this.root = root;
      this.fields = new ManifestFields(source);
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
        throw fields.fail(
            "not a pinwheel encoder file (manifest format is "
                + (format == null ? "missing" : format.toString())
                + ", expected \""
                + FORMAT
                + "\")");
      }
      JsonNode version = root.get("formatVersion");
      if (version == null || !version.isIntegralNumber()) {
        throw fields.fail("formatVersion must be an integer, got " + version);
      }
      if (!version.canConvertToInt() || version.intValue() > FORMAT_VERSION) {
        throw fields.fail(
            "formatVersion "
                + version
                + " needs a newer pinwheel (this one reads formatVersion "
                + FORMAT_VERSION
                + ")");
      }
      if (version.intValue() < 1) {
        throw fields.fail("formatVersion must be >= 1, got " + version);
      }
    }

    /**
     * The {@code "files"} object: path in the archive to lowercase SHA-256 hex, in manifest order.
     */
    LinkedHashMap<String, String> files() throws InvalidModelException {
      ObjectNode files = fields.object(root, "files", "files");
      LinkedHashMap<String, String> out = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : files.properties()) {
        String path = e.getKey();
        if (path.equals(NAME)) {
          throw fields.fail("files must not list " + NAME + " itself");
        }
        String why = EntryNames.unsafe(path);
        if (why != null) {
          throw fields.fail("files lists \"" + path + "\", " + why);
        }
        JsonNode sum = e.getValue();
        if (!sum.isTextual() || !SHA256.matcher(sum.textValue()).matches()) {
          throw fields.fail(
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
      String name = fields.text(root, "name", "name");
      int version = fields.integer(root, "version", "version");
      String createdText = fields.text(root, "createdAt", "createdAt");
      Instant createdAt;
      try {
        createdAt = Instant.parse(createdText);
      } catch (DateTimeParseException e) {
        throw fields.fail(
            "createdAt must be an ISO-8601 instant such as 2024-05-01T12:00:00Z, got \""
                + createdText
                + "\"");
      }
      InputSpec input = input(fields.object(root, "input", "input"));
      List<Layer> layers = layers(tensors);
      OutputSpec output = output(fields.object(root, "output", "output"));
      ObjectNode training = fields.object(root, "training", "training");
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
            throw fields.fail(
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
        throw fields.fail(e.getMessage(), e);
      }
    }

    private InputSpec input(ObjectNode in) throws InvalidModelException {
      fields.onlyKeys(in, "input", Set.of("height", "width", "channels", "normalize"));
      int height = fields.integer(in, "height", "input.height");
      int width = fields.integer(in, "width", "input.width");
      int channels = fields.integer(in, "channels", "input.channels");
      ObjectNode n = fields.object(in, "normalize", "input.normalize");
      String type = fields.text(n, "type", "input.normalize.type");
      try {
        Normalization normalize;
        switch (type) {
          case "none" -> {
            fields.onlyKeys(n, "input.normalize", Set.of("type"));
            normalize = new Normalization.None();
          }
          case "standardize" -> {
            fields.onlyKeys(n, "input.normalize", Set.of("type", "mean", "std"));
            normalize =
                new Normalization.Standardize(
                    (float) fields.number(n, "mean", "input.normalize.mean"),
                    (float) fields.number(n, "std", "input.normalize.std"));
          }
          case "lcn" -> {
            fields.onlyKeys(n, "input.normalize", Set.of("type", "sigma"));
            normalize = new Normalization.Lcn(fields.number(n, "sigma", "input.normalize.sigma"));
          }
          default ->
              throw fields.fail(
                  "input.normalize.type \""
                      + type
                      + "\" is not one this pinwheel knows (none, standardize, lcn); it may need"
                      + " a newer pinwheel");
        }
        return new InputSpec(height, width, channels, normalize);
      } catch (IllegalArgumentException e) {
        throw fields.fail(e.getMessage(), e);
      }
    }

    private List<Layer> layers(TensorSource tensors) throws InvalidModelException {
      JsonNode node = root.get("layers");
      if (node == null || !node.isArray()) {
        throw fields.fail("layers must be an array of layer objects");
      }
      List<Layer> out = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        String label = "layers[" + i + "]";
        JsonNode l = node.get(i);
        if (!l.isObject()) {
          throw fields.fail(label + " must be an object");
        }
        ObjectNode layer = (ObjectNode) l;
        String type = fields.text(layer, "type", label + ".type");
        LayerCodec<?> codec = LayerCodec.ofType(type);
        if (codec == null) {
          throw fields.fail(
              label
                  + ".type \""
                  + type
                  + "\" is not a layer type this pinwheel knows ("
                  + LayerCodec.knownTypes()
                  + "); it may need a newer pinwheel");
        }
        out.add(codec.read(layer, label, fields, tensors));
      }
      return out;
    }

    private OutputSpec output(ObjectNode out) throws InvalidModelException {
      fields.onlyKeys(out, "output", Set.of("threshold", "topK", "rule", "minActive"));
      float threshold = (float) fields.number(out, "threshold", "output.threshold");
      JsonNode k = out.get("topK");
      if (k == null) {
        throw fields.fail("output.topK is missing (use null for no limit)");
      }
      OptionalInt topK;
      if (k.isNull()) {
        topK = OptionalInt.empty();
      } else {
        topK = OptionalInt.of(fields.integer(out, "topK", "output.topK"));
      }
      OutputRule rule = OutputRule.KEEP;
      if (out.has("rule")) {
        String name = fields.text(out, "rule", "output.rule");
        try {
          rule = OutputRule.fromWireName(name);
        } catch (IllegalArgumentException e) {
          throw fields.fail("output.rule " + e.getMessage(), e);
        }
      }
      OptionalInt minActive = OptionalInt.empty();
      if (out.has("minActive")) {
        minActive = OptionalInt.of(fields.integer(out, "minActive", "output.minActive"));
      }
      try {
        return new OutputSpec(threshold, topK, rule, minActive);
      } catch (IllegalArgumentException e) {
        throw fields.fail(e.getMessage(), e);
      }
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
