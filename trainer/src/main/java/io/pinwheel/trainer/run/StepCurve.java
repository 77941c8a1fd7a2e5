package io.pinwheel.trainer.run;

import io.pinwheel.trainer.viz.LossPlot;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Per-step loss terms for the loss picture, averaged over blocks of steps at plot time so the plot
 * stays readable. Each series is a function of a step's {@link StepInfo}.
 */
public final class StepCurve implements TrainingListener {
  private static final int MAX_POINTS = 200;

  /**
   * One line of the plot.
   *
   * @param name its legend
   * @param value its value at a step
   * @param omitWhenZero leave it out when every value is zero (a flat zero line only forces a
   *     linear axis)
   */
  public record Series(String name, ToDoubleFunction<StepInfo> value, boolean omitWhenZero) {}

  private final List<Series> series;
  private final List<double[]> steps = new ArrayList<>();

  /** A curve of these series. */
  public StepCurve(List<Series> series) {
    this.series = List.copyOf(series);
  }

  /** A series drawn always. */
  public static Series series(String name, ToDoubleFunction<StepInfo> value) {
    return new Series(name, value, false);
  }

  @Override
  public void onStep(StepInfo step) {
    double[] v = new double[series.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = series.get(i).value().applyAsDouble(step);
    }
    steps.add(v);
  }

  /** The number of steps recorded. */
  public int size() {
    return steps.size();
  }

  /** The series, averaged over blocks of steps: at most 200 points each. */
  public List<LossPlot.Series> plotSeries() {
    int block = Math.max(1, (steps.size() + MAX_POINTS - 1) / MAX_POINTS);
    int points = (steps.size() + block - 1) / block;
    double[] x = new double[points];
    double[][] y = new double[series.size()][points];
    for (int p = 0; p < points; p++) {
      int from = p * block;
      int to = Math.min(steps.size(), from + block);
      for (int i = from; i < to; i++) {
        for (int c = 0; c < y.length; c++) {
          y[c][p] += steps.get(i)[c] / (to - from);
        }
      }
      x[p] = to;
    }
    List<LossPlot.Series> out = new ArrayList<>();
    for (int c = 0; c < y.length; c++) {
      boolean allZero = true;
      for (double v : y[c]) {
        allZero &= v == 0;
      }
      if (series.get(c).omitWhenZero() && allZero) {
        continue;
      }
      out.add(new LossPlot.Series(series.get(c).name(), x, y[c]));
    }
    return out;
  }

  /** The loss picture, or nothing when fewer than two steps were recorded. */
  public java.util.Optional<byte[]> png(String title) {
    if (steps.size() < 2) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(LossPlot.png(plotSeries(), title, "step", 800, 480));
  }
}
