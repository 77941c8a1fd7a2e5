package io.pinwheel.trainer;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The choices behind an analytic Gabor model ({@link InitialModels#gabor(GaborModelOptions)}).
 * Start from {@link #defaults()}, the project's reference workload, and change fields with the
 * {@code with} methods.
 *
 * @param name the model name
 * @param version the model version, positive
 * @param size the input height and width in pixels
 * @param channels the input channels, 1 (gray) or 3 (BGR)
 * @param filters the number of Gabor filters, a positive multiple of 8
 * @param kernel the filter side in pixels
 * @param pooling how the filter maps are grouped into L2 pools
 * @param threshold the output threshold, or empty for {@link InitialModels#defaultThreshold}
 */
public record GaborModelOptions(
    String name,
    int version,
    int size,
    int channels,
    int filters,
    int kernel,
    Pooling pooling,
    OptionalDouble threshold) {

  /** Checks what the model's own validation would report less clearly. */
  public GaborModelOptions {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pooling, "pooling");
    Objects.requireNonNull(threshold, "threshold");
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, got " + version);
    }
    if (threshold.isPresent() && !Double.isFinite(threshold.getAsDouble())) {
      throw new IllegalArgumentException("threshold must be finite, got " + threshold);
    }
  }

  /**
   * The reference workload: "gabor" version 1, 96×96 gray, 64 filters 9×9, block groups of 4 (16
   * pools), the default threshold.
   */
  public static GaborModelOptions defaults() {
    return new GaborModelOptions(
        InitialModels.DEFAULT_NAME, 1, 96, 1, 64, 9, new Pooling.Block(4), OptionalDouble.empty());
  }

  /** These options with another name. */
  public GaborModelOptions withName(String newName) {
    return new GaborModelOptions(
        newName, version, size, channels, filters, kernel, pooling, threshold);
  }

  /** These options with another version. */
  public GaborModelOptions withVersion(int newVersion) {
    return new GaborModelOptions(
        name, newVersion, size, channels, filters, kernel, pooling, threshold);
  }

  /** These options with another input side. */
  public GaborModelOptions withSize(int newSize) {
    return new GaborModelOptions(
        name, version, newSize, channels, filters, kernel, pooling, threshold);
  }

  /** These options with another channel count. */
  public GaborModelOptions withChannels(int newChannels) {
    return new GaborModelOptions(
        name, version, size, newChannels, filters, kernel, pooling, threshold);
  }

  /** These options with another filter count. */
  public GaborModelOptions withFilters(int newFilters) {
    return new GaborModelOptions(
        name, version, size, channels, newFilters, kernel, pooling, threshold);
  }

  /** These options with another kernel side. */
  public GaborModelOptions withKernel(int newKernel) {
    return new GaborModelOptions(
        name, version, size, channels, filters, newKernel, pooling, threshold);
  }

  /** These options with another pooling. */
  public GaborModelOptions withPooling(Pooling newPooling) {
    return new GaborModelOptions(
        name, version, size, channels, filters, kernel, newPooling, threshold);
  }

  /** These options with an explicit output threshold. */
  public GaborModelOptions withThreshold(double newThreshold) {
    return new GaborModelOptions(
        name, version, size, channels, filters, kernel, pooling, OptionalDouble.of(newThreshold));
  }
}
