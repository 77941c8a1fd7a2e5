package io.pinwheel.topology.metrics;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What {@code /health} answers: up, or down and why.
 *
 * @param up whether the service does its work now
 * @param reason why it does not, in one line for people (empty when up)
 */
public record Health(boolean up, String reason) {
  /** Healthy. */
  public static final Health UP = new Health(true, "");

  /** Checks the components: a service that is down says why. */
  public Health {
    Objects.requireNonNull(reason, "reason");
    if (!up && reason.isBlank()) {
      throw new IllegalArgumentException("a service that is down says why");
    }
  }

  /**
   * Returns a health that is down.
   *
   * @param reason why, in one line
   * @return the health
   */
  public static Health down(String reason) {
    return new Health(false, reason);
  }

  /**
   * Returns the body of {@code /health}.
   *
   * @return {@code {"status":"UP"}}, or {@code {"status":"DOWN","reason":"..."}}
   */
  public byte[] json() {
    String body =
        up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\",\"reason\":" + quote(reason) + "}";
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
