package io.pinwheel.trainer.lateral;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.trainer.ModelVersions;
import io.pinwheel.trainer.OutputFiles;
import io.pinwheel.trainer.data.DataException;
import io.pinwheel.trainer.data.FrameSet;
import io.pinwheel.trainer.data.ImageFolder;
import io.pinwheel.trainer.data.PatchSampler;
import io.pinwheel.trainer.run.EpochInfo;
import io.pinwheel.trainer.run.JobResult;
import io.pinwheel.trainer.run.JobSpecs;
import io.pinwheel.trainer.run.Reports;
import io.pinwheel.trainer.run.ResidentMemory;
import io.pinwheel.trainer.run.StepCurve;
import io.pinwheel.trainer.run.StepInfo;
import io.pinwheel.trainer.run.TrainingListener;
import io.pinwheel.trainer.sparse.ModelExport;
import io.pinwheel.trainer.viz.AtomTree;
import io.pinwheel.trainer.viz.FilterMosaic;
import io.pinwheel.trainer.viz.InhibitionMatrix;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.IntFunction;

/**
 * One run of {@code pinwheel train lateral}: reads a folder of images, trains sparse coding with
 * lateral inhibition and its feed-forward (PSD) encoder on patches ({@link LateralTrainer}), picks
 * the output threshold, and writes the encoder with its pictures and report. The CLI only parses
 * flags into a {@link Spec} and renders progress.
 *
 * <p>Files written next to {@code out} ({@code F.pwe}):
 *
 * <ul>
 *   <li>{@code F.pwe}: the encoder ({@link LateralExport}): one conv layer with the patch as its
 *       kernel and an identity l2pool, so the extractor and the topology serve it like any other; W
 *       and S ride along as training tensors;
 *   <li>{@code F.filters.png}: the dictionary atoms on a near-square grid;
 *   <li>{@code F.tree.png}: for a tree pattern, the atoms laid out along the tree;
 *   <li>{@code F.s.png}: S, with the atoms along its top and left edges (not when sMax is 0);
 *   <li>{@code F.loss.png}: the energy terms and the encoder's loss against the step;
 *   <li>{@code F.report.json}: what was trained on, how, and how well.
 * </ul>
 *
 * <p><b>Held-out data.</b> One image in ten (those at positions 10, 20, … in path order; the last
 * image when there are fewer than ten but at least two) is kept out of training, and {@value
 * #HELD_OUT_PATCHES} patches of it measure, after every epoch, how well the dictionary codes unseen
 * patches and how well the encoder predicts those codes. With a single image the held-out patches
 * come from the training image, and the report says so.
 */
public final class LateralJob {
  /** Patches of the held-out images the evaluation uses. */
  public static final int HELD_OUT_PATCHES = 2000;

  /** Training frames the threshold is chosen on, at most: as many as the conv trainer uses. */
  static final int THRESHOLD_FRAMES = 1000;

  /**
   * At most this many pooled values feed the threshold quantile (64 MB of float32): a patch-sized
   * kernel without pooling keeps nearly a value per pixel per unit, so whole frames add up fast.
   */
  static final int THRESHOLD_VALUES = 1 << 24;

  private static final long HELD_OUT_SALT = 0x48454C44L;

  private LateralJob() {}

  /**
   * What to train.
   *
   * @param data a folder of images, searched recursively
   * @param out the encoder file to write; its name must end in {@code .pwe}
   * @param name the model name
   * @param options the hyper-parameters
   * @param normalization how frames are normalized, written into the model so serving does the
   *     same; empty to standardize by the training pixels' own mean and deviation
   * @param size the frame side images are decoded and normalized to, and the served model reads;
   *     between the patch and 8192
   * @param patches patches drawn per epoch, ≥ 1
   */
  public record Spec(
      Path data,
      Path out,
      String name,
      LateralOptions options,
      Optional<Normalization> normalization,
      int size,
      int patches) {
    /** Validates the fields that options do not cover, naming each. */
    public Spec {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(out, "out");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(options, "options");
      Objects.requireNonNull(normalization, "normalization");
      List<String> bad = JobSpecs.problemsWithOut(out);
      if (size < options.patch() || size > 8192) {
        bad.add("size must be between the patch (" + options.patch() + ") and 8192, got " + size);
      }
      if (patches < 1) {
        bad.add("patches must be >= 1, got " + patches);
      }
      JobSpecs.requireNone(bad);
    }
  }

