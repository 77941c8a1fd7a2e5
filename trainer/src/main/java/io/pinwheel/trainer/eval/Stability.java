package io.pinwheel.trainer.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinwheel.extractor.Normalizer;
import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.trainer.data.DataException;
import io.pinwheel.trainer.data.GrayImages;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Temporal stability under a synthetic moving camera: how alike the representations of frames k
 * apart stay when a camera pans across, or zooms into, a large photograph, frames a few pixels
 * apart as a moving camera gives them.
 *
 * <p>Each photograph is read in gray and scaled (area interpolation) so its shorter side is {@code
 * sceneScale} times the model's input side. Two sequences of {@code frames} frames are cut from it:
 * a horizontal pan, an input-sized window moving {@code panStep} pixels per frame across the
 * centre; and a zoom, a centred square window starting at twice the input side and shrinking by
 * {@code zoomStep} per frame, scaled down to the input size. Frames are 8-bit, as a camera's would
 * be, and go through the encoder exactly as {@code serve}'s decoded frames do.
 *
 * <p>Four representations are compared: raw pixels (pixel/255), the model's normalized input (LCN
 * for the natural-image models), the pooled code before the output rule, and the code {@code serve}
 * emits (after the rule). For each, the mean over all frames of all sequences is subtracted
 * (centring: non-negative codes are otherwise alike even for unrelated frames), then the cosine
 * between frames t and t + k is averaged over t and over sequences, for each lag k.
 *
 * <p>The output rule sweep ({@link RulePoint}) asks what each rule costs: for code densities from
 * 0.02 to 0.5 it takes the threshold that lets that share of the pooled values through on these
 * frames and scores the code the {@link OutputRule#KEEP} rule emits with it (values above kept as
 * they are, the rest zeroed) next to the code the {@link OutputRule#SHRINK} rule emits (max(p − τ,
 * 0), which moves continuously as a value crosses the threshold), whichever rule the model has,
 * each with the model's {@code minActive} floor when it has one (so that the sweep's row at the
 * model's own threshold and rule is the emitted code). Run it on validation photographs to choose a
 * rule and a threshold.
 */
public final class Stability {
  private static final String NO_PHOTOGRAPHS =
      "no photographs to cut camera frames from: the folder holds no image files";

  /** The lags scored. */
  public static final List<Integer> LAGS = List.of(1, 5, 10, 20);

  /** The code densities the output rule sweep visits. */
  public static final List<Double> SWEEP_DENSITIES = List.of(0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5);

  /** At most this many pooled values are sampled (evenly strided) to place the thresholds. */
  private static final int QUANTILE_SAMPLE = 1 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private Stability() {}

  /**
   * How the synthetic camera moves.
   *
   * @param frames frames per sequence, more than the largest lag
   * @param panStep pixels the pan moves per frame, at least 1
   * @param zoomStep the share the zoom window shrinks by per frame, in (0, 0.05]
   * @param sceneScale the photograph's shorter side over the input side, at least 3
   */
  public record Camera(int frames, int panStep, double zoomStep, double sceneScale) {
    /** Validates every field; messages name the field. */
    public Camera {
      int maxLag = LAGS.get(LAGS.size() - 1);
      if (frames <= maxLag) {
        throw new IllegalArgumentException("frames must be > " + maxLag + ", got " + frames);
      }
      if (panStep < 1) {
        throw new IllegalArgumentException("panStep must be >= 1, got " + panStep);
      }
      if (!(zoomStep > 0 && zoomStep <= 0.05)) {
        throw new IllegalArgumentException("zoomStep must be in (0, 0.05], got " + zoomStep);
      }
      if (!(sceneScale >= 3) || !Double.isFinite(sceneScale)) {
        throw new IllegalArgumentException("sceneScale must be >= 3, got " + sceneScale);
      }
    }

    /** 41 frames, 2 pixels per frame, 1% zoom per frame, photographs 4 input sides across. */
    public static Camera defaults() {
      return new Camera(41, 2, 0.01, 4);
    }
  }

  /**
   * One representation's centred cosine at each lag of {@link #LAGS}.
   *
   * @param representation {@code pixels}, {@code normalized}, {@code beforeRule} or {@code emitted}
   * @param pan over the pan sequences
   * @param zoom over the zoom sequences
   * @param all over both
   */
  public record Row(String representation, List<Double> pan, List<Double> zoom, List<Double> all) {
    /** Copies the lists. */
    public Row {
      Objects.requireNonNull(representation, "representation");
      pan = List.copyOf(pan);
      zoom = List.copyOf(zoom);
      all = List.copyOf(all);
    }
  }

