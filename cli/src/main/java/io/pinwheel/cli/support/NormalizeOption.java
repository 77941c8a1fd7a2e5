package io.pinwheel.cli.support;

import io.pinwheel.extractor.model.Normalization;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --normalize MODE}: the frame normalization a trainer writes into its model. */
public final class NormalizeOption {
  @Option(
      names = "--normalize",
      defaultValue = "lcn:2",
      paramLabel = "MODE",
      description = {
        "Frame normalization, written into the model: lcn[:SIGMA] (local contrast"
            + " normalization), standardize (by the training pixels' mean and deviation) or none.",
        "Default: ${DEFAULT-VALUE}."
      })
  String normalize;

  /**
   * The normalization chosen; empty for {@code standardize}, whose mean and deviation the training
   * job computes from the data.
   *
   * @throws IllegalArgumentException if the text is none of the modes
   */
  public Optional<Normalization> normalization() {
    String t = normalize.trim().toLowerCase(Locale.ROOT);
    if (t.equals("standardize")) {
      return Optional.empty();
    }
    if (t.equals("none")) {
      return Optional.of(new Normalization.None());
    }
    if (t.equals("lcn")) {
      return Optional.of(new Normalization.Lcn(2.0));
    }
    if (t.startsWith("lcn:")) {
      try {
        return Optional.of(new Normalization.Lcn(Double.parseDouble(t.substring(4))));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "normalize lcn:SIGMA needs a number, got " + normalize, e);
      }
    }
    throw new IllegalArgumentException(
        "normalize must be lcn[:SIGMA], standardize or none, got " + normalize);
  }
}
