package io.pinwheel.trainer.lateral;

/** The {@code --s} of a lateral-inhibition run: S learned by bounded ascent, or set by hand. */
public sealed interface InhibitionMode {

  /**
   * Parses {@code learn} or a number, the fixed value of every free entry.
   *
   * @param text the option text
   * @return the mode
   * @throws IllegalArgumentException if the text is neither
   */
  static InhibitionMode parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("s must be learn or a number, got nothing");
    }
    String t = text.trim();
    if (t.equalsIgnoreCase("learn")) {
      return new Learned();
    }
    try {
      return new Fixed(Double.parseDouble(t));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("s must be learn or a number, got " + text, e);
    }
  }

  /** The option text that parses back to this mode. */
  String spec();

  /** S starts at zero and is learned by bounded gradient ascent. */
  record Learned() implements InhibitionMode {
    @Override
    public String spec() {
      return "learn";
    }
  }

  /**
   * S is {@code value} on every entry the pattern leaves free, zero elsewhere, and never changes.
   *
   * @param value the inhibition between two units that may inhibit each other, finite and ≥ 0
   */
  record Fixed(double value) implements InhibitionMode {
    /** Checks the value. */
    public Fixed {
      if (!(value >= 0) || !Double.isFinite(value)) {
        throw new IllegalArgumentException("s must be finite and >= 0, got " + value);
      }
    }

    @Override
    public String spec() {
      return Double.toString(value);
    }
  }
}