  /**
   * Runs the job.
   *
   * @param spec what to train
   * @param listener progress
   * @param clock gives the model's creation time
   * @return what was written
   * @throws DataException if the images cannot be read
   * @throws IOException if an output cannot be written
   */
  public static JobResult run(Spec spec, TrainingListener listener, Clock clock)
      throws DataException, IOException {
    long started = System.nanoTime();
    ResidentMemory.keepHeapTight();
    LateralOptions o = spec.options();
    Prepared data = prepare(spec);
    int version = ModelVersions.next(spec.out(), spec.name(), message -> {});
    long heldOutSeed = o.seed() ^ HELD_OUT_SALT;
    FrameSet heldOut = PatchSampler.sample(data.heldOut, o.patch(), HELD_OUT_PATCHES, heldOutSeed);
    IntFunction<FrameSet> epochs =
        e -> PatchSampler.sample(data.train, o.patch(), spec.patches(), o.seed() * 31 + e);

    LateralTrainer trainer = new LateralTrainer(o);
    StepCurve curve =
        new StepCurve(
            List.of(
                StepCurve.series("reconstruction", s -> s.term("reconstruction")),
                StepCurve.series("lambda * sparsity", s -> o.lambda() * s.term("sparsity")),
                new StepCurve.Series("inhibition", s -> s.term("inhibition"), true),
                StepCurve.series("energy", s -> s.term("energy")),
                StepCurve.series("encoder |z~ - z*|^2", s -> s.term("encoder loss"))));
    long trainStart = System.nanoTime();
    try (LateralTrainer.State state = trainer.initial(epochs.apply(0))) {
      trainer.train(
          epochs,
          heldOut,
          state,
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
          });
      double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
      LateralTrainer.EpochStats last = state.history.get(state.history.size() - 1);
      LateralTrainer.Evaluation held = last.heldOut();

      ObjectNode provenance = Reports.JSON.createObjectNode();
      provenance.put("trainer", "pinwheel-trainer lateral-inhibition-psd");
      provenance.put("dataset", spec.data().toString());
      provenance.put("examples", data.train.count());
      provenance.set("options", Reports.JSON.valueToTree(optionsJson(o)));
      provenance.put("normalize", data.input.normalize().toString());
      provenance.put("patchesPerEpoch", spec.patches());
      provenance.put("epochsDone", state.epochsDone);
      provenance.put("steps", state.steps);

      Instant now = clock.instant();
      ModelExport.AtDensity chosen =
          ModelExport.atDensity(
              output ->
                  LateralExport.model(
                      state.psd,
                      state.w,
                      state.s,
                      o.patch(),
                      spec.name(),
                      version,
                      now,
                      data.input,
                      output,
                      provenance.toString()),
              unthresholded -> {
                int perFrame = 1;
                for (int d : unthresholded.outputShape()) {
                  perFrame *= d;
                }
                return data.train.slice(
                    0,
                    Math.max(
                        1,
                        Math.min(
                            data.train.count(),
                            Math.min(THRESHOLD_FRAMES, THRESHOLD_VALUES / perFrame))));
              },
              o.density(),
              OutputRule.KEEP,
              OptionalInt.empty(),
              "the served values",
              provenance);
      EncoderModel model = chosen.model();

      Map<String, Path> files = new LinkedHashMap<>();
      OutputFiles.writeAtomically(EncoderFile.toBytes(model), spec.out());
      files.put("model", spec.out());

      FloatTensor atoms = LateralExport.atoms(state.w, o.patch());
      int scale = Math.max(1, 36 / o.patch());
      Path filtersPng = OutputFiles.sibling(spec.out(), ".filters.png");
      OutputFiles.writeAtomically(FilterMosaic.png(atoms, scale), filtersPng);
      files.put("filters", filtersPng);

      ObjectNode report =
          Reports.start(spec.out(), model, spec.data().toString(), data.train.count());
      report.put("heldOutImages", data.heldOutNames.size());
      report.put(
          "heldOutFrom",
          data.heldOutNames.isEmpty()
              ? "the training image (there is only one)"
              : String.join(", ", data.heldOutNames));
      ArrayNode skipped = report.putArray("skipped");
      data.skipped.forEach(
          k -> skipped.addObject().put("file", k.path().toString()).put("reason", k.reason()));
      report.set("input", Reports.JSON.valueToTree(Reports.inputJson(data.input)));
      report.set("options", Reports.JSON.valueToTree(optionsJson(o)));
      report.put("patchesPerEpoch", spec.patches());
      report.put("codeShape", Arrays.toString(model.outputShape()));
      report.put("threshold", chosen.threshold().value());
      report.put("thresholdRule", chosen.rule());
      report.put("codeDensity", chosen.threshold().density());
      ObjectNode energy = report.putObject("trainingEnergy");
      energy.put("energy", last.energy());
      energy.put("reconstruction", last.reconstruction());
      energy.put("sparsity", last.sparsity());
      energy.put("inhibition", last.inhibition());
      report.put("psdRelativeError", held.psdRelativeError());
      report.put("psdSupportJaccard", held.supportJaccard());
      report.set("heldOut", evaluationJson(held));
      InhibitionPattern pattern = trainer.pattern();
      DictionaryStatistics.Inhibition s =
          DictionaryStatistics.inhibition(state.s, pattern, o.sMax(), state.w);
      ObjectNode inhibition = report.putObject("inhibition");
      inhibition.put("freeEntries", s.freeEntries());
      inhibition.put("mean", s.mean());
      inhibition.put("atBound", s.atBound());
      inhibition.put("atZero", s.atZero());
      number(inhibition, "absCosineCorrelation", s.absCosineCorrelation());
      String caption = null;
      if (o.pattern().parents().isPresent()) {
        int[] parent = o.pattern().parents().get();
        DictionaryStatistics.Tree tree =
            DictionaryStatistics.tree(state.w, parent, held.activity());
        ObjectNode t = report.putObject("tree");
        number(t, "parentChildAbsCosine", tree.parentChildAbsCosine());
        number(t, "siblingAbsCosine", tree.siblingAbsCosine());
        number(t, "allPairsAbsCosine", tree.allPairsAbsCosine());
        t.set("levels", Reports.JSON.valueToTree(tree.levels()));
        caption =
            String.format(
                Locale.ROOT,
                "%s, %d units: mean |cos| parent-child %.3f, all pairs %.3f",
                o.pattern().spec(),
                o.units(),
                tree.parentChildAbsCosine(),
                tree.allPairsAbsCosine());
        Path treePng = OutputFiles.sibling(spec.out(), ".tree.png");
        OutputFiles.writeAtomically(
            AtomTree.png(atoms, parent, held.activity(), caption, scale), treePng);
        files.put("tree", treePng);
      }
      if (o.sMax() > 0) {
        Path sPng = OutputFiles.sibling(spec.out(), ".s.png");
        // A cell is as large as an atom, so large K gets small atoms to keep the picture in bounds.
        int sScale = Math.max(1, Math.min(scale, 1100 / (o.units() * o.patch())));
        OutputFiles.writeAtomically(
            InhibitionMatrix.png(
                ModelExport.tensor(state.s), pattern.mask(), o.sMax(), atoms, sScale),
            sPng);
        files.put("s", sPng);
      }
      ArrayNode history = report.putArray("history");
      for (LateralTrainer.EpochStats e : state.history) {
        ObjectNode h = history.addObject();
        h.put("epoch", e.epoch());
        h.put("phase", e.phase());
        h.put("energy", e.energy());
        h.put("reconstruction", e.reconstruction());
        h.put("sparsity", e.sparsity());
        h.put("inhibition", e.inhibition());
        h.put("psdLoss", e.psdLoss());
        h.set("heldOut", evaluationJson(e.heldOut()).without("activity"));
        h.put("seconds", e.seconds());
      }
      report.put("epochsDone", state.epochsDone);
      report.put("steps", state.steps);
      Optional<byte[]> loss = curve.png("energy and encoder loss, mean per patch");
      if (loss.isPresent()) {
        Path lossPng = OutputFiles.sibling(spec.out(), ".loss.png");
        OutputFiles.writeAtomically(loss.get(), lossPng);
        files.put("loss", lossPng);
      }
      return Reports.finish(report, model, spec.out(), files, trainSeconds, started);
    }
  }

  /** The frames of a run, read and normalized once, split into training and held-out images. */
  private record Prepared(
      InputSpec input,
      FrameSet train,
      FrameSet heldOut,
      List<String> heldOutNames,
      List<ImageFolder.Skipped> skipped) {}

  private static Prepared prepare(Spec spec) throws DataException {
    ImageFolder folder = ImageFolder.scan(spec.data());
    Normalization normalization;
    if (spec.normalization().isPresent()) {
      normalization = spec.normalization().get();
    } else {
      // Standardization needs the pixels' statistics first: decode once without normalizing.
      ImageFolder.Loaded raw =
          folder.load(
              ImageFolder.decoder(
                  new InputSpec(spec.size(), spec.size(), 1, new Normalization.None())));
      normalization = standardization(raw.frames());
    }
    InputSpec input = new InputSpec(spec.size(), spec.size(), 1, normalization);
    ImageFolder.Loaded loaded = folder.load(ImageFolder.decoder(input));
    FrameSet all = loaded.frames();
    int n = all.count();
    List<Integer> heldOut = new ArrayList<>();
    for (int i = 9; i < n; i += 10) {
      heldOut.add(i);
    }
    if (heldOut.isEmpty() && n >= 2) {
      heldOut.add(n - 1);
    }
    if (heldOut.isEmpty()) {
      return new Prepared(input, all, all, List.of(), loaded.skipped());
    }
    int size = all.frameSize();
    float[] train = new float[(n - heldOut.size()) * size];
    float[] held = new float[heldOut.size() * size];
    List<String> names = new ArrayList<>();
    int t = 0;
    int h = 0;
    for (int i = 0; i < n; i++) {
      if (heldOut.contains(i)) {
        System.arraycopy(all.data(), i * size, held, h++ * size, size);
        names.add(spec.data().relativize(loaded.used().get(i)).toString());
      } else {
        System.arraycopy(all.data(), i * size, train, t++ * size, size);
      }
    }
    return new Prepared(
        input,
        new FrameSet(t, 1, spec.size(), spec.size(), train),
        new FrameSet(h, 1, spec.size(), spec.size(), held),
        names,
        loaded.skipped());
  }

  /** The mean and deviation of every value of {@code frames}, as a normalization. */
  static Normalization.Standardize standardization(FrameSet frames) {
    double sum = 0;
    double sq = 0;
    for (float v : frames.data()) {
      sum += v;
      sq += (double) v * v;
    }
    double mean = sum / frames.data().length;
    double std = Math.sqrt(Math.max(sq / frames.data().length - mean * mean, 1e-12));
    return new Normalization.Standardize((float) mean, (float) std);
  }

  private static ObjectNode evaluationJson(LateralTrainer.Evaluation e) {
    ObjectNode n = Reports.JSON.createObjectNode();
    n.put("patches", e.patches());
    n.put("energy", e.energy());
    n.put("relativeReconstructionError", e.relativeReconstructionError());
    n.put("codeDensity", e.codeDensity());
    n.put("psdRelativeError", e.psdRelativeError());
    n.put("supportJaccard", e.supportJaccard());
    n.put("supportPrecision", e.supportPrecision());
    n.put("supportRecall", e.supportRecall());
    ArrayNode a = n.putArray("activity");
    for (double v : e.activity()) {
      a.add(v);
    }
    return n;
  }

  /** JSON has no NaN: a statistic that does not exist (no siblings, say) is null. */
  private static void number(ObjectNode node, String key, double value) {
    if (Double.isFinite(value)) {
      node.put(key, value);
    } else {
      node.putNull(key);
    }
  }

  private static Map<String, Object> optionsJson(LateralOptions o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pattern", o.pattern().spec());
    m.put("units", o.units());
    m.put("s", o.inhibition().spec());
    m.put("sMax", o.sMax());
    m.put("sRate", o.sRate());
    m.put("lambda", o.lambda());
    m.put("patch", o.patch());
    m.put("fistaSteps", o.fistaSteps());
    m.put("epochs", o.epochs());
    m.put("psdEpochs", o.psdEpochs());
    m.put("batch", o.batch());
    m.put("learningRate", o.learningRate());
    m.put("psdLearningRate", o.psdLearningRate());
    m.put("density", o.density());
    m.put("seed", o.seed());
    return m;
  }
}
