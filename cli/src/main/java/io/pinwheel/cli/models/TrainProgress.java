package io.pinwheel.cli.models;

import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.ProgressLine;
import io.pinwheel.trainer.run.EpochInfo;
import io.pinwheel.trainer.run.StepInfo;
import io.pinwheel.trainer.run.Term;
import io.pinwheel.trainer.run.TrainingListener;
import java.util.List;
import java.util.Locale;

/**
 * Every {@code train} command's progress on a {@link ProgressLine}: the step's terms and throughput
 * on the bar, and a line per epoch with its loss, terms, further measures and resident memory.
 */
final class TrainProgress implements TrainingListener {
  final ProgressLine line;

  TrainProgress(CliContext context) {
    line = new ProgressLine(context, System.console() != null);
  }

  @Override
  public void onStep(StepInfo s) {
    line.step(
        s.epoch(),
        s.epochs(),
        s.batchInEpoch(),
        s.batchesPerEpoch(),
        terms(s.terms(), "  ") + String.format(Locale.ROOT, "  %.0f ex/s", s.examplesPerSecond()));
  }

  @Override
  public void onEpoch(EpochInfo e) {
    String phase = e.phase().isEmpty() ? "" : " (" + e.phase() + ")";
    String measures = e.measures().isEmpty() ? "" : "; " + terms(e.measures(), ", ");
    line.epoch(
        String.format(
            Locale.ROOT,
            "epoch %d%s done in %s: loss %.4g (%s)%s; resident memory %.0f MB",
            e.epoch(),
            phase,
            ProgressLine.duration((long) e.seconds()),
            e.loss(),
            terms(e.terms(), ", "),
            measures,
            e.residentMegabytes()));
  }

  private static String terms(List<Term> terms, String separator) {
    StringBuilder s = new StringBuilder();
    for (Term t : terms) {
      if (s.length() > 0) {
        s.append(separator);
      }
      s.append(t.name()).append(' ').append(String.format(Locale.ROOT, "%.4g", t.value()));
    }
    return s.toString();
  }
}
