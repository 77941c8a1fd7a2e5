package io.pinwheel.trainer.sparse;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecodeException;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.trainer.ModelVersions;
import io.pinwheel.trainer.OutputFiles;
import io.pinwheel.trainer.Pooling;
import io.pinwheel.trainer.data.DataException;
import io.pinwheel.trainer.data.DataSource;
import io.pinwheel.trainer.data.FashionMnist;
import io.pinwheel.trainer.data.FrameSet;
import io.pinwheel.trainer.data.GrayImages;
import io.pinwheel.trainer.data.ImageFolder;
import io.pinwheel.trainer.data.PatchSampler;
import io.pinwheel.trainer.optim.Parameters;
import io.pinwheel.trainer.run.EpochInfo;
import io.pinwheel.trainer.run.Holdout;
import io.pinwheel.trainer.run.JobResult;
import io.pinwheel.trainer.run.JobSpecs;
import io.pinwheel.trainer.run.Reports;
import io.pinwheel.trainer.run.ResidentMemory;
import io.pinwheel.trainer.run.StepCurve;
import io.pinwheel.trainer.run.StepInfo;
import io.pinwheel.trainer.run.Term;
import io.pinwheel.trainer.run.TrainingListener;
import io.pinwheel.trainer.viz.FilterMosaic;
import io.pinwheel.trainer.viz.OrientationMap;
import io.pinwheel.trainer.viz.Topography;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntFunction;

/**
 * One run of {@code pinwheel train}: reads the data, trains, picks the output threshold, and writes
 * the encoder with its pictures and report. The CLI only parses flags into a {@link Spec} and
 * renders progress.
 *
 * <p>Files written next to {@code out} ({@code F.pwe}):
 *
 * <ul>
 *   <li>{@code F.pwe}: the encoder, with the decoder as the training tensor {@code decoder};
 *   <li>{@code F.ckpt.pwe}: the checkpoint after the last finished epoch (the same model plus
 *       Adam's state), which {@code --resume} continues from;
 *   <li>{@code F.filters.png}: the filters on their topographic grid;
 *   <li>{@code F.orientation.png}: for topographic pooling, the orientation map with its pinwheels;
 *   <li>{@code F.loss.png}: the loss terms against the step;
 *   <li>{@code F.report.json}: what was trained on, how, and how well.
 * </ul>
 */
public final class TrainingJob {
  /** Examples used to choose the threshold and measure the code density. */
  static final int THRESHOLD_FRAMES = 1000;

  private TrainingJob() {}

  /**
   * What to train.
   *
   * @param data where the images come from
   * @param out the encoder file to write; its name must end in {@code .pwe}
   * @param name the model name
   * @param options the hyper-parameters
   * @param size for image folders, the frame side images are decoded and normalized to (as the
   *     served model will); ignored for Fashion-MNIST (28)
   * @param patch for image folders, the side of the random training patches; 0 for whole frames
   * @param patches for image folders, patches drawn per epoch
   * @param limit use at most this many training images (0 for all)
   * @param resume continue from {@code F.ckpt.pwe} instead of starting afresh
   * @param normalization how frames are normalized, written into the model so serving does the
   *     same; empty to standardize Fashion-MNIST by its pixels' mean and deviation
   * @param stackOn an encoder whose layers stay frozen and feed the trained stage, which is added
   *     on top of them; its input (size, channels, normalization) is the new model's input, and
   *     training uses whole frames
   * @param holdout for Fashion-MNIST, what is fitted on and what validates ({@link Holdout}); image
   *     folders are trained on whole, so it must be {@link Holdout#DEFAULT} for them, and a folder
   *     split (scripts/natural-splits.sh) keeps validation photographs in a folder of their own
   * @param outputRule what a pooled value above the output threshold emits in the written model
   *     (the threshold is placed at the options' density either way)
   * @param minActive the written model's floor ({@code output.minActive}): empty for none,
   *     otherwise at least 1
   */
  public record Spec(
      DataSource data,
      Path out,
      String name,
      TrainOptions options,
      Optional<Normalization> normalization,
      int size,
      int patch,
      int patches,
      int limit,
      boolean resume,
      Optional<Path> stackOn,
      Holdout holdout,
      OutputRule outputRule,
      OptionalInt minActive) {
    /** Validates the fields that options do not cover, naming each. */
    public Spec {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(out, "out");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(options, "options");
      Objects.requireNonNull(normalization, "normalization");
      Objects.requireNonNull(stackOn, "stackOn");
      Objects.requireNonNull(holdout, "holdout");
      Objects.requireNonNull(outputRule, "outputRule");
      Objects.requireNonNull(minActive, "minActive");
      List<String> bad = JobSpecs.problemsWithOut(out);
      if (data instanceof DataSource.FolderSource && !holdout.equals(Holdout.DEFAULT)) {
        bad.add(
            "an image folder has no validation or test split to hold out: give the validation"
                + " photographs a folder of their own (scripts/natural-splits.sh)");
      }
      if (size < options.kernel() || size > 8192) {
        bad.add("size must be between the kernel (" + options.kernel() + ") and 8192, got " + size);
      }
      if (patch != 0 && (patch < options.kernel() || patch > size)) {
        bad.add(
            "patch must be 0 (whole frames) or between the kernel ("
                + options.kernel()
                + ") and size ("
                + size
                + "), got "
                + patch);
      }
      if (patches < 1) {
        bad.add("patches must be >= 1, got " + patches);
      }
      if (minActive.isPresent() && minActive.getAsInt() < 1) {
        bad.add("minActive must be >= 1, got " + minActive.getAsInt());
      }
      if (limit < 0) {
        bad.add("limit must be >= 0 (0 for all), got " + limit);
      }
      JobSpecs.requireNone(bad);
    }

    /** The checkpoint file beside {@link #out}. */
    public Path checkpoint() {
      return OutputFiles.sibling(out, ".ckpt.pwe");
    }
  }

