package io.pinwheel.cli.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinwheel.cli.CliResult;
import io.pinwheel.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** One in-process run of {@link Main} and what it printed. */
record RunResult(CliResult result, String out, String err) {
  static final ObjectMapper JSON = new ObjectMapper();

  static RunResult run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliResult result;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      result = Main.run(o, e, args);
    }
    return new RunResult(
        result, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  int exitCode() {
    return result.exitCode();
  }

  /** The last line of standard output, parsed. */
  JsonNode lastLine() {
    String[] lines = out.strip().split("\n");
    try {
      return JSON.readTree(lines[lines.length - 1]);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException("not a JSON line: " + lines[lines.length - 1], e);
    }
  }
}
