package io.pinwheel.trainer.lateral;

import io.pinwheel.extractor.NativeRuntime;
import io.pinwheel.trainer.data.FrameSet;
import io.pinwheel.trainer.optim.Adam;
import io.pinwheel.trainer.run.EpochInfo;
import io.pinwheel.trainer.run.ResidentMemory;
import io.pinwheel.trainer.run.StepInfo;
import io.pinwheel.trainer.run.Term;
import io.pinwheel.trainer.run.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains sparse coding with lateral inhibition (Gregor, Szlam &amp; LeCun 2011) on patches, and a
 * {@link PsdEncoder} that predicts its codes.
 *
 * <p>Every step takes a minibatch x of patches (flattened, [N, p²]) and
 *
 * <ol>
 *   <li>infers z* = argmin_{z≥0} ‖x − Wz‖² + λΣz + zᵀSz with {@link LateralOptions#fistaSteps()}
 *       {@link Fista} iterations at the current W and S;
 *   <li>takes one Adam step of the encoder towards z* (the targets of the current dictionary);
 *   <li>takes one descent step on W (columns renormalised to unit norm) and, when S is learned, one
 *       bounded ascent step on S ({@link LateralInhibition#step}).
 * </ol>
 *
 * After the joint epochs come {@link LateralOptions#psdEpochs()} epochs in which W and S stay
 * frozen and only the encoder learns, so that it ends up predicting the codes of the final
 * dictionary rather than a blend of the dictionaries it saw on the way.
 *
 * <p><b>Why S is bounded.</b> ∂E/∂S_ij = z_i z_j ≥ 0, so ascent alone would grow every entry whose
 * units ever fire together without limit, until inference shuts every unit but one off. Clipping to
 * [0, sMax] keeps inhibition a preference, not a prohibition, and limits how far zᵀSz can make the
 * inference problem non-convex (see {@link Fista}). The projection also keeps S symmetric, with a
 * zero diagonal and zeros wherever the {@link InhibitionPattern} forbids inhibition.
 *
 * <p>All arrays are float32. Step sizes decay by a cosine to a tenth ({@link Adam#cosineRate}): W
 * and S over the joint epochs, the encoder over all epochs. Patches come in random order from
 * {@link io.pinwheel.trainer.data.PatchSampler}, so batches are consecutive slices of each epoch's
 * set; runs depend only on the seed.
 */
public final class LateralTrainer {
  /** Draws per start atom before a flat patch is accepted anyway (it is then left random). */
  private static final int SEED_ATTEMPTS = 20;

  private static final DataType TYPE = DataType.FLOAT;

  private final LateralOptions options;
  private final InhibitionPattern pattern;

  /**
   * A trainer for {@code options}.
   *
   * @param options the hyper-parameters
   */
  public LateralTrainer(LateralOptions options) {
    if (options == null) {
      throw new IllegalArgumentException("options must not be null");
    }
    this.options = options;
    this.pattern = options.pattern().pattern();
  }

  /** The inhibition pattern the run uses. */
  public InhibitionPattern pattern() {
    return pattern;
  }

  /**
   * Summary of one epoch.
   *
   * @param epoch the epoch just done, from 1
   * @param phase {@code joint} (W, S and encoder learn) or {@code encoder} (encoder only)
   * @param energy the mean energy over the epoch's batches, each before its step
   * @param reconstruction the mean ‖x − Wz*‖²
   * @param sparsity the mean Σz* (without λ)
   * @param inhibition the mean z*ᵀSz*
   * @param psdLoss the mean ‖z̃ − z*‖², each batch before its step
   * @param heldOut the held-out evaluation after the epoch
   * @param seconds wall time of the epoch
   */
  public record EpochStats(
      int epoch,
      String phase,
      double energy,
      double reconstruction,
      double sparsity,
      double inhibition,
      double psdLoss,
      Evaluation heldOut,
      double seconds) {
    /** This epoch as progress shows it, for a run of {@code epochs}. */
    public EpochInfo info(int epochs) {
      return new EpochInfo(
          epoch,
          epochs,
          phase,
          energy,
          List.of(
              new Term("reconstruction", reconstruction),
              new Term("sparsity", sparsity),
              new Term("inhibition", inhibition)),
          List.of(
              new Term("held-out unreconstructed signal", heldOut.relativeReconstructionError()),
              new Term("held-out code density", heldOut.codeDensity()),
              new Term("encoder relative error", heldOut.psdRelativeError()),
              new Term("support Jaccard", heldOut.supportJaccard())),
          seconds,
          ResidentMemory.megabytes());
    }
  }

  /**
   * How well the dictionary codes patches it did not train on, and how well the encoder predicts
   * those codes.
   *
   * @param patches the number of patches evaluated
   * @param energy the mean E(x, z*)
   * @param relativeReconstructionError Σ‖x − Wz*‖² / Σ‖x‖²: the fraction of signal energy the codes
   *     leave unexplained
   * @param codeDensity the fraction of code entries z*_i &gt; 0
   * @param psdRelativeError ‖z̃ − z*‖ / ‖z*‖ over all patches (Frobenius norms)
   * @param supportJaccard |supp z̃ ∩ supp z*| / |supp z̃ ∪ supp z*| over all entries, supp being
   *     the entries &gt; 0
   * @param supportPrecision the fraction of entries with z̃ &gt; 0 that have z* &gt; 0
   * @param supportRecall the fraction of entries with z* &gt; 0 that have z̃ &gt; 0
   * @param activity for each unit, the fraction of patches on which z*_i &gt; 0
   */
  public record Evaluation(
      int patches,
      double energy,
      double relativeReconstructionError,
      double codeDensity,
      double psdRelativeError,
      double supportJaccard,
      double supportPrecision,
      double supportRecall,
      double[] activity) {}

  /**
   * The training state: dictionary, inhibition and encoder, and the run's progress. Owns its
   * arrays; close it to free them.
   */
  public static final class State implements AutoCloseable {
    /** The dictionary W, [p², K], unit columns. */
    public final INDArray w;

    /** The lateral-inhibition matrix S, [K, K]. */
    public final INDArray s;

    /** The encoder. */
    public final PsdEncoder psd;

    /** One entry per finished epoch. */
    public final List<EpochStats> history = new ArrayList<>();

    /** Steps taken. */
    public long steps;

    /** Epochs finished. */
    public int epochsDone;

    State(INDArray w, INDArray s, PsdEncoder psd) {
      this.w = w;
      this.s = s;
      this.psd = psd;
    }

    @Override
    public void close() {
      w.close();
      s.close();
      psd.close();
    }
  }

  /**
   * The start of a run: W made of random patches of {@code sample} (zero-mean, unit-norm: they
   * already have the data's smoothness, which random noise would first have to lose), S zero when
   * learned or the fixed value on the pattern's free entries, and {@link PsdEncoder#initial}.
   *
   * @param sample patches to draw start atoms from, p×p, one channel
   * @return a new state the caller must close
   */
  public State initial(FrameSet sample) {
    checkPatches(sample);
    int d = options.patch() * options.patch();
    int k = options.units();
    SplittableRandom rnd = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
    float[] w = new float[d * k];
    for (int j = 0; j < k; j++) {
      double[] v = new double[d];
      double norm = 0;
      for (int attempt = 0; attempt < SEED_ATTEMPTS && norm < 1e-3; attempt++) {
        int n = rnd.nextInt(sample.count());
        double mean = 0;
        for (int i = 0; i < d; i++) {
          v[i] = sample.data()[n * d + i];
          mean += v[i] / d;
        }
        norm = 0;
        for (int i = 0; i < d; i++) {
          v[i] -= mean;
          norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
      }
      // A flat data set leaves random directions; they are as good a start as any.
      if (norm < 1e-3) {
        norm = 0;
        for (int i = 0; i < d; i++) {
          v[i] = rnd.nextDouble(-1, 1);
          norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
      }
      for (int i = 0; i < d; i++) {
        w[i * k + j] = (float) (v[i] / norm);
      }
    }
    INDArray dictionary = Nd4j.create(w, new long[] {d, k}, 'c');
    INDArray s;
    if (options.inhibition() instanceof InhibitionMode.Fixed f) {
      s = pattern.mask(TYPE).muli(f.value());
    } else {
      s = Nd4j.zeros(TYPE, k, k);
    }
    return new State(dictionary, s, PsdEncoder.initial(dictionary, options.lambda()));
  }

  /**
   * Runs the remaining epochs of {@code state}, updating it in place.
   *
   * @param epochData the training patches of epoch e (from 0), p×p, one channel; called once per
   *     epoch so every epoch sees fresh patches
   * @param heldOut patches for the evaluation after every epoch
   * @param state where to start; {@link #initial} for a new run
   * @param listener progress
   * @return {@code state}, now trained
   */
  public State train(
      IntFunction<FrameSet> epochData, FrameSet heldOut, State state, TrainingListener listener) {
    NativeRuntime.applyToCurrentThread(options.threads());
    checkPatches(heldOut);
    Fista.Options inference = new Fista.Options(options.fistaSteps(), options.lambda());
    boolean learnS = options.inhibition() instanceof InhibitionMode.Learned;
    long jointSteps = -1;
    long allSteps = -1;
    for (int epoch = state.epochsDone; epoch < options.totalEpochs(); epoch++) {
      FrameSet data = epochData.apply(epoch);
      checkPatches(data);
      int batches = (data.count() + options.batch() - 1) / options.batch();
      if (jointSteps < 0) {
        jointSteps = (long) options.epochs() * batches;
        allSteps = (long) options.totalEpochs() * batches;
      }
      boolean joint = epoch < options.epochs();
      long start = System.nanoTime();
      double energy = 0;
      double rec = 0;
      double sparse = 0;
      double inhib = 0;
      double psdLoss = 0;
      long seen = 0;
      for (int b = 0; b < batches; b++) {
        int from = b * options.batch();
        int n = Math.min(options.batch(), data.count() - from);
        Fista.Terms terms;
        double loss;
        try (INDArray x = rows(data, from, n)) {
          Fista.Result inferred = Fista.infer(x, state.w, state.s, inference);
          try (INDArray z = inferred.codes()) {
            terms = Fista.terms(x, state.w, state.s, z);
            loss =
                state.psd.step(
                    x, z, Adam.cosineRate(options.psdLearningRate(), state.steps, allSteps));
            if (joint) {
              long t = (long) epoch * batches + b;
              LateralInhibition learner =
                  new LateralInhibition(
                      pattern,
                      new LateralInhibition.Options(
                          Adam.cosineRate(options.learningRate(), t, jointSteps),
                          Adam.cosineRate(options.sRate(), t, jointSteps),
                          options.sMax()));
              if (learnS) {
                learner.step(x, z, state.w, state.s);
              } else {
                learner.stepDictionary(x, z, state.w);
              }
            }
          }
        }
        state.steps++;
        double e = terms.energy(options.lambda());
        energy += e * n;
        rec += terms.reconstruction() * n;
        sparse += terms.sparsity() * n;
        inhib += terms.inhibition() * n;
        psdLoss += loss * n;
        seen += n;
        double seconds = (System.nanoTime() - start) / 1e9;
        listener.onStep(
            new StepInfo(
                epoch + 1,
                options.totalEpochs(),
                b + 1,
                batches,
                List.of(
                    new Term("reconstruction", terms.reconstruction()),
                    new Term("sparsity", terms.sparsity()),
                    new Term("inhibition", terms.inhibition()),
                    new Term("energy", e),
                    new Term("encoder loss", loss)),
                seen / Math.max(seconds, 1e-9)));
      }
      Evaluation held = evaluate(state, heldOut);
      EpochStats stats =
          new EpochStats(
              epoch + 1,
              joint ? "joint" : "encoder",
              energy / seen,
              rec / seen,
              sparse / seen,
              inhib / seen,
              psdLoss / seen,
              held,
              (System.nanoTime() - start) / 1e9);
      state.history.add(stats);
      state.epochsDone = epoch + 1;
      listener.onEpoch(stats.info(options.totalEpochs()));
    }
    return state;
  }

  /**
   * Infers the codes of {@code patches} at the state's W and S and compares the encoder's
   * predictions with them.
   *
   * @param state the trained state
   * @param patches p×p, one channel
   * @return the evaluation
   */
  public Evaluation evaluate(State state, FrameSet patches) {
    checkPatches(patches);
    Fista.Options inference = new Fista.Options(options.fistaSteps(), options.lambda());
    int k = options.units();
    double energy = 0;
    double residual = 0;
    double signal = 0;
    double errorSq = 0;
    double targetSq = 0;
    long nonZero = 0;
    long both = 0;
    long predicted = 0;
    long[] active = new long[k];
    for (int from = 0; from < patches.count(); from += options.batch()) {
      int n = Math.min(options.batch(), patches.count() - from);
      float[] zStar;
      float[] zHat;
      try (INDArray x = rows(patches, from, n)) {
        Fista.Result inferred = Fista.infer(x, state.w, state.s, inference);
        try (INDArray z = inferred.codes();
            INDArray predictedCodes = state.psd.encode(x)) {
          Fista.Terms terms = Fista.terms(x, state.w, state.s, z);
          energy += terms.energy(options.lambda()) * n;
          residual += terms.reconstruction() * n;
          double norm = x.norm2Number().doubleValue();
          signal += norm * norm;
          zStar = z.data().asFloat();
          zHat = predictedCodes.data().asFloat();
        }
      }
      for (int i = 0; i < zStar.length; i++) {
        double diff = zHat[i] - zStar[i];
        errorSq += diff * diff;
        targetSq += (double) zStar[i] * zStar[i];
        boolean target = zStar[i] > 0;
        boolean guess = zHat[i] > 0;
        if (target) {
          nonZero++;
          active[i % k]++;
        }
        if (guess) {
          predicted++;
        }
        if (target && guess) {
          both++;
        }
      }
    }
    long entries = (long) patches.count() * k;
    long union = nonZero + predicted - both;
    double[] activity = new double[k];
    for (int i = 0; i < k; i++) {
      activity[i] = active[i] / (double) patches.count();
    }
    return new Evaluation(
        patches.count(),
        energy / patches.count(),
        signal > 0 ? residual / signal : 0,
        nonZero / (double) entries,
        targetSq > 0 ? Math.sqrt(errorSq / targetSq) : 0,
        union > 0 ? both / (double) union : 1,
        predicted > 0 ? both / (double) predicted : 1,
        nonZero > 0 ? both / (double) nonZero : 1,
        activity);
  }

  /** Patches from..from+n as a fresh [n, p²] array. */
  private static INDArray rows(FrameSet patches, int from, int n) {
    int d = patches.frameSize();
    float[] buf = new float[n * d];
    System.arraycopy(patches.data(), from * d, buf, 0, n * d);
    return Nd4j.create(buf, new long[] {n, d}, 'c');
  }

  private void checkPatches(FrameSet patches) {
    if (patches == null) {
      throw new IllegalArgumentException("patches must not be null");
    }
    if (patches.channels() != 1
        || patches.height() != options.patch()
        || patches.width() != options.patch()) {
      throw new IllegalArgumentException(
          "patches must be 1x"
              + options.patch()
              + "x"
              + options.patch()
              + " (channels x height x width), got "
              + patches.channels()
              + "x"
              + patches.height()
              + "x"
              + patches.width());
    }
  }
}