  /**
   * One density of the output rule sweep, over both motions.
   *
   * @param targetDensity the share of pooled values the threshold was placed to let through
   * @param threshold that threshold: values strictly above it pass
   * @param density the share that does pass (ties at the threshold can make it smaller, the model's
   *     floor larger)
   * @param kept the centred cosine at each lag of {@link #LAGS} for the code the {@link
   *     OutputRule#KEEP} rule gives with this threshold (values above kept, the rest zeroed)
   * @param shrunk the same for the {@link OutputRule#SHRINK} rule, max(p − threshold, 0)
   */
  public record RulePoint(
      double targetDensity,
      float threshold,
      double density,
      List<Double> kept,
      List<Double> shrunk) {
    /** Copies the lists. */
    public RulePoint {
      kept = List.copyOf(kept);
      shrunk = List.copyOf(shrunk);
    }
  }

  /**
   * What {@link #measure} found.
   *
   * @param model the model's name
   * @param version its version
   * @param normalization the model's input normalization (what {@code normalized} means)
   * @param outputRule the model's output rule ({@code keep} or {@code shrink}), which {@code
   *     emitted} applies
   * @param minActive the model's floor ({@code output.minActive}), null when it has none
   * @param photographs the photographs used, as given
   * @param skipped the files left out (not an image, or too small), each with the reason
   * @param camera how the camera moved
   * @param lags the lags, as in each row
   * @param emittedDensity the emitted code's mean share of non-zero values over all frames
   * @param emptyFrames the frames whose emitted code has no non-zero value
   * @param encodeMillisPerFrame wall-clock milliseconds per frame of the emitted pass: the frames
   *     (already in memory) normalized, encoded and ruled with {@code threads} encoders, a cheap
   *     serving-cost figure for comparing models in one run (not a benchmark: no warm-up)
   * @param rows one per representation
   * @param ruleSweep the output rule sweep, by increasing density
   */
  public record Report(
      String model,
      int version,
      String normalization,
      String outputRule,
      Integer minActive,
      List<String> photographs,
      List<String> skipped,
      Camera camera,
      List<Integer> lags,
      double emittedDensity,
      int emptyFrames,
      double encodeMillisPerFrame,
      List<Row> rows,
      List<RulePoint> ruleSweep) {
    /** Copies the lists. */
    public Report {
      Objects.requireNonNull(outputRule, "outputRule");
      photographs = List.copyOf(photographs);
      skipped = List.copyOf(skipped);
      lags = List.copyOf(lags);
      rows = List.copyOf(rows);
      ruleSweep = List.copyOf(ruleSweep);
    }

    /** The report as one JSON object. */
    public String toJson() {
      try {
        return JSON.writeValueAsString(this);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write the report as JSON", e);
      }
    }

    /** An aligned table for people. */
    public String toTable() {
      StringBuilder s = new StringBuilder();
      s.append(
          String.format(
              Locale.ROOT,
              "model %s v%d; %d photographs (%d files skipped), a pan (%d px/frame) and a zoom (%.1f%%/frame) of %d"
                  + " frames each%ncentred cosine between frames k apart (mean over all frames"
                  + " subtracted); output rule %s%s; emitted code density %.4f, %d of %d frames"
                  + " empty; encoding %.2f ms/frame%n%n",
              model,
              version,
              photographs.size(),
              skipped.size(),
              camera.panStep(),
              100 * camera.zoomStep(),
              camera.frames(),
              outputRule,
              minActive == null ? "" : ", at least " + minActive + " active",
              emittedDensity,
              emptyFrames,
              2 * photographs.size() * camera.frames(),
              encodeMillisPerFrame));
      s.append(String.format(Locale.ROOT, "%-28s %-6s", "representation", "motion"));
      for (int k : lags) {
        s.append(String.format(Locale.ROOT, " %7s", "k=" + k));
      }
      s.append('\n');
      for (Row r : rows) {
        String name =
            r.representation().equals("normalized")
                ? "normalized (" + normalization + ")"
                : r.representation();
        line(s, name, "pan", r.pan());
        line(s, "", "zoom", r.zoom());
        line(s, "", "both", r.all());
      }
      if (!ruleSweep.isEmpty()) {
        s.append(
            String.format(
                Locale.ROOT,
                "%noutput rule sweep over these frames (both motions): threshold for each density;"
                    + " keep = values above it as they are, shrink = max(p - threshold, 0)%s%n",
                minActive == null
                    ? ""
                    : "; on a frame where fewer than "
                        + minActive
                        + " pass, the threshold is lowered so that "
                        + minActive
                        + " do"));
        s.append(
            String.format(
                Locale.ROOT, "%-8s %-11s %-8s %-7s", "target", "threshold", "density", "rule"));
        for (int k : lags) {
          s.append(String.format(Locale.ROOT, " %7s", "k=" + k));
        }
        s.append('\n');
        for (RulePoint p : ruleSweep) {
          String head =
              String.format(
                  Locale.ROOT,
                  "%-8.2f %-11.6g %-8.4f",
                  p.targetDensity(),
                  p.threshold(),
                  p.density());
          line(s, head, OutputRule.KEEP.wireName(), p.kept(), 28);
          line(s, "", OutputRule.SHRINK.wireName(), p.shrunk(), 28);
        }
      }
      return s.toString();
    }

    private static void line(StringBuilder s, String name, String motion, List<Double> v) {
      line(s, name, motion, v, 28);
    }

    private static void line(
        StringBuilder s, String name, String motion, List<Double> v, int nameWidth) {
      s.append(String.format(Locale.ROOT, "%-" + nameWidth + "s %-6s", name, motion));
      for (double x : v) {
        s.append(String.format(Locale.ROOT, " %7.3f", x));
      }
      s.append('\n');
    }
  }

