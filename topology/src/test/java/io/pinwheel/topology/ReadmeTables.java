package io.pinwheel.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The Markdown tables of the repository's README, for tests that check them against the code. */
public final class ReadmeTables {
  private ReadmeTables() {}

  /**
   * The body rows of the first table after {@code heading}, each as its trimmed cells.
   *
   * @param heading a heading line as written, such as {@code ### Monitor}
   */
  public static List<List<String>> rows(String heading) {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("../README.md"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int i = lines.indexOf(heading);
    if (i < 0) {
      throw new AssertionError("README has no heading " + heading);
    }
    while (i < lines.size() && !lines.get(i).startsWith("|")) {
      i++;
    }
    List<List<String>> rows = new ArrayList<>();
    // The header row, then the |---| row, then the body.
    for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String line = lines.get(i).strip();
      String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
      rows.add(Arrays.stream(cells).map(String::strip).toList());
    }
    return rows;
  }

  /** The words in backticks of a cell, such as the names in {@code `a`, `b`}. */
  public static List<String> quoted(String cell) {
    List<String> out = new ArrayList<>();
    var m = java.util.regex.Pattern.compile("`([^`]*)`").matcher(cell);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