  /** What one run works with once its data is read: shared by the steps of {@link #run}. */
  private record Run(
      Spec spec,
      Optional<EncoderModel> base,
      Prepared data,
      L2PoolLayer pool,
      int version,
      ObjectNode provenance) {
    TrainOptions options() {
      return spec.options();
    }

    List<Layer> frozen() {
      return base.map(EncoderModel::layers).orElse(List.of());
    }

    EncoderModel model(TrainState state, Instant at, OutputSpec output, boolean checkpoint) {
      return ModelExport.model(
          state,
          frozen(),
          spec.name(),
          version,
          at,
          data.input,
          pool,
          output,
          provenance,
          checkpoint);
    }
  }

  /**
   * Runs the job: reads the data, starts afresh or from the checkpoint, trains (writing the
   * checkpoint after every epoch), chooses the output threshold, and writes the model, its pictures
   * and its report.
   *
   * @throws DataException if the data cannot be read
   * @throws IOException if an output cannot be written
   * @throws InvalidModelException if {@code --resume} finds no usable checkpoint
   */
  public static JobResult run(Spec spec, TrainingListener listener, Clock clock)
      throws DataException, IOException, InvalidModelException {
    long started = System.nanoTime();
    ResidentMemory.keepHeapTight();
    Optional<EncoderModel> base =
        spec.stackOn().isPresent()
            ? Optional.of(EncoderFile.read(spec.stackOn().get()))
            : Optional.empty();
    Prepared data = prepare(spec, base.map(EncoderModel::input));
    TrainOptions o = spec.options();
    Run run =
        new Run(
            spec,
            base,
            data,
            o.pooling().layer(o.filters(), o.poolWindow(), o.poolStride()),
            ModelVersions.next(spec.out(), spec.name(), message -> {}),
            provenance(spec, data, base));
    TrainState state = start(run);
    StepCurve curve =
        new StepCurve(
            List.of(
                StepCurve.series("reconstruction", s -> s.term("reconstruction")),
                StepCurve.series("lambda * sparsity", s -> o.lambda() * s.term("sparsity")),
                StepCurve.series(
                    "total", s -> s.term("reconstruction") + o.lambda() * s.term("sparsity"))));
    long trainStart = System.nanoTime();
    List<TrainState.EpochStats> validationHistory = new ArrayList<>();
    List<EpochMap> maps = new ArrayList<>();
    Optional<TrainState.EpochStats> tested =
        train(run, state, curve, listener, clock, validationHistory, maps);
    double trainSeconds = (System.nanoTime() - trainStart) / 1e9;

    Instant now = clock.instant();
    ModelExport.AtDensity chosen =
        ModelExport.atDensity(
            output -> run.model(state, now, output, false),
            unthresholded -> data.thresholdFrames,
            o.density(),
            spec.outputRule(),
            spec.minActive(),
            "pooled values",
            run.provenance);
    EncoderModel model = chosen.model();
    Map<String, Path> files = new LinkedHashMap<>();
    OutputFiles.writeAtomically(EncoderFile.toBytes(model), spec.out());
    files.put("model", spec.out());
    files.put("checkpoint", spec.checkpoint());
    ObjectNode report = report(run, model, chosen, state);
    // Image folders hold nothing out: their report has no validation history at all.
    if (!validationHistory.isEmpty()) {
      report.set("validationHistory", validationHistory(validationHistory));
    }
    // Scored once, after training, only with --score-test.
    tested.ifPresent(t -> report.set("test", heldOutJson(t)));
    if (!maps.isEmpty()) {
      report.set("topographyHistory", topographyHistory(maps));
    }
    pictures(run, state, curve, files, report);
    return Reports.finish(report, model, spec.out(), files, trainSeconds, started);
  }

