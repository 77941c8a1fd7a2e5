package io.pinwheel.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinwheel.cli.support.RunStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Runs {@link Main} in-process and keeps what it printed. */
public record Cli(CliResult result, String out, String err) {
  /** Floats are read as decimals so they can be turned back into the exact float printed. */
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  public static Cli run(String... args) {
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

  /**
   * Runs a test's usual command line {@code base} with {@code extra} arguments appended.
   *
   * @param base the command and the options every run of the test class gives
   * @param extra what this run adds or overrides (picocli keeps an option's last value)
   * @return the run
   */
  public static Cli run(String[] base, String... extra) {
    String[] args = Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return run(args);
  }

  public int exitCode() {
    return result.exitCode();
  }

  /**
   * The last line of standard output, parsed as JSON: the summary of a command whose other lines
   * may be a table.
   */
  public JsonNode lastLine() {
    String[] lines = out.strip().split("\n");
    return json(lines[lines.length - 1]);
  }

  /** Every line of standard output, parsed as JSON. */
  public List<JsonNode> lines() {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isEmpty()) {
        nodes.add(json(line));
      }
    }
    return nodes;
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException("not a JSON line: " + line, e);
    }
  }

  /** A JSON array of numbers as the floats that were printed. */
  public static float[] floats(JsonNode array) {
    float[] f = new float[array.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = Float.parseFloat(array.get(i).decimalValue().toString());
    }
    return f;
  }

  /** A JSON array of integers. */
  public static int[] ints(JsonNode array) {
    int[] v = new int[array.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = array.get(i).intValue();
    }
    return v;
  }

  /**
   * Formats the usage of every command in the tree (add-on commands included) and keeps what
   * picocli printed on {@code System.err} meanwhile. picocli formats descriptions with {@code
   * String.format}: a lone '%' makes it print the raw text and a warning there, which no test of a
   * command's output would notice.
   */
  public static HelpCheck helpOfEveryCommand() {
    StringWriter sink = new StringWriter();
    CommandLine root =
        Main.commandLine(new PrintWriter(sink), new PrintWriter(sink), new RunStats());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    List<String> names = new ArrayList<>();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      usageOfAll(root, names);
    } finally {
      System.setErr(original);
    }
    return new HelpCheck(names, err.toString(StandardCharsets.UTF_8));
  }

  private static void usageOfAll(CommandLine command, List<String> names) {
    names.add(command.getCommandSpec().qualifiedName());
    command.getUsageMessage();
    command.getSubcommands().values().forEach(sub -> usageOfAll(sub, names));
  }

  /**
   * What {@link #helpOfEveryCommand} found.
   *
   * @param commands every command's qualified name, such as {@code pinwheel train drsae}
   * @param warnings what was printed on standard error while formatting them
   */
  public record HelpCheck(List<String> commands, String warnings) {}
}
