package io.pinwheel.trainer.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The honest way to score a representation with a linear probe: fit one probe per setting (L2
 * strength x epochs) on the fit part, keep the one with the best validation accuracy (the first in
 * grid order on a tie), and score that one probe on the test part, once.
 */
public final class ProbeSelection {
  private ProbeSelection() {}

  /**
   * One setting tried.
   *
   * @param l2 the weight-decay strength
   * @param epochs passes over the fit part
   * @param validationAccuracy its accuracy on the validation part
   */
  public record Candidate(double l2, int epochs, double validationAccuracy) {}

  /**
   * The chosen probe's figures, each named for the split it comes from.
   *
   * @param l2 the chosen L2 strength
   * @param epochs the chosen epoch count
   * @param fitImages the images it was fitted on
   * @param fitAccuracy its accuracy on them
   * @param validationAccuracy its accuracy on the validation part (the basis of the choice)
   * @param testAccuracy its accuracy on the test part, scored once after the choice; null when the
   *     run left the test part alone
   * @param candidates every setting tried, in grid order, with its validation accuracy
   */
  public record Result(
      double l2,
      int epochs,
      int fitImages,
      double fitAccuracy,
      double validationAccuracy,
      Double testAccuracy,
      List<Candidate> candidates) {
    /** Copies the list. */
    public Result {
      candidates = List.copyOf(candidates);
    }
  }

  /**
   * The probe chosen on validation, not yet scored on test.
   *
   * @param probe the chosen probe
   * @param choice its setting and validation accuracy
   * @param candidates every setting tried, in grid order
   * @param fitImages the images it was fitted on
   * @param fitAccuracy its accuracy on them
   */
  public record Chosen(
      LinearProbe probe,
      Candidate choice,
      List<Candidate> candidates,
      int fitImages,
      double fitAccuracy) {
    /** Copies the list. */
    public Chosen {
      Objects.requireNonNull(probe, "probe");
      Objects.requireNonNull(choice, "choice");
      candidates = List.copyOf(candidates);
    }

    /** Scores the chosen probe on the test part: call it once, after the choice. */
    public Result scoredOn(FeatureMatrix test, int[] testLabels) {
      return new Result(
          choice.l2(),
          choice.epochs(),
          fitImages,
          fitAccuracy,
          choice.validationAccuracy(),
          probe.accuracy(test, testLabels),
          candidates);
    }

    /** The choice's figures without a test score, for runs that leave the test part alone. */
    public Result unscored() {
      return new Result(
          choice.l2(),
          choice.epochs(),
          fitImages,
          fitAccuracy,
          choice.validationAccuracy(),
          null,
          candidates);
    }
  }

  /** Called before each fit, so a long selection can show where it is. */
  public interface Listener {
    /** Before fitting setting {@code index} (from 1) of {@code total}. */
    void fitting(int index, int total, double l2, int epochs);
  }

  /**
   * Chooses on validation.
   *
   * @param fit features of the fit part, one row per image
   * @param validation features of the validation part
   * @param classes the number of classes, at least 2
   * @param probe how each probe is fitted (its L2 and epochs are replaced by the grids')
   * @param l2Grid L2 strengths to try, at least one
   * @param epochGrid epoch counts to try, at least one
   */
  public static Chosen choose(
      FeatureMatrix fit,
      int[] fitLabels,
      FeatureMatrix validation,
      int[] validationLabels,
      int classes,
      LinearProbe.Options probe,
      List<Double> l2Grid,
      List<Integer> epochGrid,
      Listener listener) {
    if (l2Grid.isEmpty() || epochGrid.isEmpty()) {
      throw new IllegalArgumentException("l2Grid and epochGrid must each hold at least one value");
    }
    List<Candidate> candidates = new ArrayList<>();
    LinearProbe best = null;
    Candidate bestCandidate = null;
    int total = l2Grid.size() * epochGrid.size();
    int index = 0;
    for (int epochs : epochGrid) {
      for (double l2 : l2Grid) {
        listener.fitting(++index, total, l2, epochs);
        LinearProbe p =
            LinearProbe.fit(fit, fitLabels, classes, probe.withL2(l2).withEpochs(epochs));
        double acc = p.accuracy(validation, validationLabels);
        Candidate c = new Candidate(l2, epochs, acc);
        candidates.add(c);
        if (bestCandidate == null || acc > bestCandidate.validationAccuracy()) {
          best = p;
          bestCandidate = c;
        }
      }
    }
    return new Chosen(best, bestCandidate, candidates, fit.rows(), best.accuracy(fit, fitLabels));
  }
}
