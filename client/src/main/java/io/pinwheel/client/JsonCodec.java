package io.pinwheel.client;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The {@link FeatureRecordFormat#JSON} form, written and read with Jackson's streaming API (no data
 * binding, so the client does not impose a jackson-databind version on its users).
 *
 * <p>Reading follows proto3's JSON conventions: unknown fields are skipped (newer writers may add
 * some), and a missing or {@code null} field takes its default (0, empty string, empty array),
 * except {@code shape}, {@code indices} and {@code values}, which a code cannot do without.
 */
final class JsonCodec {

  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonCodec() {}

  static byte[] encode(FeatureRecord record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 16 * record.nnz());
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("frameId", record.frameId());
      g.writeNumberField("sourceTimestampMs", record.sourceTimestampMs());
      g.writeStringField("modelName", record.modelName());
      g.writeNumberField("modelVersion", record.modelVersion());
      writeInts(g, "shape", record.sharedShape());
      writeInts(g, "indices", record.sharedIndices());
      writeFloats(g, "values", record.sharedValues());
      writeFloats(g, "scores", record.sharedScores());
      g.writeStringField("label", record.label());
      g.writeNumberField("producedTimestampMs", record.producedTimestampMs());
      g.writeEndObject();
    } catch (IOException e) {
      // A ByteArrayOutputStream does not fail; this would be a Jackson bug.
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeInts(JsonGenerator g, String name, int[] a) throws IOException {
    g.writeFieldName(name);
    g.writeArray(a, 0, a.length);
  }

  private static void writeFloats(JsonGenerator g, String name, float[] a) throws IOException {
    g.writeFieldName(name);
    g.writeStartArray();
    for (float v : a) {
      // Float.toString's digits parse back to the same float, so values round-trip exactly.
      g.writeNumber(v);
    }
    g.writeEndArray();
  }

  static FeatureRecord decode(byte[] data) {
    try (JsonParser p = FACTORY.createParser(data)) {
      return read(p);
    } catch (JsonProcessingException e) {
      throw new SerializationException(
          "not a JSON FeatureRecord (" + data.length + " bytes): " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new SerializationException("could not read a JSON FeatureRecord: " + e.getMessage(), e);
    }
  }

  private static FeatureRecord read(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw fail("expected a JSON object");
    }
    String frameId = "";
    long sourceTimestampMs = 0;
    String modelName = "";
    int modelVersion = 0;
    int[] shape = null;
    int[] indices = null;
    float[] values = null;
    float[] scores = null;
    String label = "";
    long producedTimestampMs = 0;
    Set<String> seen = new HashSet<>();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      if (!seen.add(name)) {
        throw fail("field " + name + " appears twice");
      }
      if (p.nextToken() == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (name) {
        case "frameId" -> frameId = readString(p, name);
        case "sourceTimestampMs" -> sourceTimestampMs = readLong(p, name);
        case "modelName" -> modelName = readString(p, name);
        case "modelVersion" -> modelVersion = readInt(p, name);
        case "shape" -> shape = readInts(p, name);
        case "indices" -> indices = readInts(p, name);
        case "values" -> values = readFloats(p, name);
        case "scores" -> scores = readFloats(p, name);
        case "label" -> label = readString(p, name);
        case "producedTimestampMs" -> producedTimestampMs = readLong(p, name);
        default -> p.skipChildren();
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw fail("expected a field name or the end of the object, found " + t);
    }
    if (p.nextToken() != null) {
      throw fail("unexpected content after the object");
    }
    requirePresent(shape, "shape");
    requirePresent(indices, "indices");
    requirePresent(values, "values");
    try {
      return new FeatureRecord(
          frameId,
          sourceTimestampMs,
          modelName,
          modelVersion,
          shape,
          indices,
          values,
          scores,
          label,
          producedTimestampMs);
    } catch (IllegalArgumentException e) {
      throw fail(e.getMessage());
    }
  }

  private static void requirePresent(Object field, String name) {
    if (field == null) {
      throw fail("field " + name + " is missing");
    }
  }

  private static SerializationException fail(String problem) {
    return new SerializationException("invalid JSON FeatureRecord: " + problem);
  }

  private static String readString(JsonParser p, String name) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      throw fail("field " + name + " must be a string, found " + p.currentToken());
    }
    return p.getText();
  }

  private static int readInt(JsonParser p, String name) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      throw fail("field " + name + " must be an integer, found " + p.currentToken());
    }
    // Throws a JsonProcessingException (so a SerializationException) past the int range.
    return p.getIntValue();
  }

  private static long readLong(JsonParser p, String name) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      throw fail("field " + name + " must be an integer, found " + p.currentToken());
    }
    return p.getLongValue();
  }

  private static int[] readInts(JsonParser p, String name) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw fail("field " + name + " must be an array of integers, found " + p.currentToken());
    }
    int[] a = new int[16];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_INT) {
        throw fail("field " + name + " must be an array of integers, found " + t);
      }
      if (n == a.length) {
        a = Arrays.copyOf(a, 2 * n);
      }
      a[n++] = p.getIntValue();
    }
    return Arrays.copyOf(a, n);
  }

  private static float[] readFloats(JsonParser p, String name) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw fail("field " + name + " must be an array of numbers, found " + p.currentToken());
    }
    float[] a = new float[16];
    int n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
        throw fail("field " + name + " must be an array of numbers, found " + t);
      }
      if (n == a.length) {
        a = Arrays.copyOf(a, 2 * n);
      }
      // Parsing the literal straight to float avoids rounding twice through double.
      a[n++] = Float.parseFloat(p.getText());
    }
    return Arrays.copyOf(a, n);
  }
}
