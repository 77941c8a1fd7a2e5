package io.pinwheel.cli.support;

import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.trainer.InitialModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models the program carries, by the names every {@code --model} takes ({@link ModelOption}):
 * the trained encoders of the repository's {@code models/} folder, bundled into the program, and
 * the analytic Gabor model. The stable natural-image encoder ({@value #NATURAL_STABLE}) is what
 * {@code demo}, {@code serve}, {@code encode} and the benchmarks use when no model is given.
 */
public final class ShippedModels {
  /**
   * The resource of the default encoder: {@link #NATURAL}'s filters and groups pooled over 44×44
   * windows with the shrink rule and a floor of 8 values, whose codes stay more stable than raw
   * pixels under a moving camera (models/README.md).
   */
  public static final String NATURAL_STABLE = "models/natural-stable.pwe";

  /**
   * The resource of the 256 maps on a 16×16 torus pooled the same way: the pinwheel map, as stable
   * as the default at four times its encoder time.
   */
  public static final String NATURAL_16X16 = "models/natural-16x16.pwe";

  /** The resource of the natural-image encoder with 4×4 pools (a 64×22×22 code). */
  public static final String NATURAL = "models/natural.pwe";

  /** The resource of the Fashion-MNIST encoder (28x28 gray). */
  public static final String FASHION = "models/fashion-mnist.pwe";

  /** The resource of the DrSAE encoder with its classifier head (28x28 gray). */
  public static final String DRSAE = "models/drsae.pwe";

  /** The name of the analytic model, {@link InitialModels#gabor()}. */
  public static final String GABOR = InitialModels.DEFAULT_NAME;

  /** Each name {@code --model} takes, and the resource it reads (null for the analytic model). */
  private static final Map<String, String> RESOURCES = resources();

  private ShippedModels() {}

  /** The names {@code --model} takes, the default first. */
  public static List<String> names() {
    return List.copyOf(RESOURCES.keySet());
  }

  /**
   * The default encoder ({@link ModelOption#DEFAULT}): topographic, trained on natural images,
   * 96x96 gray with LCN, 44×44 pools, shrink rule, at least 8 values a frame.
   */
  public static EncoderModel defaultModel() {
    return load(NATURAL_STABLE);
  }

  /** The natural-image encoder with 4×4 pools: topographic, 96x96 gray with LCN. */
  public static EncoderModel natural() {
    return load(NATURAL);
  }

  /**
   * The model a name stands for.
   *
   * @param name one of {@link #names()}
   * @return the model, or empty when {@code name} is not one of them
   */
  public static Optional<EncoderModel> named(String name) {
    if (!RESOURCES.containsKey(name)) {
      return Optional.empty();
    }
    String resource = RESOURCES.get(name);
    return Optional.of(resource == null ? InitialModels.gabor() : load(resource));
  }

  /** Where a named model comes from, for logs: {@code bundled models/natural.pwe}. */
  static String origin(String name) {
    String resource = RESOURCES.get(name);
    return resource == null ? "built-in analytic " + name : "bundled " + resource;
  }

  /**
   * A copy of {@code model} under a new version whose output threshold is {@code factor} times the
   * old one (top-k and rule unchanged): the same weights, so a swap shows only in the version and
   * the code density.
   */
  public static EncoderModel withThresholdScaled(EncoderModel model, int version, double factor) {
    return new EncoderModel(
        model.name(),
        version,
        Instant.now(),
        model.input(),
        model.layers(),
        model.output().withThreshold((float) (model.output().threshold() * factor)),
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

  private static Map<String, String> resources() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(ModelOption.DEFAULT, NATURAL_STABLE);
    m.put("natural-16x16", NATURAL_16X16);
    m.put("natural", NATURAL);
    m.put("fashion-mnist", FASHION);
    m.put("drsae", DRSAE);
    m.put(GABOR, null);
    return m;
  }
}
