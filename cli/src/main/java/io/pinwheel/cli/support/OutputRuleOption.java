package io.pinwheel.cli.support;

import io.pinwheel.extractor.model.OutputRule;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --output-rule keep|shrink}: what a pooled value above the output threshold that a command
 * places emits ({@link OutputRule}), for the commands that write a model with a threshold.
 */
public final class OutputRuleOption {
  @Option(
      names = "--output-rule",
      defaultValue = "keep",
      paramLabel = "keep|shrink",
      converter = Converter.class,
      description = {
        "What a pooled value above the output threshold emits: keep (the value itself) or shrink"
            + " (the value less the threshold, a soft threshold, so the code moves continuously as"
            + " values cross it). The threshold is placed the same way for either.",
        "Default: ${DEFAULT-VALUE}."
      })
  OutputRule rule;

  /** {@code --output-rule}. */
  public OutputRule rule() {
    return rule;
  }

  /**
   * Reads an {@link OutputRule} by its name in the manifest ({@code keep}, {@code shrink}); any
   * other is a usage error naming the allowed ones.
   */
  public static final class Converter implements ITypeConverter<OutputRule> {
    /** Creates the converter; picocli does this itself. */
    public Converter() {}

    @Override
    public OutputRule convert(String value) {
      try {
        return OutputRule.fromWireName(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
