package io.pinwheel.cli;

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
final class ShippedModels {
  /** The resource of the default encoder, trained on natural photographs. */
  static final String NATURAL = "models/natural.pwe";

  /** The resource of the Fashion-MNIST encoder (28x28 gray). */
  static final String FASHION = "models/fashion-mnist.pwe";

  private ShippedModels() {}

  /** The default encoder: topographic, trained on natural images, 96x96 gray with LCN. */
  static EncoderModel natural() {
    return load(NATURAL);
  }

  /** Reads a bundled model; a missing or broken one is a build fault, not a user error. */
  static EncoderModel load(String resource) {
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