  /**
   * The pan and the zoom over one photograph, as 8-bit frames of {@code height x width}.
   *
   * @throws DataException if the file cannot be read as an image or is too small
   */
  public static List<GrayImages> sequences(Path photo, int height, int width, Camera camera)
      throws DataException {
    OpenCv.load();
    Mat raw = Imgcodecs.imread(photo.toString(), Imgcodecs.IMREAD_GRAYSCALE);
    Mat scene = new Mat();
    try {
      if (raw.empty()) {
        throw new DataException("cannot read " + photo + " as an image");
      }
      double side = Math.max(height, width) * camera.sceneScale();
      double f = side / Math.min(raw.rows(), raw.cols());
      if (f > 1) {
        throw new DataException(
            photo
                + " is "
                + raw.cols()
                + "x"
                + raw.rows()
                + ", too small for a scene "
                + camera.sceneScale()
                + " input sides across");
      }
      Imgproc.resize(
          raw,
          scene,
          new Size(Math.round(raw.cols() * f), Math.round(raw.rows() * f)),
          0,
          0,
          Imgproc.INTER_AREA);
      int n = camera.frames();
      byte[] pan = new byte[n * height * width];
      byte[] zoom = new byte[n * height * width];
      int cx = scene.cols() / 2;
      int cy = scene.rows() / 2;
      int x0 = cx - (width + (n - 1) * camera.panStep()) / 2;
      for (int t = 0; t < n; t++) {
        Mat view =
            scene.submat(new Rect(x0 + t * camera.panStep(), cy - height / 2, width, height));
        copy(view, pan, t * height * width, height, width);
        view.release();
        double s = 2 * Math.pow(1 - camera.zoomStep(), t);
        int w = (int) Math.round(width * s);
        int h = (int) Math.round(height * s);
        Mat window = scene.submat(new Rect(cx - w / 2, cy - h / 2, w, h));
        Mat small = new Mat();
        Imgproc.resize(window, small, new Size(width, height), 0, 0, Imgproc.INTER_AREA);
        copy(small, zoom, t * height * width, height, width);
        small.release();
        window.release();
      }
      return List.of(
          new GrayImages(n, height, width, pan, new int[0]),
          new GrayImages(n, height, width, zoom, new int[0]));
    } finally {
      raw.release();
      scene.release();
    }
  }

  private static void copy(Mat m, byte[] out, int at, int height, int width) {
    Mat c = m.isContinuous() ? m : m.clone();
    byte[] b = new byte[height * width];
    c.get(0, 0, b);
    System.arraycopy(b, 0, out, at, b.length);
    if (c != m) {
      c.release();
    }
  }

