package io.pinwheel.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs {@link Main} in-process and keeps what it printed. */
record Cli(CliResult result, String out, String err) {
  /** Floats are read as decimals so they can be turned back into the exact float printed. */
  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  static Cli run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliResult result;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      result = Main.run(o, e, args);
    }
    return new Cli(
        result, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  int exitCode() {
    return result.exitCode();
  }

  /** Every line of standard output, parsed as JSON. */
  List<JsonNode> lines() {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isEmpty()) {
        try {
          nodes.add(JSON.readTree(line));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new UncheckedIOException("not a JSON line: " + line, e);
        }
      }
    }
    return nodes;
  }

  /** A JSON array of numbers as the floats that were printed. */
  static float[] floats(JsonNode array) {
    float[] f = new float[array.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = Float.parseFloat(array.get(i).decimalValue().toString());
    }
    return f;
  }

  /** A JSON array of integers. */
  static int[] ints(JsonNode array) {
    int[] v = new int[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = array.get(i).intValue();
    }
    return v;
  }
}
