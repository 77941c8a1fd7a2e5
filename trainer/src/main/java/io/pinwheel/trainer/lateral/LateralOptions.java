package io.pinwheel.trainer.lateral;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Hyper-parameters of one lateral-inhibition training run. Every field is checked at once and all
 * problems are reported together, each naming its field.
 *
 * @param pattern which units may inhibit which, and so the number of units K
 * @param inhibition S learned, or fixed by hand
 * @param sMax the upper bound on every S_ij, finite and ≥ 0; a fixed S must not exceed it either
 * @param sRate the ascent step on S at the start of the run, finite and &gt; 0 (decays like {@code
 *     learningRate}); unused when S is fixed
 * @param lambda the sparsity weight λ, finite and ≥ 0
 * @param patch the patch side p in pixels, 1..64; the dictionary atoms and the encoder's filters
 *     are p×p
 * @param fistaSteps FISTA iterations per code, 1..10000
 * @param epochs passes over fresh patch sets learning W, S and the encoder together, ≥ 1
 * @param psdEpochs further passes with W and S frozen, training the encoder alone on the final
 *     dictionary's codes, ≥ 0
 * @param batch patches per step, ≥ 1
 * @param learningRate the descent step on W at the start; decays by a cosine to a tenth over the
 *     joint epochs; finite and &gt; 0
 * @param psdLearningRate Adam's step size for the encoder at the start; decays by a cosine to a
 *     tenth over all epochs; finite and &gt; 0
 * @param density the fraction of the served encoder's outputs the output threshold lets through on
 *     training frames, in (0, 1]
 * @param seed seeds the start dictionary and every patch set
 * @param threads native (BLAS/OpenMP) threads, ≥ 1
 */
public record LateralOptions(
    PatternSpec pattern,
    InhibitionMode inhibition,
    double sMax,
    double sRate,
    double lambda,
    int patch,
    int fistaSteps,
    int epochs,
    int psdEpochs,
    int batch,
    double learningRate,
    double psdLearningRate,
    double density,
    long seed,
    int threads) {

  /** Validates every field, listing every problem in one message. */
  public LateralOptions {
    Objects.requireNonNull(pattern, "pattern");
    Objects.requireNonNull(inhibition, "inhibition");
    List<String> bad = new ArrayList<>();
    check(bad, sMax >= 0 && Double.isFinite(sMax), "sMax must be finite and >= 0, got " + sMax);
    check(bad, sRate > 0 && Double.isFinite(sRate), "sRate must be finite and > 0, got " + sRate);
    if (inhibition instanceof InhibitionMode.Fixed f && f.value() > sMax) {
      bad.add("s " + f.value() + " must not exceed sMax " + sMax + " (raise sMax to allow it)");
    }
    check(
        bad,
        lambda >= 0 && Double.isFinite(lambda),
        "lambda must be finite and >= 0, got " + lambda);
    check(bad, patch >= 1 && patch <= 64, "patch must be 1..64, got " + patch);
    check(
        bad,
        fistaSteps >= 1 && fistaSteps <= 10_000,
        "fistaSteps must be 1..10000, got " + fistaSteps);
    check(bad, epochs >= 1, "epochs must be >= 1, got " + epochs);
    check(bad, psdEpochs >= 0, "psdEpochs must be >= 0, got " + psdEpochs);
    check(bad, batch >= 1, "batch must be >= 1, got " + batch);
    check(
        bad,
        learningRate > 0 && Double.isFinite(learningRate),
        "learningRate must be finite and > 0, got " + learningRate);
    check(
        bad,
        psdLearningRate > 0 && Double.isFinite(psdLearningRate),
        "psdLearningRate must be finite and > 0, got " + psdLearningRate);
    check(bad, density > 0 && density <= 1, "density must be in (0, 1], got " + density);
    check(bad, threads >= 1, "threads must be >= 1, got " + threads);
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", bad));
    }
  }

  /** The number of units K. */
  public int units() {
    return pattern.units();
  }

  /** All epochs of the run: the joint ones, then the encoder-only ones. */
  public int totalEpochs() {
    return epochs + psdEpochs;
  }

  private static void check(List<String> bad, boolean ok, String message) {
    if (!ok) {
      bad.add(message);
    }
  }
}