  /** The manifest's {@code training} object: what was trained on, and how. */
  private static ObjectNode provenance(Spec spec, Prepared data, Optional<EncoderModel> base) {
    ObjectNode provenance = Reports.JSON.createObjectNode();
    provenance.put("trainer", "pinwheel-trainer conv-group-sparse-ae");
    provenance.put("dataset", spec.data().describe());
    provenance.put("examples", data.images);
    provenance.set("split", data.split);
    provenance.set("options", Reports.JSON.valueToTree(optionsJson(spec.options())));
    provenance.put("normalize", data.input.normalize().toString());
    provenance.put("patch", spec.patch());
    provenance.put("patchesPerEpoch", data.patched ? spec.patches() : 0);
    base.ifPresent(b -> provenance.put("stackedOn", b.name() + " v" + b.version()));
    return provenance;
  }

  /** The state to train from: the checkpoint's with {@code --resume}, else a fresh one. */
  private static TrainState start(Run run) throws IOException, InvalidModelException {
    Spec spec = run.spec();
    if (spec.resume()) {
      EncoderModel ckpt = EncoderFile.read(spec.checkpoint());
      checkResumable(ckpt, run.provenance(), spec.checkpoint());
      return ModelExport.state(ckpt);
    }
    int channels = run.base().map(b -> b.outputShape()[0]).orElse(run.data().input.channels());
    return TrainState.initial(channels, spec.options());
  }

  /** The orientation map's figures after one epoch of this run. */
  private record EpochMap(int epoch, Topography map) {}

