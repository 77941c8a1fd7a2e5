package io.pinwheel.cli.models;

import io.pinwheel.extractor.model.OutputRule;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --output-rule keep|shrink}: an {@link OutputRule} by its manifest name. */
final class OutputRuleConverter implements ITypeConverter<OutputRule> {
  @Override
  public OutputRule convert(String value) {
    try {
      return OutputRule.fromWireName(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
