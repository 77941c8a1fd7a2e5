package io.pinwheel.extractor.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Typed, checked reads of one manifest's JSON fields; every error message starts with the source
 * name and names the field, such as {@code layers[0].stride}.
 */
final class ManifestFields {
  private final String source;

  ManifestFields(String source) {
    this.source = source;
  }

  /** Refuses a key that is not {@code allowed}: it could change what the encoder computes. */
  void onlyKeys(ObjectNode obj, String label, Set<String> allowed) throws InvalidModelException {
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

  JsonNode required(ObjectNode obj, String key, String label) throws InvalidModelException {
    JsonNode v = obj.get(key);
    if (v == null) {
      throw fail(label + " is missing");
    }
    return v;
  }

  ObjectNode object(ObjectNode obj, String key, String label) throws InvalidModelException {
    JsonNode v = required(obj, key, label);
    if (!v.isObject()) {
      throw fail(label + " must be a JSON object, got " + abbreviate(v));
    }
    return (ObjectNode) v;
  }

  String text(ObjectNode obj, String key, String label) throws InvalidModelException {
    JsonNode v = required(obj, key, label);
    if (!v.isTextual()) {
      throw fail(label + " must be a string, got " + abbreviate(v));
    }
    return v.textValue();
  }

  List<String> strings(ObjectNode obj, String key, String label) throws InvalidModelException {
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

  int integer(ObjectNode obj, String key, String label) throws InvalidModelException {
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
  double number(ObjectNode obj, String key, String label) throws InvalidModelException {
    JsonNode v = required(obj, key, label);
    if (!v.isNumber()) {
      throw fail(label + " must be a number, got " + abbreviate(v));
    }
    return v.doubleValue();
  }

  /** A layer's tensor path; layers may not point into training/, which holds other tensors. */
  String layerFile(ObjectNode layer, String key, String label) throws InvalidModelException {
    String path = text(layer, key, label + "." + key);
    if (path.startsWith(Manifest.TRAINING_DIR)) {
      throw fail(label + "." + key + " (" + path + "): layer tensors may not be under training/");
    }
    return path;
  }

  /**
   * Builds a value whose constructor validates, reporting its refusal as this manifest's error.
   *
   * @param label how messages name the value, {@code layers[2]}
   */
  <T> T built(String label, Supplier<T> make) throws InvalidModelException {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw fail(label + ": " + e.getMessage(), e);
    }
  }

  InvalidModelException fail(String message) {
    return new InvalidModelException(source + ": " + message);
  }

  InvalidModelException fail(String message, Throwable cause) {
    return new InvalidModelException(source + ": " + message, cause);
  }

  private static String abbreviate(JsonNode v) {
    String s = v.toString();
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