  /**
   * Trains the remaining epochs, writing the checkpoint after each, adding the held-out energy
   * after each to {@code validationHistory} when there is a validation split and, for a first stage
   * with topographic pooling, the orientation map's figures after each to {@code maps} (both also
   * shown as the epoch's measures); returns the test split's energy when it is scored.
   */
  private static Optional<TrainState.EpochStats> train(
      Run run,
      TrainState state,
      StepCurve curve,
      TrainingListener listener,
      Clock clock,
      List<TrainState.EpochStats> validationHistory,
      List<EpochMap> maps) {
    OutputSpec provisional = OutputSpec.threshold(0f);
    Optional<int[]> torus =
        run.options().pooling() instanceof Pooling.Topographic t && run.base().isEmpty()
            ? Optional.of(new int[] {t.rows(), t.cols()})
            : Optional.empty();
    // The held-out energy and the map, computed after each epoch below, join its progress line.
    TrainingListener both =
        new TrainingListener() {
          @Override
          public void onStep(StepInfo step) {
            curve.onStep(step);
            listener.onStep(step);
          }

          @Override
          public void onEpoch(EpochInfo epoch) {
            listener.onEpoch(epoch);
          }
        }.withEpochMeasures(
            epoch -> {
              List<Term> measures = new ArrayList<>();
              if (!validationHistory.isEmpty()) {
                TrainState.EpochStats v = validationHistory.get(validationHistory.size() - 1);
                measures.add(new Term("validation loss", v.loss()));
                measures.add(new Term("validation unreconstructed", v.relativeError()));
              }
              if (!maps.isEmpty()) {
                Topography map = maps.get(maps.size() - 1).map();
                measures.add(new Term("pinwheels", map.pinwheels()));
                measures.add(
                    new Term("neighbour difference (deg)", map.neighbourDifferenceDegrees()));
                map.wavelength().ifPresent(w -> measures.add(new Term("wavelength (cells)", w)));
              }
              return measures;
            });
    Path checkpoint = run.spec().checkpoint();
    TrainOptions o = run.options();
    try (StackInputs below = run.base().map(StackInputs::new).orElse(null);
        HeldOutEnergy validation =
            run.data()
                .validation
                .map(v -> new HeldOutEnergy(below == null ? v : below.apply(v), o))
                .orElse(null)) {
      ConvTrainer trainer =
          below == null
              ? new ConvTrainer(run.options())
              : new ConvTrainer(run.options(), below::apply);
      trainer.train(
          run.data().epochs,
          state,
          both,
          s -> {
            if (validation != null) {
              validationHistory.add(validation.stats(s));
            }
            torus.ifPresent(
                grid -> {
                  Parameters p = s.parameters;
                  FloatTensor filters =
                      FloatTensor.of(p.shape(ConvGradients.ENCODER), p.get(ConvGradients.ENCODER));
                  maps.add(new EpochMap(s.epochsDone, Topography.of(filters, grid[0], grid[1])));
                });
            EncoderModel ckpt = run.model(s, clock.instant(), provisional, true);
            try {
              OutputFiles.writeAtomically(EncoderFile.toBytes(ckpt), checkpoint);
            } catch (IOException e) {
              throw new UncheckedIOException("cannot write checkpoint " + checkpoint, e);
            }
          });
      if (run.data().test.isEmpty()) {
        return Optional.empty();
      }
      FrameSet test = run.data().test.get();
      try (HeldOutEnergy once = new HeldOutEnergy(below == null ? test : below.apply(test), o)) {
        return Optional.of(once.stats(state));
      }
    }
  }

  /** The report's {@code topographyHistory}: the map's figures after each epoch of this run. */
  private static ArrayNode topographyHistory(List<EpochMap> maps) {
    ArrayNode history = Reports.JSON.createArrayNode();
    for (EpochMap m : maps) {
      ObjectNode o = history.addObject();
      o.put("epoch", m.epoch());
      m.map().putFigures(o);
    }
    return history;
  }

  /** The report's figures: data, options, threshold, final loss terms, history, progress. */
  private static ObjectNode report(
      Run run, EncoderModel model, ModelExport.AtDensity chosen, TrainState state) {
    Spec spec = run.spec();
    ObjectNode report = Reports.start(spec.out(), model, spec.data().describe(), run.data().images);
    report.set("split", run.data().split);
    // Files of the folder that did not decode, with why: nothing read is silently left out.
    ArrayNode skipped = report.putArray("skipped");
    run.data()
        .skipped
        .forEach(
            k -> skipped.addObject().put("file", k.path().toString()).put("reason", k.reason()));
    report.set("input", Reports.JSON.valueToTree(Reports.inputJson(run.data().input)));
    report.set("options", Reports.JSON.valueToTree(optionsJson(run.options())));
    report.put("threads", run.options().threads());
    report.put("patch", spec.patch());
    report.put("codeShape", Arrays.toString(model.outputShape()));
    report.put("threshold", chosen.threshold().value());
    report.put("thresholdRule", chosen.rule());
    report.put("outputRule", model.output().rule().wireName());
    model.output().minActive().ifPresent(k -> report.put("minActive", k));
    report.put("codeDensity", chosen.threshold().density());
    if (!state.history.isEmpty()) {
      TrainState.EpochStats last = state.history.get(state.history.size() - 1);
      report.put("reconstruction", last.reconstruction());
      report.put("sparsity", last.sparsity());
      report.put("loss", last.loss());
      report.put("relativeReconstructionError", last.relativeError());
    }
    report.set("history", Reports.JSON.valueToTree(state.history));
    report.put("epochsDone", state.epochsDone);
    report.put("steps", state.steps);
    if (run.provenance().has("stackedOn")) {
      report.set("stackedOn", run.provenance().get("stackedOn"));
    }
    return report;
  }

