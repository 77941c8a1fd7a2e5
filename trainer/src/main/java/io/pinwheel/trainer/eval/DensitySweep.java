package io.pinwheel.trainer.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.trainer.data.GrayImages;
import io.pinwheel.trainer.viz.LossPlot;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Accuracy and retrieval against code density: the model's code before its output rule, cut by a
 * global threshold chosen on the fit images so that a target share of values stays non-zero (the
 * output rule {@code threshold} at that density), for targets from 0.02 to 0.5, and emitted as an
 * {@link OutputRule} says (the model's own unless another is asked for: keep leaves the values
 * above the threshold as they are, shrink subtracts the threshold), with the model's {@code
 * minActive} floor when it has one (on an image where fewer than that many values pass, the
 * threshold is lowered as {@link OutputSpec#effectiveThreshold} says). At each density a probe
 * (fixed L2 and epochs) is fitted on the fit part and scored on the validation part, and shift-by-1
 * retrieval@1 (four directions, centred cosine) is scored on validation images. Every figure is a
 * validation figure: the sweep is a basis for choosing the rule, not a test result.
 */
public final class DensitySweep {
  /** The code densities aimed at. */
  public static final List<Double> TARGETS = List.of(0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5);

  private static final int SAMPLE = 2_000_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private DensitySweep() {}

  /**
   * One density.
   *
   * @param targetDensity the share of non-zero values aimed at
   * @param threshold the output rule's threshold that gives it on the fit images (values must be
   *     strictly greater to be kept); 0 when the code is already sparser than the target
   * @param validationDensity the share of non-zero values on the validation images
   * @param validationAccuracy the probe's accuracy on the validation images
   * @param shiftRetrievalAt1 shift-by-1 retrieval@1 (four directions) among validation images
   */
  public record Point(
      double targetDensity,
      double threshold,
      double validationDensity,
      double validationAccuracy,
      double shiftRetrievalAt1) {}

  /**
   * The sweep.
   *
   * @param model the model's name
   * @param version its version
   * @param split the images behind the figures (test images are not used)
   * @param outputRule the rule applied at every density ({@code keep} or {@code shrink})
   * @param l2 the probe's L2 strength (chosen on validation for the model's own rule)
   * @param epochs the probe's epochs
   * @param retrievalImages validation images retrieval was scored among
   * @param points one per target, densest first
   */
  public record Report(
      String model,
      int version,
      DataSplit.Sizes split,
      String outputRule,
      double l2,
      int epochs,
      int retrievalImages,
      List<Point> points) {
    /** Copies the list. */
    public Report {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(outputRule, "outputRule");
      points = List.copyOf(points);
    }

    /** The figures as one JSON object. */
    public String toJson() {
      try {
        return JSON.writeValueAsString(this);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write the sweep as JSON", e);
      }
    }

    /** Validation accuracy and shift retrieval against density, as a PNG picture. */
    public byte[] png() {
      double[] x = points.stream().mapToDouble(Point::validationDensity).toArray();
      double[] acc = points.stream().mapToDouble(Point::validationAccuracy).toArray();
      double[] ret = points.stream().mapToDouble(Point::shiftRetrievalAt1).toArray();
      return LossPlot.png(
          List.of(
              new LossPlot.Series("probe accuracy (validation)", x, acc),
              new LossPlot.Series("shift-1 retrieval@1 (validation)", x, ret)),
          model + " v" + version + ", " + outputRule + " rule: accuracy and retrieval vs density",
          "code density",
          720,
          440);
    }
  }

  /** {@code FILE.json} beside {@code FILE.png}. */
  public static Path jsonPath(Path png) {
    String name = png.getFileName().toString();
    String stem = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
    return png.resolveSibling(stem + ".json");
  }

  /**
   * {@link #run(EncoderModel, DataSplit, EvalOptions, double, int, List, OutputRule, EvalProgress)}
   * over the standard {@link #TARGETS} with the model's own rule.
   */
  public static Report run(
      EncoderModel model,
      DataSplit split,
      EvalOptions options,
      double l2,
      int epochs,
      EvalProgress progress) {
    return run(model, split, options, l2, epochs, TARGETS, model.output().rule(), progress);
  }

  /**
   * Runs the sweep.
   *
   * @param split fit and validation images (the test part is not read)
   * @param options threads and probe options; {@code invarianceImages} caps the retrieval images
   * @param l2 the probe's L2 strength
   * @param epochs the probe's epochs
   * @param densities the densities aimed at, each in (0, 1], at least one; swept densest first
   * @param rule what a value above each density's threshold emits
   * @throws IllegalArgumentException if {@code densities} is empty or holds a value outside (0, 1]
   */
  public static Report run(
      EncoderModel model,
      DataSplit split,
      EvalOptions options,
      double l2,
      int epochs,
      List<Double> densities,
      OutputRule rule,
      EvalProgress progress) {
    if (densities.isEmpty()) {
      throw new IllegalArgumentException("densities must hold at least one value");
    }
    for (double d : densities) {
      if (!(d > 0 && d <= 1)) {
        throw new IllegalArgumentException("densities must be in (0, 1], got " + d);
      }
    }
    EncoderModel dense = CodeFeatures.beforeOutputRule(model);
    int threads = options.threads();
    int classes = Math.max(split.fit().classCount(), split.validation().classCount());
    int retrieval = Math.min(Math.max(2, options.invarianceImages()), split.validation().count());
    GrayImages originals = split.validation().head(retrieval);
    List<Invariance.Transform> moves = Invariance.Case.shift(1).transforms();
    int total = 2 + densities.size();
    progress.step("density sweep: encoding the fit and validation codes before the rule", 0, total);
    List<Point> points = new ArrayList<>();
    try (INDArray fit = CodeFeatures.pooled(dense, split.fit(), threads);
        INDArray val = CodeFeatures.pooled(dense, split.validation(), threads);
        INDArray orig = CodeFeatures.pooled(dense, originals, threads)) {
      progress.step("density sweep: encoding shifted validation images", 1, total);
      List<INDArray> moved = new ArrayList<>();
      try {
        for (Invariance.Transform t : moves) {
          moved.add(CodeFeatures.pooled(dense, Invariance.transform(originals, t), threads));
        }
        float[] sample = sample(fit);
        List<Double> targets = new ArrayList<>(densities);
        targets.sort((a, b) -> Double.compare(b, a));
        int step = 2;
        OptionalInt floor = model.output().minActive();
        // The threshold the fit and validation codes have been shrunk by so far.
        float shrunkBy = 0;
        for (double target : targets) {
          progress.step(
              String.format(
                  java.util.Locale.ROOT, "density sweep: density %.2f, fitting the probe", target),
              step++,
              total);
          float threshold = Math.max(0, quantile(sample, 1 - target));
          OutputSpec spec = new OutputSpec(threshold, OptionalInt.empty(), rule, floor);
          double acc;
          double density;
          if (floor.isEmpty()) {
            // Thresholds only rise along the sweep (densest first), so cutting in place is the
            // same as cutting the original codes; shrinking what was shrunk by the last threshold
            // by the rise in threshold is the same as shrinking them, up to float rounding.
            float by = rule == OutputRule.SHRINK ? threshold - shrunkBy : threshold;
            apply(fit, spec.withThreshold(by));
            apply(val, spec.withThreshold(by));
            shrunkBy = threshold;
            acc = probeAccuracy(fit, val, split, classes, options, l2, epochs);
            density = nonZeroShare(val);
          } else {
            // A floor reads each image's values before the cut: rule copies of the codes.
            try (INDArray f = fit.dup();
                INDArray v = val.dup()) {
              apply(f, spec);
              apply(v, spec);
              acc = probeAccuracy(f, v, split, classes, options, l2, epochs);
              density = nonZeroShare(v);
            }
          }
          List<Invariance.Centred> found = new ArrayList<>();
          try (INDArray o = orig.dup()) {
            apply(o, spec);
            for (INDArray m : moved) {
              try (INDArray mc = m.dup()) {
                apply(mc, spec);
                found.add(Invariance.centred(o, mc));
              }
            }
          }
          points.add(
              new Point(
                  target, threshold, density, acc, Invariance.Centred.mean(found).retrievalAt1()));
        }
      } finally {
        for (INDArray m : moved) {
          m.close();
        }
      }
    }
    return new Report(
        model.name(),
        model.version(),
        split.sizes(),
        rule.wireName(),
        l2,
        epochs,
        retrieval,
        points);
  }

  /** Up to {@link #SAMPLE} values of {@code codes}, drawn with a fixed seed, sorted. */
  private static float[] sample(INDArray codes) {
    FloatBuffer b = codes.data().asNioFloat();
    long n = codes.length();
    float[] out;
    if (n <= SAMPLE) {
      out = new float[(int) n];
      b.get(0, out);
    } else {
      out = new float[SAMPLE];
      SplittableRandom random = new SplittableRandom(1);
      for (int i = 0; i < SAMPLE; i++) {
        out[i] = b.get((int) random.nextLong(n));
      }
    }
    Arrays.sort(out);
    return out;
  }

  /**
   * The value below which a share {@code q} of the sorted sample lies; with {@code q = 1 − d}, the
   * threshold above which a share {@code d} lies.
   */
  static float quantile(float[] sorted, double q) {
    int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)));
    return sorted[i];
  }

  private static double probeAccuracy(
      INDArray fit,
      INDArray val,
      DataSplit split,
      int classes,
      EvalOptions options,
      double l2,
      int epochs) {
    LinearProbe p =
        LinearProbe.fit(
            fit, split.fit().labels(), classes, options.probe().withL2(l2).withEpochs(epochs));
    return p.accuracy(val, split.validation().labels());
  }

  /**
   * Applies {@code spec}'s rule in place to each row (one image's code) of {@code codes}, without
   * top-k: every value not above the row's threshold becomes 0, and shrink subtracts that threshold
   * from the others ({@link #applyToRows}).
   */
  static void apply(INDArray codes, OutputSpec spec) {
    FloatBuffer b = codes.data().asNioFloat();
    int size = (int) codes.length();
    int d = codes.columns();
    float[] chunk = new float[Math.min(size, Math.max(1, (1 << 16) / d) * d)];
    for (int at = 0; at < size; at += chunk.length) {
      int len = Math.min(chunk.length, size - at);
      b.get(at, chunk, 0, len);
      applyToRows(spec, chunk, len, d);
      b.put(at, chunk, 0, len);
    }
  }

  /**
   * Applies {@code spec} without top-k in place to each row of {@code d} values (one image's code)
   * in {@code rows[0, length)}, with the row's {@link OutputSpec#effectiveThreshold}; returns how
   * many values passed.
   */
  static long applyToRows(OutputSpec spec, float[] rows, int length, int d) {
    float[] scratch = new float[spec.scratchLength()];
    long passed = 0;
    for (int at = 0; at < length; at += d) {
      float t = spec.effectiveThreshold(rows, at, at + d, scratch);
      for (int i = at; i < at + d; i++) {
        passed += rows[i] > t ? 1 : 0;
      }
      spec.rule().applyInPlace(rows, at, at + d, t);
    }
    return passed;
  }

  private static double nonZeroShare(INDArray codes) {
    FloatBuffer b = codes.data().asNioFloat();
    int size = (int) codes.length();
    long n = 0;
    for (int i = 0; i < size; i++) {
      if (b.get(i) != 0) {
        n++;
      }
    }
    return (double) n / size;
  }
}
