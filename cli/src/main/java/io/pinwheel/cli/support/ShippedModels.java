package io.pinwheel.cli.support;

import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The trained encoders in the repository's {@code models/} folder, bundled into the program. The
 * natural-image encoder is what {@code demo}, {@code serve} and {@code encode} use when no model is
 * given.
 */
public final class ShippedModels {
  /** The resource of the default encoder, trained on natural photographs. */
  public static final String NATURAL = "models/natural.pwe";

  /** The resource of the Fashion-MNIST encoder (28x28 gray). */
  public static final String FASHION = "models/fashion-mnist.pwe";

  private ShippedModels() {}

  /** The default encoder: topographic, trained on natural images, 96x96 gray with LCN. */
  public static EncoderModel natural() {
    return load(NATURAL);
  }

  /**
   * A copy of {@code model} under a new version whose output threshold is {@code factor} times the
   * old one: the same weights, so a swap shows only in the version and the code density.
   */
  public static EncoderModel withThresholdScaled(EncoderModel model, int version, double factor) {
    return new EncoderModel(
        model.name(),
        version,
        java.time.Instant.now(),
        model.input(),
        model.layers(),
        new io.pinwheel.extractor.model.OutputSpec(
            (float) (model.output().threshold() * factor), model.output().topK()),
        model.training(),
        model.trainingTensors());
  }

  /** Reads a bundled model; a missing or broken one is a build fault, not a user error. */
  public static EncoderModel load(String resource) {
    try (InputStream in = ShippedModels.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            resource + " is not on the classpath; the build bundles it from models/");
      }
      return EncoderFile.read(in.readAllBytes(), resource);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundled " + resource, e);
    } catch (InvalidModelException e) {
      throw new IllegalStateException("bundled " + resource + " is invalid: " + e.getMessage(), e);
    }
  }
}