  /**
   * The filters on their grid and, for topographic pooling, the orientation map (its figures go in
   * the report) — for a first stage only: a stacked stage's filters read pooled maps, not pixels —
   * and the loss curve.
   */
  private static void pictures(
      Run run, TrainState state, StepCurve curve, Map<String, Path> files, ObjectNode report)
      throws IOException {
    Spec spec = run.spec();
    TrainOptions o = run.options();
    if (run.base().isEmpty()) {
      Parameters p = state.parameters;
      FloatTensor filters =
          FloatTensor.of(p.shape(ConvGradients.ENCODER), p.get(ConvGradients.ENCODER));
      int[] grid = grid(o.pooling(), o.filters());
      int scale = Math.max(2, 48 / o.kernel());
      Path filtersPng = OutputFiles.sibling(spec.out(), ".filters.png");
      OutputFiles.writeAtomically(FilterMosaic.png(filters, grid[0], grid[1], scale), filtersPng);
      files.put("filters", filtersPng);
      if (o.pooling() instanceof Pooling.Topographic) {
        files.put("orientation", orientation(filters, grid, spec.out(), report));
      }
    }
    Optional<byte[]> loss = curve.png("training loss, mean per example");
    if (loss.isPresent()) {
      Path lossPng = OutputFiles.sibling(spec.out(), ".loss.png");
      OutputFiles.writeAtomically(loss.get(), lossPng);
      files.put("loss", lossPng);
    }
  }

  /** The orientation map's picture, with its figures added to the report as {@code topography}. */
  private static Path orientation(FloatTensor filters, int[] grid, Path out, ObjectNode report)
      throws IOException {
    Topography map = Topography.of(filters, grid[0], grid[1]);
    ObjectNode topo = report.putObject("topography");
    map.putFigures(topo);
    if (map.wavelength().isPresent()) {
      topo.put(
          "cortexPinwheelsPerWavelengthSquared",
          Topography.CORTEX_PINWHEELS_PER_WAVELENGTH_SQUARED);
    }
    topo.put("randomNeighbourDifferenceDegrees", 45.0);
    List<OrientationMap.Tuning> tunings = OrientationMap.tunings(filters);
    double[] orientation = OrientationMap.orientations(tunings);
    double[] selectivity = OrientationMap.selectivities(tunings);
    Path orientationPng = OutputFiles.sibling(out, ".orientation.png");
    OutputFiles.writeAtomically(
        OrientationMap.png(orientation, selectivity, grid[0], grid[1], 24), orientationPng);
    return orientationPng;
  }

  /** The data of a run, read and normalized once. */
  private record Prepared(
      InputSpec input,
      IntFunction<FrameSet> epochs,
      FrameSet thresholdFrames,
      int images,
      boolean patched,
      List<ImageFolder.Skipped> skipped,
      Optional<FrameSet> validation,
      Optional<FrameSet> test,
      ObjectNode split) {}