  /**
   * Scores the model's representations on the camera's sequences over {@code photos}.
   *
   * @param threads encoder threads, at least 1
   * @throws DataException if no photograph can be read and is large enough; the others are skipped
   *     and listed in the report
   */
  public static Report measure(
      EncoderModel model, List<Path> photos, Camera camera, int threads, EvalProgress progress)
      throws DataException {
    if (photos.isEmpty()) {
      throw new DataException(NO_PHOTOGRAPHS);
    }
    int h = model.input().height();
    int w = model.input().width();
    int done = 0;
    int total = 4;
    List<String> used = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    progress.step("cutting frames from " + photos.size() + " photographs", done++, total);
    GrayImages frames = cameraFrames(photos, h, w, camera, used, skipped);
    int pans = used.size();
    int perSequence = camera.frames();
    List<Row> rows = new ArrayList<>();
    double density;
    int empty;
    double encodeMillis;
    progress.step("pixels and normalized pixels", done++, total);
    try (INDArray px = CodeFeatures.pixels(frames)) {
      rows.add(row("pixels", px, pans, perSequence));
      normalize(px, model, frames);
      rows.add(row("normalized", px, pans, perSequence));
    }
    progress.step("codes before the output rule", done++, total);
    List<RulePoint> sweep;
    try (INDArray c = CodeFeatures.pooled(CodeFeatures.beforeOutputRule(model), frames, threads)) {
      rows.add(row("beforeRule", c, pans, perSequence));
      sweep = ruleSweep(c, pans, perSequence, model.output().minActive());
    }
    progress.step("emitted codes", done++, total);
    long start = System.nanoTime();
    try (INDArray c = CodeFeatures.pooled(model, frames, threads)) {
      encodeMillis = (System.nanoTime() - start) / 1e6 / frames.count();
      rows.add(row("emitted", c, pans, perSequence));
      density = nonZeroShare(c);
      empty = emptyRows(c);
    }
    return new Report(
        model.name(),
        model.version(),
        model.input().normalize().toString(),
        model.output().rule().wireName(),
        model.output().minActive().isPresent() ? model.output().minActive().getAsInt() : null,
        used,
        skipped,
        camera,
        LAGS,
        density,
        empty,
        encodeMillis,
        rows,
        sweep);
  }

  /**
   * The output rule sweep over pooled codes before the rule: for each of {@link #SWEEP_DENSITIES},
   * the threshold that lets that share of values through, and the centred cosine (both motions) of
   * the codes the keep and the shrink rules emit with it and the floor {@code minActive} (empty for
   * none), applied to each frame (row). The first {@code pans} sequences of {@code perSequence}
   * rows are pans, the rest zooms.
   */
  static List<RulePoint> ruleSweep(
      INDArray pooled, int pans, int perSequence, OptionalInt minActive) {
    float[] values = pooled.data().asFloat();
    float[] sample = sortedSample(values);
    int d = pooled.columns();
    List<RulePoint> out = new ArrayList<>();
    for (double target : SWEEP_DENSITIES) {
      float threshold = DensitySweep.quantile(sample, 1 - target);
      // One buffer, filled for each rule in turn: the codes can be large.
      float[] ruled = new float[values.length];
      long[] shape = pooled.shape();
      List<List<Double>> cosines = new ArrayList<>();
      long passed = 0;
      for (OutputRule rule : List.of(OutputRule.KEEP, OutputRule.SHRINK)) {
        System.arraycopy(values, 0, ruled, 0, values.length);
        OutputSpec spec = new OutputSpec(threshold, OptionalInt.empty(), rule, minActive);
        passed = DensitySweep.applyToRows(spec, ruled, ruled.length, d);
        try (INDArray k = Nd4j.create(ruled, shape)) {
          cosines.add(row(rule.wireName(), k, pans, perSequence).all());
        }
      }
      out.add(
          new RulePoint(
              target, threshold, (double) passed / values.length, cosines.get(0), cosines.get(1)));
    }
    return out;
  }

  /** At most {@link #QUANTILE_SAMPLE} of {@code values}, evenly strided, sorted. */
  static float[] sortedSample(float[] values) {
    int stride = Math.max(1, values.length / QUANTILE_SAMPLE);
    float[] sample = new float[(values.length + stride - 1) / stride];
    for (int i = 0, j = 0; i < values.length; i += stride, j++) {
      sample[j] = values[i];
    }
    Arrays.sort(sample);
    return sample;
  }

  /**
   * The pan and zoom frames {@link #measure} scores, over every photograph that is large enough,
   * pans first; {@code used} and {@code skipped} receive the file names and the reasons.
   *
   * @throws DataException if no photograph is usable
   */
  static GrayImages cameraFrames(
      List<Path> photos, int h, int w, Camera camera, List<String> used, List<String> skipped)
      throws DataException {
    List<GrayImages> pans = new ArrayList<>();
    List<GrayImages> zooms = new ArrayList<>();
    for (Path p : photos) {
      List<GrayImages> two;
      try {
        two = sequences(p, h, w, camera);
      } catch (DataException e) {
        skipped.add(e.getMessage());
        continue;
      }
      used.add(p.toString());
      pans.add(two.get(0));
      zooms.add(two.get(1));
    }
    if (photos.isEmpty()) {
      throw new DataException(NO_PHOTOGRAPHS);
    }
    if (pans.isEmpty()) {
      throw new DataException("no usable photograph: " + String.join("; ", skipped));
    }
    pans.addAll(zooms);
    return concat(pans);
  }

