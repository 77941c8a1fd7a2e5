package io.pinwheel.topology.config;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A configuration with one or more bad keys, all of them listed: a user who fixes one typo should
 * not have to start the service again to learn about the next one.
 *
 * <p>The message has one line per problem, {@code key: what is wrong}, sorted by key; {@link
 * #problems()} gives the same as data.
 */
public final class PinwheelConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * One bad key.
   *
   * @param key the configuration key at fault
   * @param message what is wrong with it and what would be right
   */
  public record Problem(String key, String message) {
    /** Checks that both parts are present. */
    public Problem {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
      return key + ": " + message;
    }
  }

  /** Kept as an unmodifiable list of records, which are serializable enough for an exception. */
  @SuppressWarnings("serial")
  private final List<Problem> problems;

  /**
   * Creates the exception.
   *
   * @param problems every problem found, at least one
   */
  public PinwheelConfigException(List<Problem> problems) {
    super(describe(problems));
    this.problems = sorted(problems);
  }

  /**
   * Returns every problem found, sorted by key.
   *
   * @return an unmodifiable, non-empty list
   */
  public List<Problem> problems() {
    return problems;
  }

  private static List<Problem> sorted(List<Problem> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a configuration exception needs at least one problem");
    }
    return problems.stream().sorted(Comparator.comparing(Problem::key)).toList();
  }

  private static String describe(List<Problem> problems) {
    List<Problem> list = sorted(problems);
    StringBuilder sb = new StringBuilder("invalid pinwheel configuration (");
    sb.append(list.size()).append(list.size() == 1 ? " problem):" : " problems):");
    for (Problem p : list) {
      sb.append("\n  ").append(p);
    }
    return sb.toString();
  }
}
