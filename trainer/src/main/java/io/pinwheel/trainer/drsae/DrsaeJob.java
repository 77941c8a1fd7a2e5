package io.pinwheel.trainer.drsae;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecodeException;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.LinearLayer;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.extractor.model.RecurrentLayer;
import io.pinwheel.trainer.ModelVersions;
import io.pinwheel.trainer.OutputFiles;
import io.pinwheel.trainer.data.DataException;
import io.pinwheel.trainer.data.DataSource;
import io.pinwheel.trainer.data.FashionMnist;
import io.pinwheel.trainer.data.FrameSet;
import io.pinwheel.trainer.data.GrayImages;
import io.pinwheel.trainer.optim.Parameters;
import io.pinwheel.trainer.run.Holdout;
import io.pinwheel.trainer.run.JobResult;
import io.pinwheel.trainer.run.JobSpecs;
import io.pinwheel.trainer.run.Reports;
import io.pinwheel.trainer.run.ResidentMemory;
import io.pinwheel.trainer.run.Term;
import io.pinwheel.trainer.run.TrainingListener;
import io.pinwheel.trainer.viz.FilterMosaic;
import io.pinwheel.trainer.viz.LossPlot;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One run of {@code pinwheel train drsae}: reads labelled images, trains a {@link DrsaeModel} in
 * its two phases, and writes it as an encoder file the extractor serves like any other — a {@code
 * recurrent} layer (the unrolled encoder) followed by a {@code linear} head (the classifier), with
 * the decoder kept under {@code training/}.
 *
 * <p>Files written next to {@code out} ({@code F.pwe}): {@code F.pwe}, {@code F.atoms.png} (the
 * decoder atoms, categorical units first), {@code F.loss.png} (the loss terms and validation error
 * by epoch) and {@code F.report.json}.
 *
 * <p>By default the model is fitted on the fit part of eval's split and every epoch's accuracy is
 * the validation part's ({@link Holdout}); the test split is read and scored once, at the end, only
 * when asked. Its accuracy is then measured twice, by the trainer's own forward pass and by the
 * extractor serving the written file; the report carries both ({@code testAccuracyTrainerGraph}
 * keeps its name from when the trainer's pass was a SameDiff graph), so a file that serves
 * differently from how it trained cannot pass unnoticed.
 */
public final class DrsaeJob {
  /**
   * Held-out (else fit) examples whose codes decide which units are silent and measure the density.
   */
  static final int ANALYSIS_EXAMPLES = 2000;

  /** Examples scored per pass of the trainer's own forward pass. */
  private static final int SCORING_BATCH = 1000;

  private DrsaeJob() {}

  /**
   * What to train.
   *
   * @param data labelled images: Fashion-MNIST (or IDX files in its layout)
   * @param out the encoder file to write; its name must end in {@code .pwe}
   * @param name the model name
   * @param units hidden units K, ≥ 1
   * @param steps the recurrence depth T (ReLU applications, the first included), ≥ 1
   * @param lambda the L1 weight λ, finite and ≥ 0
   * @param options phases, α, batch, rate, seed and threads
   * @param limit use at most this many training images (0 for all)
   * @param testLimit score on at most this many test images (0 for all), with {@code holdout}'s
   *     {@code scoreTest}
   * @param holdout what is fitted on, what validates, and whether the test split is scored
   */
  public record Spec(
      DataSource data,
      Path out,
      String name,
      int units,
      int steps,
      double lambda,
      DrsaeOptions options,
      int limit,
      int testLimit,
      Holdout holdout) {
    /** Validates every field, naming each that is wrong. */
    public Spec {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(out, "out");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(options, "options");
      Objects.requireNonNull(holdout, "holdout");
      List<String> bad = JobSpecs.problemsWithOut(out);
      if (units < 1 || units > 100_000) {
        bad.add("units must be in [1, 100000], got " + units);
      }
      if (steps < 1 || steps > RecurrentLayer.MAX_STEPS) {
        bad.add("steps must be in [1, " + RecurrentLayer.MAX_STEPS + "], got " + steps);
      }
      if (!(lambda >= 0) || !Double.isFinite(lambda)) {
        bad.add("lambda must be finite and >= 0, got " + lambda);
      }
      if (limit < 0) {
        bad.add("limit must be >= 0 (0 for all), got " + limit);
      }
      if (testLimit < 0) {
        bad.add("testLimit must be >= 0 (0 for all), got " + testLimit);
      }
      JobSpecs.requireNone(bad);
    }
  }

  /**
   * Runs the job.
   *
   * @param listener progress, step by step and epoch by epoch
   * @param clock the model's creation time
   * @throws DataException if the data cannot be read or has no labels
   * @throws IOException if an output cannot be written
   */
  public static JobResult run(Spec spec, TrainingListener listener, Clock clock)
      throws DataException, IOException {
    long started = System.nanoTime();
    ResidentMemory.keepHeapTight();
    if (!(spec.data() instanceof DataSource.FashionMnistSource f)) {
      throw new DataException(
          "drsae trains a classifier and needs labelled images: use --data fashion-mnist or"
              + " fashion-mnist:DIR (IDX files), not the image folder "
              + spec.data().describe());
    }
    GrayImages all = FashionMnist.read(f.dir(), FashionMnist.Split.TRAIN);
    Holdout.Parts parts = spec.holdout().cut(all, spec.limit());
    GrayImages train = parts.fit();
    // The test split is not even read unless it is to be scored.
    Optional<GrayImages> test =
        spec.holdout().scoreTest()
            ? Optional.of(
                spec.testLimit() > 0
                    ? FashionMnist.read(f.dir(), FashionMnist.Split.TEST, spec.testLimit())
                    : FashionMnist.read(f.dir(), FashionMnist.Split.TEST))
            : Optional.empty();
    int classes = FashionMnist.CLASS_NAMES.length;
    InputSpec input = new InputSpec(train.height(), train.width(), 1, train.standardization());
    FrameSet trainFrames = FashionMnist.frames(train, input.normalize());
    Optional<GrayImages> validation = parts.validation();
    Optional<FrameSet> validationFrames =
        validation.map(v -> FashionMnist.frames(v, input.normalize()));
    int dim = trainFrames.frameSize();
    DrsaeConfig config = new DrsaeConfig(spec.units(), dim, classes, spec.steps(), spec.lambda());
    int version = ModelVersions.next(spec.out(), spec.name(), message -> {});

    ObjectNode provenance = Reports.JSON.createObjectNode();
    provenance.put("trainer", "pinwheel-trainer drsae");
    provenance.put("dataset", spec.data().describe());
    provenance.put("examples", train.count());
    provenance.set("split", spec.holdout().json(parts, all.count()));
    provenance.set("config", Reports.JSON.valueToTree(config));
    provenance.set("options", Reports.JSON.valueToTree(spec.options()));
    provenance.put("normalize", input.normalize().toString());

    List<ObjectNode> history = new ArrayList<>();
    DrsaeModel model = DrsaeModel.initial(config, spec.options().seed());
    OptionalDouble trainerAccuracy = OptionalDouble.empty();
    double trainSeconds;
    try (DrsaeGradients scoring =
        new DrsaeGradients(config, SCORING_BATCH, spec.options().threads())) {
      long trainStart = System.nanoTime();
      // The validation accuracy of every epoch joins the progress line as a measure.
      TrainingListener withValidation =
          listener.withEpochMeasures(
              e -> {
                JsonNode last = history.get(history.size() - 1).get("validationAccuracy");
                return last == null
                    ? List.of()
                    : List.of(new Term("validation accuracy", last.asDouble()));
              });
      new DrsaeTrainer(spec.options(), train.height(), train.width())
          .train(
              model,
              trainFrames.data(),
              train.labels(),
              withValidation,
              e -> {
                ObjectNode h = Reports.JSON.valueToTree(e);
                validationFrames.ifPresent(
                    v ->
                        h.put(
                            "validationAccuracy",
                            scoring.accuracy(
                                model.parameters(), v.data(), validation.get().labels())));
                history.add(h);
              });
      trainSeconds = (System.nanoTime() - trainStart) / 1e9;
      if (test.isPresent()) {
        trainerAccuracy =
            OptionalDouble.of(
                scoring.accuracy(
                    model.parameters(),
                    FashionMnist.frames(test.get(), input.normalize()).data(),
                    test.get().labels()));
      }
    }
    Parameters trained = model.parameters();

    EncoderModel encoder =
        new EncoderModel(
            spec.name(),
            version,
            clock.instant(),
            input,
            layers(trained, config),
            OutputSpec.threshold(0f),
            provenance.toString(),
            Map.of("decoder", tensor(trained, DrsaeGradients.DECODER)));
    Map<String, Path> files = new LinkedHashMap<>();
    OutputFiles.writeAtomically(EncoderFile.toBytes(encoder), spec.out());
    files.put("model", spec.out());

    // The held-out part describes the code (density, silent units) when there is one, else the
    // images fitted on; the test split only ever gives the accuracy asked for.
    FrameSet describedFrames = validationFrames.orElse(trainFrames);
    int[] describedLabels = validation.orElse(train).labels();
    Served served;
    Optional<Served> tested;
    try {
      EncoderModel written = EncoderFile.read(spec.out());
      served = serve(written, describedFrames, describedLabels);
      tested =
          test.isPresent()
              ? Optional.of(
                  serve(
                      written,
                      FashionMnist.frames(test.get(), input.normalize()),
                      test.get().labels()))
              : Optional.empty();
    } catch (InvalidModelException e) {
      throw new IllegalStateException("the model just written does not read back", e);
    }
    UnitAnalysis units =
        UnitAnalysis.of(
            trained.get(DrsaeGradients.ENCODER),
            trained.get(DrsaeGradients.LATERAL),
            trained.get(DrsaeGradients.DECODER),
            trained.get(DrsaeGradients.CLASSIFIER),
            config.units(),
            dim,
            classes,
            classMeans(trainFrames, train.labels(), classes),
            served.active);

    Path atomsPng = OutputFiles.sibling(spec.out(), ".atoms.png");
    OutputFiles.writeAtomically(
        atomsPicture(encoder, units, train.height(), train.width()), atomsPng);
    files.put("atoms", atomsPng);
    if (history.size() > 1) {
      Path lossPng = OutputFiles.sibling(spec.out(), ".loss.png");
      OutputFiles.writeAtomically(lossPicture(history, spec.lambda()), lossPng);
      files.put("loss", lossPng);
    }

    ObjectNode report = Reports.start(spec.out(), encoder, spec.data().describe(), train.count());
    report.set("split", spec.holdout().json(parts, all.count()));
    report.set("config", Reports.JSON.valueToTree(config));
    report.set("options", Reports.JSON.valueToTree(spec.options()));
    report.put("normalize", input.normalize().toString());
    report.put("codeShape", Arrays.toString(encoder.outputShape()));
    if (validation.isPresent()) {
      report.put("validationAccuracy", served.accuracy);
    } else {
      report.put("fitAccuracy", served.accuracy);
    }
    if (tested.isPresent()) {
      report.put("testExamples", test.get().count());
      report.put("testAccuracy", tested.get().accuracy);
      report.put("testAccuracyTrainerGraph", trainerAccuracy.orElseThrow());
    }
    report.put("codeDensity", served.density);
    report.put("codeDensityOn", validation.isPresent() ? "validation" : "fit");
    ObjectNode u = report.putObject("units");
    u.put("rule", "categorical: active and cos(encoder row, decoder column) below the threshold");
    u.put("threshold", units.threshold());
    u.put("separationAshmanD", units.separation());
    u.set("categorical", Reports.JSON.valueToTree(units.categoricalGroup()));
    u.set("part", Reports.JSON.valueToTree(units.partGroup()));
    u.put("silent", units.silent());
    report.set("history", Reports.JSON.valueToTree(history));
    return Reports.finish(report, encoder, spec.out(), files, trainSeconds, started);
  }

  /** {@code measures} followed by the validation accuracy. */
  /** The served layers: the unrolled encoder, then the classifier as the head. */
  static List<Layer> layers(Parameters p, DrsaeConfig config) {
    List<String> labels = Arrays.asList(FashionMnist.CLASS_NAMES);
    return List.of(
        new RecurrentLayer(
            tensor(p, DrsaeGradients.ENCODER),
            tensor(p, DrsaeGradients.LATERAL),
            tensor(p, DrsaeGradients.BIAS),
            config.steps()),
        new LinearLayer(
            tensor(p, DrsaeGradients.CLASSIFIER),
            tensor(p, DrsaeGradients.CLASS_BIAS),
            labels.subList(0, config.classes())));
  }

  /** Accuracy, density and which units ever fire, as the extractor serves the written file. */
  private record Served(double accuracy, double density, boolean[] active) {}

  private static Served serve(EncoderModel model, FrameSet frames, int[] labels) {
    List<String> names = model.head().orElseThrow().labels();
    int units = model.outputShape()[0];
    boolean[] active = new boolean[units];
    long right = 0;
    long nonZero = 0;
    int analysed = Math.min(ANALYSIS_EXAMPLES, frames.count());
    try (Encoder encoder = new Encoder(model)) {
      int batch = 256;
      for (int from = 0; from < frames.count(); from += batch) {
        int to = Math.min(frames.count(), from + batch);
        List<io.pinwheel.extractor.Frame> chunk = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
          chunk.add(frames.frame(i));
        }
        List<SparseCode> codes = encoder.encodeAll(chunk);
        for (int i = from; i < to; i++) {
          SparseCode code = codes.get(i - from);
          if (names.indexOf(code.label()) == labels[i]) {
            right++;
          }
          if (i < analysed) {
            nonZero += code.nnz();
            for (int index : code.indices()) {
              active[index] = true;
            }
          }
        }
      }
    } catch (FrameDecodeException e) {
      throw new IllegalStateException("the trained model cannot encode its own frames", e);
    }
    return new Served(
        right / (double) frames.count(), nonZero / ((double) analysed * units), active);
  }

  private static FloatTensor tensor(Parameters p, String name) {
    return FloatTensor.of(p.shape(name), p.get(name).clone());
  }

  /** Each class's mean normalized frame: the prototypes categorical atoms are compared against. */
  private static float[] classMeans(FrameSet frames, int[] labels, int classes) {
    int dim = frames.frameSize();
    double[] sum = new double[classes * dim];
    int[] count = new int[classes];
    float[] data = frames.data();
    for (int i = 0; i < frames.count(); i++) {
      count[labels[i]]++;
      for (int j = 0; j < dim; j++) {
        sum[labels[i] * dim + j] += data[i * dim + j];
      }
    }
    float[] mean = new float[classes * dim];
    for (int c = 0; c < classes; c++) {
      for (int j = 0; j < dim; j++) {
        mean[c * dim + j] = count[c] == 0 ? 0 : (float) (sum[c * dim + j] / count[c]);
      }
    }
    return mean;
  }

  /** The decoder atoms as h × w tiles, in {@link UnitAnalysis#order()}. */
  private static byte[] atomsPicture(
      EncoderModel model, UnitAnalysis units, int height, int width) {
    FloatTensor decoder = model.trainingTensors().get("decoder");
    int dim = decoder.dim(0);
    int k = decoder.dim(1);
    int[] order = units.order();
    float[] tiles = new float[k * dim];
    for (int t = 0; t < k; t++) {
      for (int i = 0; i < dim; i++) {
        tiles[t * dim + i] = decoder.get(i * k + order[t]);
      }
    }
    int cols = (int) Math.ceil(Math.sqrt(k));
    while (k % cols != 0) {
      cols++;
    }
    return FilterMosaic.png(
        FloatTensor.of(new int[] {k, 1, height, width}, tiles), k / cols, cols, 2);
  }

  private static byte[] lossPicture(List<ObjectNode> history, double lambda) {
    int n = history.size();
    double[] x = new double[n];
    double[] rec = new double[n];
    double[] sparse = new double[n];
    double[] cls = new double[n];
    double[] err = new double[n];
    boolean validated = history.get(0).has("validationAccuracy");
    for (int i = 0; i < n; i++) {
      ObjectNode h = history.get(i);
      x[i] = h.path("epoch").asDouble();
      rec[i] = h.path("terms").path("reconstruction").asDouble();
      sparse[i] = lambda * h.path("terms").path("sparsity").asDouble();
      cls[i] = h.path("terms").path("classification").asDouble();
      err[i] = 100 * (1 - h.path("validationAccuracy").asDouble());
    }
    List<LossPlot.Series> series = new ArrayList<>();
    series.add(new LossPlot.Series("reconstruction", x, rec));
    series.add(new LossPlot.Series("lambda * L1", x, sparse));
    series.add(new LossPlot.Series("cross-entropy", x, cls));
    if (validated) {
      series.add(new LossPlot.Series("validation error %", x, err));
    }
    return LossPlot.png(
        series,
        validated
            ? "DrSAE loss terms (per example) and validation error by epoch"
            : "DrSAE loss terms (per example) by epoch",
        "epoch",
        800,
        480);
  }
}