  /** Replaces each row of pixel/255 with the model's input normalization of it. */
  private static void normalize(INDArray px, EncoderModel model, GrayImages frames) {
    int n = frames.count();
    int d = frames.height() * frames.width();
    FloatBuffer b = px.data().asNioFloat();
    float[] row = new float[d];
    for (int i = 0; i < n; i++) {
      b.get(i * d, row, 0, d);
      // The frames the encoder reads are pixel/255 before normalization (CodeFeatures.frame).
      Normalizer.apply(model.input().normalize(), row, 1, frames.height(), frames.width());
      b.put(i * d, row, 0, d);
    }
  }

  /**
   * Centred cosine at each lag: the first {@code pans} sequences of {@code perSequence} rows are
   * pans, the rest zooms.
   */
  static Row row(String name, INDArray x, int pans, int perSequence) {
    int n = x.rows();
    int d = x.columns();
    FloatBuffer b = x.data().asNioFloat();
    double[] mean = new double[d];
    float[] r = new float[d];
    for (int i = 0; i < n; i++) {
      b.get(i * d, r, 0, d);
      for (int j = 0; j < d; j++) {
        mean[j] += r[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    // Centred, unit-length rows (zero rows stay zero).
    float[][] u = new float[n][];
    for (int i = 0; i < n; i++) {
      b.get(i * d, r, 0, d);
      float[] c = new float[d];
      double norm = 0;
      for (int j = 0; j < d; j++) {
        c[j] = (float) (r[j] - mean[j]);
        norm += (double) c[j] * c[j];
      }
      if (norm > 0) {
        float inv = (float) (1 / Math.sqrt(norm));
        for (int j = 0; j < d; j++) {
          c[j] *= inv;
        }
      }
      u[i] = c;
    }
    int sequences = n / perSequence;
    List<Double> pan = new ArrayList<>();
    List<Double> zoom = new ArrayList<>();
    List<Double> all = new ArrayList<>();
    for (int k : LAGS) {
      double sp = 0;
      double sz = 0;
      int np = 0;
      int nz = 0;
      for (int s = 0; s < sequences; s++) {
        for (int t = 0; t + k < perSequence; t++) {
          float[] a = u[s * perSequence + t];
          float[] c = u[s * perSequence + t + k];
          double dot = 0;
          for (int j = 0; j < d; j++) {
            dot += (double) a[j] * c[j];
          }
          if (s < pans) {
            sp += dot;
            np++;
          } else {
            sz += dot;
            nz++;
          }
        }
      }
      pan.add(np == 0 ? Double.NaN : sp / np);
      zoom.add(nz == 0 ? Double.NaN : sz / nz);
      all.add((sp + sz) / (np + nz));
    }
    return new Row(name, pan, zoom, all);
  }

  private static GrayImages concat(List<GrayImages> parts) {
    GrayImages first = parts.get(0);
    int size = first.height() * first.width();
    int n = parts.stream().mapToInt(GrayImages::count).sum();
    byte[] out = new byte[n * size];
    int at = 0;
    for (GrayImages g : parts) {
      System.arraycopy(g.pixels(), 0, out, at, g.pixels().length);
      at += g.pixels().length;
    }
    return new GrayImages(n, first.height(), first.width(), out, new int[0]);
  }

  private static double nonZeroShare(INDArray codes) {
    FloatBuffer b = codes.data().asNioFloat();
    long size = codes.length();
    long n = 0;
    for (int i = 0; i < size; i++) {
      if (b.get(i) != 0) {
        n++;
      }
    }
    return (double) n / size;
  }

  private static int emptyRows(INDArray codes) {
    FloatBuffer b = codes.data().asNioFloat();
    int n = codes.rows();
    int d = codes.columns();
    int empty = 0;
    for (int r = 0; r < n; r++) {
      boolean any = false;
      for (int j = 0; j < d && !any; j++) {
        any = b.get(r * d + j) != 0;
      }
      empty += any ? 0 : 1;
    }
    return empty;
  }
}
