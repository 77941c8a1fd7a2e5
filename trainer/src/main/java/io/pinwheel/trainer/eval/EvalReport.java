package io.pinwheel.trainer.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link Evaluation#run} measured. Every accuracy is named for the split it comes from: {@code
 * fit} (what a probe learned on), {@code validation} (what every choice was made on) or {@code
 * test} (scored once, for the probe chosen on validation); {@link #split} gives their sizes and
 * seed.
 *
 * @param model the model's name
 * @param version the model's version
 * @param codeShape the code's shape [G, H', W']
 * @param classes the number of classes
 * @param split the fit, validation and test images behind the figures
 * @param codes the probe on the model's codes
 * @param pixels the same kind of probe on pixel/255, or null when baselines were skipped
 * @param prePooling the same on the codes before pooling (fitted on at most {@code
 *     prePoolingTrainLimit} fit images), or null when skipped or the model has no pooling
 * @param headTestAccuracy the accuracy of the model's own classifier head on the test images, or
 *     null when it has none
 * @param density the mean fraction of non-zero code values over the images encoded: fit, validation
 *     and (unless the run left them alone) test images
 * @param meanNonZeros the mean number of non-zero code values per image
 * @param invarianceImages the images invariance was scored on, 0 when skipped
 * @param invarianceSplit the split those images come from: {@code test}, or {@code validation} when
 *     the run left the test images alone
 * @param invariance one row per transform, for pixels, pre-pooling and pooled codes
 * @param timings where the time went
 */
public record EvalReport(
    String model,
    int version,
    List<Integer> codeShape,
    int classes,
    DataSplit.Sizes split,
    ProbeSelection.Result codes,
    Baseline pixels,
    Baseline prePooling,
    Double headTestAccuracy,
    double density,
    double meanNonZeros,
    int invarianceImages,
    String invarianceSplit,
    List<Invariance.Row> invariance,
    Timings timings) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Validates and copies; messages name the field. */
  public EvalReport {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(split, "split");
    Objects.requireNonNull(invarianceSplit, "invarianceSplit");
    Objects.requireNonNull(codes, "codes");
    codeShape = List.copyOf(codeShape);
    invariance = List.copyOf(invariance);
    Objects.requireNonNull(timings, "timings");
    if (!(density >= 0 && density <= 1)) {
      throw new IllegalArgumentException("density must be in [0, 1], got " + density);
    }
  }

  /**
   * A baseline probe and where its figures came from.
   *
   * @param probe the probe chosen on validation and scored on test
   * @param source {@code computed}, or {@code cached <file>} when read from an earlier run's cache
   */
  public record Baseline(ProbeSelection.Result probe, String source) {
    /** Validates the fields. */
    public Baseline {
      Objects.requireNonNull(probe, "probe");
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * Seconds spent in each part of the run.
   *
   * @param encode encoding the training and test images into pooled codes
   * @param fit fitting the code probe, L2 search included
   * @param baselines encoding and fitting the pixel and pre-pooling probes
   * @param invariance scoring invariance
   * @param total the whole run
   */
  public record Timings(
      double encode, double fit, double baselines, double invariance, double total) {}

  /** The report as one JSON object. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the report as JSON", e);
    }
  }

  /** The report as an aligned table for people. */
  public String toTable() {
    StringBuilder s = new StringBuilder();
    String shape =
        String.join("x", codeShape.stream().map(String::valueOf).toList())
            + " = "
            + codeShape.stream().mapToInt(Integer::intValue).reduce(1, (a, b) -> a * b);
    line(s, "model", model + " v" + version);
    line(s, "code shape", shape);
    line(
        s,
        "images",
        String.format(
            Locale.ROOT,
            "%d fit + %d validation (training split, shuffle seed %d), %d test, %d classes",
            split.fitImages(),
            split.validationImages(),
            split.seed(),
            split.testImages(),
            classes));
    s.append('\n');
    s.append(
        String.format(
            Locale.ROOT,
            "%-26s %9s %11s %8s   %s%n",
            "linear probe on",
            "test",
            "validation",
            "fit",
            "chosen on validation"));
    probe(s, "codes", codes, "");
    if (pixels != null) {
      probe(s, "pixels", pixels.probe(), pixels.source());
    }
    if (prePooling != null) {
      probe(s, "pre-pooling codes", prePooling.probe(), prePooling.source());
    }
    if (pixels == null && prePooling == null) {
      s.append("(baselines skipped)\n");
    }
    if (headTestAccuracy != null) {
      line(s, "test accuracy (own head)", pct(headTestAccuracy));
    }
    line(
        s,
        "code density",
        String.format(Locale.ROOT, "%.4f   (%.1f non-zeros per image)", density, meanNonZeros));
    if (!invariance.isEmpty()) {
      s.append('\n');
      s.append(
          String.format(
              Locale.ROOT,
              "invariance, %d %s images: retrieval@1 by centred cosine among the originals;"
                  + " centred cosine same / different image; old uncentred mean cosine%n",
              invarianceImages,
              invarianceSplit));
      s.append(
          String.format(
              Locale.ROOT,
              "%-10s | %-27s | %-27s | %-27s%n",
              "transform",
              "pixels  r@1 same  diff old",
              "pre-pool r@1 same diff old",
              "pooled  r@1 same  diff old"));
      for (Invariance.Row r : invariance) {
        s.append(
            String.format(
                Locale.ROOT,
                "%-10s | %s | %s | %s%n",
                r.transform(),
                centred(r.pixelsCentred(), r.pixels()),
                r.prePoolingCentred() == null
                    ? String.format(Locale.ROOT, "%-27s", "-")
                    : centred(r.prePoolingCentred(), r.prePooling()),
                centred(r.pooledCentred(), r.pooled())));
      }
    }
    s.append('\n');
    line(
        s,
        "time",
        String.format(
            Locale.ROOT,
            "encode %.1f s, fit %.1f s, baselines %.1f s, invariance %.1f s, total %.1f s",
            timings.encode(),
            timings.fit(),
            timings.baselines(),
            timings.invariance(),
            timings.total()));
    return s.toString();
  }

  private static void probe(StringBuilder s, String name, ProbeSelection.Result p, String source) {
    s.append(
        String.format(
            Locale.ROOT,
            "%-26s %9s %11s %8s   L2 %s, %d epochs, %d fit images%s%n",
            name,
            p.testAccuracy() == null ? "-" : pct(p.testAccuracy()),
            pct(p.validationAccuracy()),
            pct(p.fitAccuracy()),
            sci(p.l2()),
            p.epochs(),
            p.fitImages(),
            source.isEmpty() || source.equals("computed") ? "" : "  (" + source + ")"));
  }

  private static String centred(Invariance.Centred c, double old) {
    return String.format(
        Locale.ROOT,
        "%5.3f %6.3f %6.3f %5.3f",
        c.retrievalAt1(),
        c.sameCosine(),
        c.differentCosine(),
        old);
  }

  private static void line(StringBuilder s, String label, String value) {
    s.append(String.format(Locale.ROOT, "%-26s %s%n", label, value));
  }

  private static String pct(double fraction) {
    return String.format(Locale.ROOT, "%6.2f%%", 100 * fraction);
  }

  private static String sci(double v) {
    return String.format(Locale.ROOT, "%.0e", v);
  }
}
