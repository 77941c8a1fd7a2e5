package io.pinwheel.trainer.sparse;

import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.trainer.Pooling;
import io.pinwheel.trainer.data.FrameSet;
import io.pinwheel.trainer.optim.Adam;
import io.pinwheel.trainer.optim.Parameters;
import io.pinwheel.trainer.optim.Shuffles;
import io.pinwheel.trainer.run.ResidentMemory;
import io.pinwheel.trainer.run.StepInfo;
import io.pinwheel.trainer.run.Term;
import io.pinwheel.trainer.run.TrainingListener;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * Trains the group-sparse convolutional auto-encoder: minibatch Adam on the gradients {@link
 * ConvGradients} computes, with the decoder atoms renormalised to unit norm after every step.
 *
 * <p>Runs are reproducible: the start, the batch order of every epoch and the data each epoch sees
 * derive only from the seed and the epoch number, and the gradient of a batch only from the batch
 * and the thread count, so a run resumed from the state saved after epoch e finishes with the same
 * parameters as one that never stopped, to the bit, on the same number of threads.
 *
 * <p>Memory: the batch buffer and the gradient are allocated once per run, and {@link
 * ConvGradients} allocates its buffers once; a step allocates only the few small objects of its
 * progress report. (Stacked stages, whose examples first pass through the frozen layers, allocate
 * those layers' outputs per batch.)
 */
public final class ConvTrainer {
  private static final double INITIAL_ACTIVE = 0.05;

  private final TrainOptions options;
  private final L2PoolLayer pool;
  private final UnaryOperator<FrameSet> inputs;

  /** A trainer for {@code options} that trains on the examples as given. */
  public ConvTrainer(TrainOptions options) {
    this(options, null);
  }

  /**
   * A trainer for {@code options} whose examples first pass through {@code inputs}, batch by batch:
   * for a stacked layer, the frozen layers below it; null for none.
   */
  public ConvTrainer(TrainOptions options, UnaryOperator<FrameSet> inputs) {
    this.options = options;
    this.inputs = inputs;
    this.pool =
        options.pooling().layer(options.filters(), options.poolWindow(), options.poolStride());
  }

  /** The pooling the sparsity term uses, and so the pooling the written encoder serves. */
  public L2PoolLayer pool() {
    return pool;
  }

  /**
   * Runs the remaining epochs of {@code state}, updating it in place.
   *
   * @param epochData the training examples of epoch e (from 0); called once per epoch, so patch
   *     sampling can draw fresh patches every epoch
   * @param state where to start; {@link TrainState#initial} for a new run
   * @param listener progress
   * @param afterEpoch called with the state after every epoch, to checkpoint it
   * @return {@code state}, now trained
   */
  public TrainState train(
      IntFunction<FrameSet> epochData,
      TrainState state,
      TrainingListener listener,
      Consumer<TrainState> afterEpoch) {
    int resumeAt = state.epochsDone;
    if (resumeAt >= options.epochs()) {
      return state;
    }
    FrameSet firstData = epochData.apply(resumeAt);
    try (Session session = session(firstData)) {
      if (state.steps == 0) {
        session.calibrate(state.parameters, firstData);
      }
      for (int epoch = resumeAt; epoch < options.epochs(); epoch++) {
        FrameSet data = epoch == resumeAt ? firstData : epochData.apply(epoch);
        epoch(session, data, epoch, state, listener);
        afterEpoch.accept(state);
        listener.onEpoch(state.history.get(state.history.size() - 1).info(options.epochs()));
      }
    }
    return state;
  }

  /**
   * The machinery of steps on examples shaped like {@code sample}'s (after the layers below): the
   * gradient engine with its threads and buffers, the gradient and the batch buffer, allocated
   * once. {@link #train} runs every step through one; a benchmark can too.
   */
  public Session session(FrameSet sample) {
    FrameSet probe = below(sample.slice(0, 1));
    ConvGradients.Geometry geometry =
        new ConvGradients.Geometry(
            probe.channels(), probe.height(), probe.width(), options.kernel(), options.filters());
    return new Session(
        new ConvGradients(geometry, pool, options.lambda(), options.epsilon(), options.threads()));
  }

  /** One run's gradient engine, gradient and batch buffer. Close it to stop its threads. */
  public final class Session implements AutoCloseable {
    private final ConvGradients gradients;
    private final Parameters gradient;
    private final float[] batch;

    private Session(ConvGradients gradients) {
      this.gradients = gradients;
      this.gradient = gradients.geometry().zeroParameters();
      this.batch = new float[options.batch() * gradients.geometry().frameSize()];
    }

    /** Sets the start's filters, bias and gain from the data; see {@link ConvTrainer}. */
    public void calibrate(Parameters p, FrameSet data) {
      ConvTrainer.this.calibrate(gradients, p, data);
    }

    /**
     * One step on the examples {@code order[from..from+n)} of {@code data}: gradient, Adam at the
     * cosine rate of step {@code state.steps()} of {@code totalSteps}, decoder renormalized.
     *
     * @return the batch's energy terms, before the step
     */
    public ConvGradients.Terms step(
        TrainState state, FrameSet data, int[] order, int from, int n, long totalSteps) {
      float[] x = gather(data, order, from, n, batch);
      ConvGradients.Terms t = gradients.gradient(state.parameters, x, n, gradient);
      Adam.step(
          state.parameters,
          gradient,
          state.firstMoments,
          state.secondMoments,
          state.steps,
          Adam.cosineRate(options.learningRate(), state.steps, totalSteps));
      normalizeDecoder(state.parameters);
      state.steps++;
      return t;
    }

    @Override
    public void close() {
      gradients.close();
    }
  }

  private void epoch(
      Session session, FrameSet data, int epoch, TrainState state, TrainingListener listener) {
    int[] order = Shuffles.epochOrder(data.count(), options.seed(), epoch);
    int batches = (data.count() + options.batch() - 1) / options.batch();
    long totalSteps = (long) options.epochs() * batches;
    long start = System.nanoTime();
    double rec = 0;
    double sparse = 0;
    double signal = 0;
    long seen = 0;
    for (int b = 0; b < batches; b++) {
      int from = b * options.batch();
      int n = Math.min(options.batch(), data.count() - from);
      ConvGradients.Terms t = session.step(state, data, order, from, n, totalSteps);
      rec += t.reconstruction() * n;
      sparse += t.sparsity() * n;
      signal += t.signal() * n;
      seen += n;
      double seconds = (System.nanoTime() - start) / 1e9;
      listener.onStep(
          new StepInfo(
              epoch + 1,
              options.epochs(),
              b + 1,
              batches,
              List.of(
                  new Term("reconstruction", t.reconstruction()),
                  new Term("sparsity", t.sparsity())),
              seen / Math.max(seconds, 1e-9)));
    }
    state.history.add(
        new TrainState.EpochStats(
            epoch + 1,
            rec / seen,
            sparse / seen,
            (rec + options.lambda() * sparse) / seen,
            signal > 0 ? rec / signal : 0,
            (System.nanoTime() - start) / 1e9,
            ResidentMemory.megabytes()));
    state.epochsDone = epoch + 1;
  }

  /** Frames {@code order[from..from+n)} into {@code buffer}, through the layers below. */
  private float[] gather(FrameSet data, int[] order, int from, int n, float[] buffer) {
    int size = data.frameSize();
    if (inputs == null) {
      for (int i = 0; i < n; i++) {
        System.arraycopy(data.data(), order[from + i] * size, buffer, i * size, size);
      }
      return buffer;
    }
    float[] raw = new float[n * size];
    for (int i = 0; i < n; i++) {
      System.arraycopy(data.data(), order[from + i] * size, raw, i * size, size);
    }
    FrameSet in = below(new FrameSet(n, data.channels(), data.height(), data.width(), raw));
    System.arraycopy(in.data(), 0, buffer, 0, in.data().length);
    return buffer;
  }

  /**
   * Rescales every decoder atom to unit L2 norm, so the sparsity term cannot be lowered by
   * shrinking h while growing W_d. Atoms that are exactly zero are left alone.
   */
  static void normalizeDecoder(Parameters p) {
    float[] d = p.get(ConvGradients.DECODER);
    int maps = p.get(ConvGradients.BIAS).length;
    int size = d.length / maps;
    for (int k = 0; k < maps; k++) {
      double sq = 0;
      for (int i = k * size; i < (k + 1) * size; i++) {
        sq += (double) d[i] * d[i];
      }
      if (sq == 0) {
        continue;
      }
      float norm = (float) Math.sqrt(sq);
      for (int i = k * size; i < (k + 1) * size; i++) {
        d[i] /= norm;
      }
    }
  }

  /**
   * Sets the initial filters, bias and gain from a data sample, so the untrained model starts
   * sparse and at the right scale. The filters are random patches of the data ({@link
   * #seedFiltersWithPatches}); the bias is minus the {@value #INITIAL_ACTIVE} upper quantile of the
   * filter responses, so that fraction of the code is non-zero; then, x̂ being linear in a common
   * gain γ, γ = ⟨x, x̂⟩ / ⟨x̂, x̂⟩. Without this, K overlapping random maps at bias 0 and gain 1
   * overshoot the input many times over, and the first epochs are spent shrinking everything
   * instead of learning filters. Ends with the decoder normalized.
   */
  private void calibrate(ConvGradients gradients, Parameters p, FrameSet data) {
    FrameSet sample = below(data.slice(0, Math.min(data.count(), 256)));
    seedFiltersWithPatches(p, sample, gradients.geometry());
    if (options.startLattice() > 0 && options.pooling() instanceof Pooling.Topographic t) {
      PinwheelStart.fill(
          p.get(ConvGradients.ENCODER),
          t.rows(),
          t.cols(),
          options.startLattice(),
          options.kernel(),
          gradients.geometry().channels(),
          options.seed() ^ 0x9E3779B97F4A7C15L);
      System.arraycopy(
          p.get(ConvGradients.ENCODER),
          0,
          p.get(ConvGradients.DECODER),
          0,
          p.get(ConvGradients.ENCODER).length);
    }
    float[] bias = p.get(ConvGradients.BIAS);
    float[] gain = p.get(ConvGradients.GAIN);
    Arrays.fill(bias, 0f);
    Arrays.fill(gain, 1f);
    float[] responses = gradients.codes(p, sample.data(), sample.count());
    float[] picked = new float[Math.min(responses.length, 1 << 20)];
    SplittableRandom rnd = new SplittableRandom(options.seed());
    for (int i = 0; i < picked.length; i++) {
      picked[i] = responses[rnd.nextInt(responses.length)];
    }
    Arrays.sort(picked);
    float q = picked[(int) ((1 - INITIAL_ACTIVE) * (picked.length - 1))];
    Arrays.fill(bias, -q);
    float[] xhat = gradients.reconstructions(p, sample.data(), sample.count());
    double dot = 0;
    double sq = 0;
    float[] x = sample.data();
    for (int i = 0; i < xhat.length; i++) {
      dot += (double) x[i] * xhat[i];
      sq += (double) xhat[i] * xhat[i];
    }
    if (dot > 0 && sq > 0) {
      for (int k = 0; k < gain.length; k++) {
        gain[k] *= (float) (dot / sq);
      }
    }
    normalizeDecoder(p);
  }

  /**
   * Replaces the start filters (encoder and decoder alike) by random patches of the data, made
   * zero-mean and unit-norm: data patches already have the data's smoothness, so training refines
   * them into localized parts instead of first having to average white noise away.
   */
  private void seedFiltersWithPatches(
      Parameters p, FrameSet sample, ConvGradients.Geometry geometry) {
    int k = geometry.kernel();
    int c = geometry.channels();
    int maps = geometry.maps();
    int depth = c * k * k;
    SplittableRandom rnd = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
    float[] encoder = p.get(ConvGradients.ENCODER);
    for (int f = 0; f < maps; f++) {
      double[] v = new double[depth];
      double norm = 0;
      // Flat patches carry no shape; draw again (a few times) when one is nearly constant.
      for (int attempt = 0; attempt < 20 && norm < 1e-3; attempt++) {
        int i = rnd.nextInt(sample.count());
        int y = rnd.nextInt(sample.height() - k + 1);
        int x = rnd.nextInt(sample.width() - k + 1);
        double mean = 0;
        for (int ch = 0; ch < c; ch++) {
          for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
              double value =
                  sample.data()[((i * c + ch) * sample.height() + y + a) * sample.width() + x + b];
              v[(ch * k + a) * k + b] = value;
              mean += value / depth;
            }
          }
        }
        norm = 0;
        for (int j = 0; j < depth; j++) {
          v[j] -= mean;
          norm += v[j] * v[j];
        }
        norm = Math.sqrt(norm);
      }
      if (norm < 1e-3) {
        continue;
      }
      for (int j = 0; j < depth; j++) {
        encoder[f * depth + j] = (float) (v[j] / norm);
      }
    }
    System.arraycopy(encoder, 0, p.get(ConvGradients.DECODER), 0, encoder.length);
  }

  /** Examples through {@link #inputs}, the layers below the trained one. */
  private FrameSet below(FrameSet examples) {
    return inputs == null ? examples : inputs.apply(examples);
  }
}
