package io.pinwheel.trainer.drsae;

import io.pinwheel.trainer.optim.Parameters;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A discriminative recurrent sparse auto-encoder (Rolfe &amp; LeCun, 2013): its architecture and
 * its parameters, on the heap in {@link DrsaeGradients}' layout, which training updates in place.
 */
public final class DrsaeModel {
  /** The trainable parameters, in a fixed order. */
  public static final List<String> PARAMETERS =
      List.of(
          DrsaeGradients.ENCODER,
          DrsaeGradients.LATERAL,
          DrsaeGradients.BIAS,
          DrsaeGradients.DECODER,
          DrsaeGradients.CLASSIFIER,
          DrsaeGradients.CLASS_BIAS);

  private static final double INITIAL_BIAS = 0.1;

  private final DrsaeConfig config;
  private final Parameters parameters;

  /** Scratch of {@link #normalize}: per-unit squared norms and their inverse roots. */
  private final double[] norms;

  private final float[] inverse;

  /**
   * A model over {@code parameters}, which it then owns.
   *
   * @throws IllegalArgumentException if the parameters' names or shapes do not fit {@code config}
   */
  public DrsaeModel(DrsaeConfig config, Parameters parameters) {
    this.config = Objects.requireNonNull(config, "config");
    if (!layout(config).sameLayout(parameters)) {
      throw new IllegalArgumentException(
          "parameters do not fit the configuration: expected "
              + PARAMETERS
              + " with the shapes of "
              + config);
    }
    this.parameters = parameters;
    this.norms = new double[config.units()];
    this.inverse = new float[config.units()];
  }

  /** The parameters of {@code config}, all zero. */
  public static Parameters layout(DrsaeConfig config) {
    int k = config.units();
    int d = config.inputs();
    int classes = config.classes();
    return Parameters.builder()
        .zeros(DrsaeGradients.ENCODER, k, d)
        .zeros(DrsaeGradients.LATERAL, k, k)
        .zeros(DrsaeGradients.BIAS, k)
        .zeros(DrsaeGradients.DECODER, d, k)
        .zeros(DrsaeGradients.CLASSIFIER, classes, k)
        .zeros(DrsaeGradients.CLASS_BIAS, classes)
        .build();
  }

  /**
   * A model at the start of training, reproducible from {@code seed}: encoder rows are random unit
   * vectors (Gaussian directions from {@link SplittableRandom}), the decoder is their transpose, so
   * the untrained model is a tied auto-encoder; S = 0, so the recurrence starts as the identity on
   * z⁰; b = {@value #INITIAL_BIAS}, a small threshold so the start is already somewhat sparse; the
   * classifier is zero, so the classification term starts at log(classes) with no preference.
   */
  public static DrsaeModel initial(DrsaeConfig config, long seed) {
    int k = config.units();
    int d = config.inputs();
    Parameters p = layout(config);
    float[] e = p.get(DrsaeGradients.ENCODER);
    float[] dec = p.get(DrsaeGradients.DECODER);
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] row = new double[d];
    for (int u = 0; u < k; u++) {
      double norm = 0;
      for (int i = 0; i < d; i++) {
        row[i] = rnd.nextGaussian();
        norm += row[i] * row[i];
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < d; i++) {
        float v = (float) (row[i] / norm);
        e[u * d + i] = v;
        dec[i * k + u] = v;
      }
    }
    java.util.Arrays.fill(p.get(DrsaeGradients.BIAS), (float) INITIAL_BIAS);
    return new DrsaeModel(config, p);
  }

  /** The architecture and λ. */
  public DrsaeConfig config() {
    return config;
  }

  /** The live parameters. */
  public Parameters parameters() {
    return parameters;
  }

  /** The live values of one parameter. */
  public float[] parameter(String name) {
    return parameters.get(name);
  }

  /**
   * Projects onto the paper's bounded norms: every decoder column to unit L2 norm, and every
   * encoder row to norm at most 1. Without the first, the L1 term could be lowered for free by
   * shrinking z while growing D; the second keeps the recurrence's input drive from growing without
   * bound as the encoder grows to match. Zero columns are left alone.
   */
  public void normalize() {
    normalize(0, config.units());
  }

  /**
   * {@link #normalize} for the units {@code [from, to)} only: their decoder columns and encoder
   * rows, with the same arithmetic, so threads that take disjoint ranges of units give the same
   * bytes as one call on all.
   */
  public void normalize(int from, int to) {
    int k = config.units();
    int d = config.inputs();
    if (from < 0 || to > k || from > to) {
      throw new IllegalArgumentException("units [" + from + ", " + to + ") outside [0, " + k + ")");
    }
    float[] dec = parameters.get(DrsaeGradients.DECODER);
    java.util.Arrays.fill(norms, from, to, 0);
    for (int i = 0; i < d; i++) {
      for (int u = from; u < to; u++) {
        double v = dec[i * k + u];
        norms[u] += v * v;
      }
    }
    for (int u = from; u < to; u++) {
      inverse[u] = norms[u] == 0 ? 1f : (float) (1 / Math.sqrt(norms[u]));
    }
    for (int i = 0; i < d; i++) {
      for (int u = from; u < to; u++) {
        dec[i * k + u] *= inverse[u];
      }
    }
    float[] e = parameters.get(DrsaeGradients.ENCODER);
    for (int u = from; u < to; u++) {
      double sq = 0;
      for (int i = u * d; i < (u + 1) * d; i++) {
        sq += (double) e[i] * e[i];
      }
      double norm = Math.sqrt(sq);
      if (norm > 1) {
        float scale = (float) (1 / norm);
        for (int i = u * d; i < (u + 1) * d; i++) {
          e[i] *= scale;
        }
      }
    }
  }
}
