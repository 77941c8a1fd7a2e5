package io.pinwheel.trainer.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link Evaluation#run} measured.
 *
 * @param model the model's name
 * @param version the model's version
 * @param codeShape the code's shape [G, H', W']
 * @param classes the number of classes
 * @param trainImages training images the code probe was fitted on
 * @param testImages test images it was scored on
 * @param testAccuracy the code probe's accuracy on the test images, in [0, 1]
 * @param trainAccuracy the code probe's accuracy on its own training images
 * @param l2 the code probe's L2 strength
 * @param pixelTestAccuracy the same kind of probe on pixel/255, the baseline
 * @param pixelL2 the pixel probe's L2 strength
 * @param prePoolingTestAccuracy the same kind of probe on the codes before pooling, or null when
 *     skipped
 * @param prePoolingTrainImages the training images that probe was fitted on, 0 when skipped
 * @param headTestAccuracy the accuracy of the model's own classifier head on the test images, or
 *     null when it has none
 * @param density the mean fraction of non-zero code values over training and test images
 * @param meanNonZeros the mean number of non-zero code values per image
 * @param invarianceImages the test images invariance was scored on, 0 when skipped
 * @param invariance one row per transform: mean cosine for pixels, pre-pooling and pooled codes
 * @param timings where the time went
 */
public record EvalReport(
    String model,
    int version,
    List<Integer> codeShape,
    int classes,
    int trainImages,
    int testImages,
    double testAccuracy,
    double trainAccuracy,
    double l2,
    double pixelTestAccuracy,
    double pixelL2,
    Double prePoolingTestAccuracy,
    int prePoolingTrainImages,
    Double headTestAccuracy,
    double density,
    double meanNonZeros,
    int invarianceImages,
    List<Invariance.Row> invariance,
    Timings timings) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Validates and copies; messages name the field. */
  public EvalReport {
    Objects.requireNonNull(model, "model");
    codeShape = List.copyOf(codeShape);
    invariance = List.copyOf(invariance);
    Objects.requireNonNull(timings, "timings");
    if (trainImages < 1 || testImages < 1) {
      throw new IllegalArgumentException(
          "trainImages and testImages must be >= 1, got " + trainImages + ", " + testImages);
    }
    if (!(density >= 0 && density <= 1)) {
      throw new IllegalArgumentException("density must be in [0, 1], got " + density);
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
    line(s, "images", trainImages + " train, " + testImages + " test, " + classes + " classes");
    s.append('\n');
    line(s, "test accuracy (codes)", pct(testAccuracy) + "   (L2 " + sci(l2) + ")");
    line(s, "train accuracy (codes)", pct(trainAccuracy));
    line(s, "test accuracy (pixels)", pct(pixelTestAccuracy) + "   (L2 " + sci(pixelL2) + ")");
    if (prePoolingTestAccuracy != null) {
      line(
          s,
          "test accuracy (pre-pool)",
          pct(prePoolingTestAccuracy) + "   (fitted on " + prePoolingTrainImages + " images)");
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
              "invariance: mean cosine, %d test images%n%-12s %8s %11s %8s%n",
              invarianceImages,
              "transform",
              "pixels",
              "pre-pooling",
              "pooled"));
      for (Invariance.Row r : invariance) {
        s.append(
            String.format(
                Locale.ROOT,
                "%-12s %8.3f %11s %8.3f%n",
                r.transform(),
                r.pixels(),
                r.prePooling() == null ? "-" : String.format(Locale.ROOT, "%.3f", r.prePooling()),
                r.pooled()));
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