  private static Prepared prepare(Spec spec, Optional<InputSpec> baseInput) throws DataException {
    TrainOptions o = spec.options();
    if (spec.data() instanceof DataSource.FashionMnistSource f) {
      GrayImages all = FashionMnist.read(f.dir(), FashionMnist.Split.TRAIN);
      Holdout.Parts parts = spec.holdout().cut(all, spec.limit());
      GrayImages images = parts.fit();
      if (baseInput.isPresent()
          && (baseInput.get().height() != images.height()
              || baseInput.get().width() != images.width()
              || baseInput.get().channels() != 1)) {
        throw new DataException(
            "cannot stack on a model reading "
                + baseInput.get().height()
                + "x"
                + baseInput.get().width()
                + "x"
                + baseInput.get().channels()
                + ": Fashion-MNIST images are "
                + images.height()
                + "x"
                + images.width()
                + "x1");
      }
      Normalization n =
          baseInput
              .map(InputSpec::normalize)
              .orElseGet(() -> spec.normalization().orElseGet(images::standardization));
      InputSpec input = new InputSpec(images.height(), images.width(), 1, n);
      FrameSet frames = FashionMnist.frames(images, n);
      return new Prepared(
          input,
          e -> frames,
          frames.slice(0, Math.min(THRESHOLD_FRAMES, frames.count())),
          images.count(),
          false,
          List.of(),
          parts.validation().map(v -> FashionMnist.frames(v, n)),
          spec.holdout().scoreTest()
              ? Optional.of(
                  FashionMnist.frames(FashionMnist.read(f.dir(), FashionMnist.Split.TEST), n))
              : Optional.empty(),
          spec.holdout().json(parts, all.count()));
    }
    DataSource.FolderSource folder = (DataSource.FolderSource) spec.data();
    if (baseInput.isEmpty() && spec.normalization().isEmpty()) {
      // Empty means "standardize by the data's own statistics", which needs every image decoded
      // before the first is normalized; refusing beats silently training with another one.
      throw new DataException(
          "--normalize standardize is for Fashion-MNIST; for an image folder use lcn[:SIGMA] or"
              + " none");
    }
    InputSpec input =
        baseInput.orElseGet(
            () -> new InputSpec(spec.size(), spec.size(), 1, spec.normalization().orElseThrow()));
    ImageFolder.Loaded loaded = ImageFolder.scan(folder.dir()).load(ImageFolder.decoder(input));
    FrameSet frames = loaded.frames();
    if (spec.limit() > 0 && frames.count() > spec.limit()) {
      frames = frames.slice(0, spec.limit());
    }
    FrameSet all = frames;
    // The frozen layers below a stacked stage read whole frames only.
    boolean patched = baseInput.isEmpty() && spec.patch() > 0 && spec.patch() < spec.size();
    IntFunction<FrameSet> epochs =
        patched
            ? e -> PatchSampler.sample(all, spec.patch(), spec.patches(), o.seed() * 31 + e)
            : e -> all;
    return new Prepared(
        input,
        epochs,
        all.slice(0, Math.min(THRESHOLD_FRAMES, all.count())),
        all.count(),
        patched,
        loaded.skipped(),
        Optional.empty(),
        Optional.empty(),
        Holdout.folderJson(folder.dir()));
  }

  private static void checkResumable(EncoderModel ckpt, ObjectNode provenance, Path path)
      throws InvalidModelException {
    ObjectNode old = ModelExport.provenance(ckpt);
    // Everything but the epoch count and the density must match: a run may be resumed to train
    // for longer, or (with no more epochs) just to pick the output threshold for another density
    // (the output rule is not an option of the run, so it may change too).
    ObjectNode oldOptions = ((ObjectNode) old.path("options")).deepCopy();
    ObjectNode newOptions = ((ObjectNode) provenance.path("options")).deepCopy();
    for (String free : List.of("epochs", "density")) {
      oldOptions.remove(free);
      newOptions.remove(free);
    }
    // As text: numbers read back from the file and fresh ones differ in node type (int vs long).
    if (!oldOptions.toString().equals(newOptions.toString())) {
      throw new InvalidModelException(
          "cannot resume from "
              + path
              + ": options were "
              + oldOptions
              + ", now "
              + newOptions
              + " (resume with the same options, or start afresh without --resume)");
    }
    // The split must match, whether the test split is scored at the end or not; as text, for the
    // same reason as the options.
    ObjectNode oldSplit =
        old.path("split").isObject() ? ((ObjectNode) old.get("split")).deepCopy() : null;
    ObjectNode newSplit = ((ObjectNode) provenance.get("split")).deepCopy();
    newSplit.remove("testScored");
    if (oldSplit != null) {
      oldSplit.remove("testScored");
    }
    if (oldSplit == null || !oldSplit.toString().equals(newSplit.toString())) {
      throw new InvalidModelException(
          "cannot resume from "
              + path
              + ": the training images were "
              + (oldSplit == null ? "not recorded (a checkpoint from before issue 15)" : oldSplit)
              + ", now "
              + newSplit
              + " (resume with the same data and --fit-on, or start afresh without --resume)");
    }
    for (String key : List.of("dataset", "normalize", "patch", "patchesPerEpoch", "stackedOn")) {
      if (!Objects.equals(old.get(key), provenance.get(key))) {
        throw new InvalidModelException(
            "cannot resume from "
                + path
                + ": "
                + key
                + " was "
                + old.get(key)
                + ", now "
                + provenance.get(key)
                + " (resume with the same data and options, or start afresh without --resume)");
      }
    }
  }

  /** The validation history, one {@link #heldOutJson} per epoch. */
  private static ArrayNode validationHistory(List<TrainState.EpochStats> history) {
    ArrayNode a = Reports.JSON.createArrayNode();
    for (TrainState.EpochStats h : history) {
      a.add(heldOutJson(h));
    }
    return a;
  }

