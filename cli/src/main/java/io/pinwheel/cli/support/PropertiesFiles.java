package io.pinwheel.cli.support;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Java properties files, as the service's configuration and client settings are written. */
public final class PropertiesFiles {
  private PropertiesFiles() {}

  /**
   * Every property of a file, read as UTF-8 (Java's properties default, ISO-8859-1, is not).
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it holds a malformed escape
   */
  public static Map<String, String> read(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (String key : p.stringPropertyNames()) {
      map.put(key, p.getProperty(key));
    }
    return map;
  }
}
