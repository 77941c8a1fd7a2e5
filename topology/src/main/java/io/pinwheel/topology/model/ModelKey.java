package io.pinwheel.topology.model;

import io.pinwheel.extractor.model.EncoderModel;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model's name and version, written {@code NAME@VERSION}: the key of its record on the models
 * topic, and how rollbacks and pins name it.
 *
 * @param name the model's name
 * @param version its version, positive
 */
public record ModelKey(String name, int version) implements Comparable<ModelKey> {
  private static final Pattern TEXT = Pattern.compile("([A-Za-z0-9._-]{1,128})[@:]([0-9]{1,9})");

  /** Checks the components. */
  public ModelKey {
    Objects.requireNonNull(name, "name");
    if (version < 1) {
      throw new IllegalArgumentException("a model version is positive, got " + version);
    }
  }

  /**
   * The key of {@code model}.
   *
   * @param model a model
   * @return its name and version
   */
  public static ModelKey of(EncoderModel model) {
    return new ModelKey(model.name(), model.version());
  }

  /**
   * Reads {@code NAME@VERSION} (or {@code NAME:VERSION}).
   *
   * @param text the key as written
   * @return the key
   * @throws IllegalArgumentException naming what is wrong with {@code text}
   */
  public static ModelKey parse(String text) {
    Matcher m = TEXT.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a model name and version such as natural@2 or natural:2: \"" + text + "\"");
    }
    return new ModelKey(m.group(1), Integer.parseInt(m.group(2)));
  }

  @Override
  public int compareTo(ModelKey o) {
    int c = name.compareTo(o.name);
    return c != 0 ? c : Integer.compare(version, o.version);
  }

  @Override
  public String toString() {
    return name + "@" + version;
  }
}
