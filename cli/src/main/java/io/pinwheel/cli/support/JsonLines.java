package io.pinwheel.cli.support;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.extractor.model.EncoderModel;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** The JSON lines {@code pinwheel} prints, one object per line. */
public final class JsonLines {
  /**
   * Schubfach float formatting: the shortest decimal that reads back to the same float, so values
   * survive a round trip through text exactly and lines stay short.
   */
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

  private JsonLines() {}

  /** The writer of one line's fields. */
  @FunctionalInterface
  public interface Fields {
    /** Writes the fields of the line's object. */
    void write(JsonGenerator g) throws IOException;
  }

  /** One JSON object, without a line break. */
  public static String line(Fields fields) {
    StringWriter sw = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(sw)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to a string", e);
    }
    return sw.toString();
  }

  /**
   * {@code {"image":..,"model":{"name":..,"version":..},"shape":[..],"nnz":..,"indices":[..],
   * "values":[..]}}, plus {@code "scores":[..],"label":..} when the code carries a classifier
   * head's output, and {@code "dense":[..]} when {@code dense} is not null.
   */
  public static String code(String image, EncoderModel model, SparseCode code, float[] dense) {
    return line(
        g -> {
          g.writeStringField("image", image);
          g.writeObjectFieldStart("model");
          g.writeStringField("name", model.name());
          g.writeNumberField("version", model.version());
          g.writeEndObject();
          int[] shape = code.shape();
          g.writeFieldName("shape");
          g.writeArray(shape, 0, shape.length);
          g.writeNumberField("nnz", code.nnz());
          int[] indices = code.indices();
          g.writeFieldName("indices");
          g.writeArray(indices, 0, indices.length);
          g.writeFieldName("values");
          floats(g, code.values());
          if (code.hasClassifierOutput()) {
            g.writeFieldName("scores");
            floats(g, code.scores());
            g.writeStringField("label", code.label());
          }
          if (dense != null) {
            g.writeFieldName("dense");
            floats(g, dense);
          }
        });
  }

  /** {@code {"image":..,"error":..,"reason":..}}. */
  public static String error(String image, String message, String reason) {
    return line(
        g -> {
          g.writeStringField("image", image);
          g.writeStringField("error", message);
          g.writeStringField("reason", reason);
        });
  }

  /** Writes {@code values} as a JSON array. */
  public static void floats(JsonGenerator g, float[] values) throws IOException {
    g.writeStartArray();
    for (float v : values) {
      g.writeNumber(v);
    }
    g.writeEndArray();
  }
}