  /** The energy on held-out frames, without wall time and memory, which belong to training. */
  private static ObjectNode heldOutJson(TrainState.EpochStats h) {
    return Reports.JSON
        .createObjectNode()
        .put("epoch", h.epoch())
        .put("reconstruction", h.reconstruction())
        .put("sparsity", h.sparsity())
        .put("loss", h.loss())
        .put("relativeError", h.relativeError());
  }

  /**
   * The energy's terms on held-out frames (validation after every epoch; test once, with {@code
   * --score-test}): the same energy training minimises, on images it never fitted, by a gradient
   * engine of its own.
   */
  private static final class HeldOutEnergy implements AutoCloseable {
    private static final int SLICE = 500;
    private final FrameSet frames;
    private final ConvGradients gradients;
    private final double lambda;

    HeldOutEnergy(FrameSet frames, TrainOptions o) {
      this.frames = frames;
      this.lambda = o.lambda();
      this.gradients =
          new ConvGradients(
              new ConvGradients.Geometry(
                  frames.channels(), frames.height(), frames.width(), o.kernel(), o.filters()),
              o.pooling().layer(o.filters(), o.poolWindow(), o.poolStride()),
              o.lambda(),
              o.epsilon(),
              o.threads());
    }

    TrainState.EpochStats stats(TrainState state) {
      long start = System.nanoTime();
      double rec = 0;
      double sparse = 0;
      double signal = 0;
      for (int from = 0; from < frames.count(); from += SLICE) {
        int to = Math.min(frames.count(), from + SLICE);
        ConvGradients.Terms t =
            gradients.terms(state.parameters, frames.slice(from, to).data(), to - from);
        rec += t.reconstruction() * (to - from);
        sparse += t.sparsity() * (to - from);
        signal += t.signal() * (to - from);
      }
      int n = frames.count();
      return new TrainState.EpochStats(
          state.epochsDone,
          rec / n,
          sparse / n,
          (rec + lambda * sparse) / n,
          signal > 0 ? rec / signal : 0,
          (System.nanoTime() - start) / 1e9,
          ResidentMemory.megabytes());
    }

    @Override
    public void close() {
      gradients.close();
    }
  }

  private static Map<String, Object> optionsJson(TrainOptions o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("filters", o.filters());
    m.put("kernel", o.kernel());
    m.put("groups", o.pooling().spec());
    m.put("poolWindow", o.poolWindow());
    m.put("poolStride", o.poolStride());
    m.put("lambda", o.lambda());
    m.put("epsilon", o.epsilon());
    m.put("epochs", o.epochs());
    m.put("batch", o.batch());
    m.put("learningRate", o.learningRate());
    m.put("density", o.density());
    m.put("seed", o.seed());
    if (o.startLattice() > 0) {
      m.put("startLattice", o.startLattice());
    }
    return m;
  }

  /** The grid the filters are drawn on: the torus for topographic pooling, else near square. */
  static int[] grid(Pooling pooling, int maps) {
    if (pooling instanceof Pooling.Topographic t) {
      return new int[] {t.rows(), t.cols()};
    }
    int rows = (int) Math.floor(Math.sqrt(maps));
    while (maps % rows != 0) {
      rows--;
    }
    return new int[] {rows, maps / rows};
  }

  /**
   * The frozen layers below a stacked stage: each batch of frames becomes the last pooled maps of
   * the base encoder, computed by the extractor's own encoder, exactly what the served model feeds
   * the new stage.
   */
  private static final class StackInputs implements AutoCloseable {
    private final Encoder encoder;
    private final int[] shape;

    StackInputs(EncoderModel base) {
      this.encoder = new Encoder(base);
      this.shape = base.outputShape();
    }

    FrameSet apply(FrameSet batch) {
      int size = shape[0] * shape[1] * shape[2];
      float[] out = new float[batch.count() * size];
      for (int i = 0; i < batch.count(); i++) {
        try {
          System.arraycopy(encoder.encodeDense(batch.frame(i)), 0, out, i * size, size);
        } catch (FrameDecodeException e) {
          throw new IllegalStateException("the frozen layers cannot read a training frame", e);
        }
      }
      return new FrameSet(batch.count(), shape[0], shape[1], shape[2], out);
    }

    @Override
    public void close() {
      encoder.close();
    }
  }
}
