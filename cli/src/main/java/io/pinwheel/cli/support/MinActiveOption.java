package io.pinwheel.cli.support;

import java.util.OptionalInt;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --min-active K}: the floor under the output rule of the model a command writes ({@code
 * output.minActive}): on a frame where at most K values pass the threshold, the cut is lowered to
 * the frame's (K+1)-th largest value, so the K largest pass.
 */
public final class MinActiveOption {
  @Option(
      names = "--min-active",
      paramLabel = "K",
      converter = Converter.class,
      description = {
        "Keep at least K values active: on a frame where at most K pooled values exceed the"
            + " output threshold, the threshold for that frame is lowered to the (K+1)-th largest"
            + " value (never below 0, so a blank frame still emits nothing) and the output rule"
            + " applied with it, so the code stays continuous. At least 1 and at most the model's top-k. Default: no floor."
      })
  Integer k;

  /** {@code --min-active}, empty when not given. */
  public OptionalInt value() {
    return k == null ? OptionalInt.empty() : OptionalInt.of(k);
  }

  /** Reads a whole number of at least 1; anything else is a usage error saying so. */
  public static final class Converter implements ITypeConverter<Integer> {
    /** Creates the converter; picocli does this itself. */
    public Converter() {}

    @Override
    public Integer convert(String value) {
      int k;
      try {
        k = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new TypeConversionException("must be a whole number >= 1, got \"" + value + "\"");
      }
      if (k < 1) {
        throw new TypeConversionException("must be >= 1, got " + k);
      }
      return k;
    }
  }
}
