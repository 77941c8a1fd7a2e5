package io.pinwheel.trainer.sparse;

import io.pinwheel.extractor.NativeRuntime;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.trainer.data.FrameSet;
import io.pinwheel.trainer.optim.Adam;
import io.pinwheel.trainer.optim.NativeGarbage;
import io.pinwheel.trainer.optim.Shuffles;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains the group-sparse convolutional auto-encoder: minibatch Adam on the gradients {@link
 * ConvSparseCoder} computes, with the decoder atoms renormalised to unit norm after every step.
 *
 * <p>Runs are reproducible: the start, the batch order of every epoch and the data each epoch sees
 * derive only from the seed and the epoch number, so a run resumed from the state saved after epoch
 * e finishes with the same parameters as one that never stopped.
 */
public final class ConvTrainer {
  private static final double INITIAL_ACTIVE = 0.05;

  private final TrainOptions options;
  private final L2PoolLayer pool;
  private final UnaryOperator<FrameSet> inputs;
  private final NativeGarbage garbage = new NativeGarbage();

  /** A trainer for {@code options} that trains on the examples as given. */
  public ConvTrainer(TrainOptions options) {
    this(options, UnaryOperator.identity());
  }

  /**
   * A trainer for {@code options} whose examples first pass through {@code inputs}, batch by batch:
   * for a stacked layer, the frozen layers below it.
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

  /** What a training run reports while it works. */
  public interface Listener {
    /** After every gradient step. */
    void onStep(StepInfo step);

    /** After every epoch, with the state to checkpoint. */
    default void onEpoch(TrainState.EpochStats stats, TrainState state) {}
  }

  /**
   * Progress after one step.
   *
   * @param epoch the current epoch, from 1
   * @param epochs the number of epochs of the run
   * @param batchInEpoch the batch just done, from 1
   * @param batchesPerEpoch batches per epoch
   * @param reconstruction this batch's mean ‖x − x̂‖²
   * @param sparsity this batch's mean group-sparsity term
   * @param examplesPerSecond throughput since the epoch started
   */
  public record StepInfo(
      int epoch,
      int epochs,
      int batchInEpoch,
      int batchesPerEpoch,
      double reconstruction,
      double sparsity,
      double examplesPerSecond) {}

  /**
   * Runs the remaining epochs of {@code state}, updating it in place.
   *
   * @param epochData the training examples of epoch e (from 0); called once per epoch, so patch
   *     sampling can draw fresh patches every epoch
   * @param state where to start; {@link TrainState#initial} for a new run
   * @param listener progress and checkpoints
   * @return {@code state}, now trained
   */
  public TrainState train(IntFunction<FrameSet> epochData, TrainState state, Listener listener) {
    NativeRuntime.applyToCurrentThread(options.threads());
    ConvSparseCoder coder = ConvSparseCoder.of(state, pool, options.lambda(), options.epsilon());
    if (state.steps == 0) {
      calibrate(coder, epochData.apply(0));
      coder.normalizeDecoder();
    }
    for (int epoch = state.epochsDone; epoch < options.epochs(); epoch++) {
      FrameSet data = epochData.apply(epoch);
      int[] order = Shuffles.epochOrder(data.count(), options.seed(), epoch);
      int batches = (data.count() + options.batch() - 1) / options.batch();
      int frameSize = data.channels() * data.height() * data.width();
      long start = System.nanoTime();
      double rec = 0;
      double sparse = 0;
      double signal = 0;
      long seen = 0;
      for (int b = 0; b < batches; b++) {
        int from = b * options.batch();
        int n = Math.min(options.batch(), data.count() - from);
        float[] buf = new float[n * frameSize];
        for (int i = 0; i < n; i++) {
          System.arraycopy(data.data(), order[from + i] * frameSize, buf, i * frameSize, frameSize);
        }
        INDArray x =
            array(below(new FrameSet(n, data.channels(), data.height(), data.width(), buf)));
        ConvSparseCoder.Step step = coder.step(x);
        Adam.step(
            ConvSparseCoder.PARAMETERS,
            state.parameters,
            step.gradients(),
            state.firstMoments,
            state.secondMoments,
            state.steps,
            Adam.cosineRate(
                options.learningRate(), state.steps, (long) options.epochs() * batches));
        step.gradients().values().forEach(INDArray::close);
        garbage.afterStep();
        coder.normalizeDecoder();
        state.steps++;
        rec += step.reconstruction() * n;
        sparse += step.sparsity() * n;
        double sq = x.norm2Number().doubleValue();
        signal += sq * sq;
        seen += n;
        x.close();
        double seconds = (System.nanoTime() - start) / 1e9;
        listener.onStep(
            new StepInfo(
                epoch + 1,
                options.epochs(),
                b + 1,
                batches,
                step.reconstruction(),
                step.sparsity(),
                seen / Math.max(seconds, 1e-9)));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      TrainState.EpochStats stats =
          new TrainState.EpochStats(
              epoch + 1,
              rec / seen,
              sparse / seen,
              (rec + options.lambda() * sparse) / seen,
              signal > 0 ? rec / signal : 0,
              seconds,
              NativeGarbage.residentMegabytes());
      state.history.add(stats);
      state.epochsDone = epoch + 1;
      listener.onEpoch(stats, state);
    }
    return state;
  }

  /**
   * Sets the initial bias and gain from a data sample, so the untrained model starts sparse and at
   * the right scale. The bias is minus the {@value #INITIAL_ACTIVE} upper quantile of the filter
   * responses, so that fraction of the code is non-zero; then, x̂ being linear in a common gain γ,
   * γ = ⟨x, x̂⟩ / ⟨x̂, x̂⟩. Without this, K overlapping random maps at bias 0 and gain 1 overshoot
   * the input many times over, and the first epochs are spent shrinking everything instead of
   * learning filters.
   */
  private void calibrate(ConvSparseCoder coder, FrameSet data) {
    FrameSet sample = below(data.slice(0, Math.min(data.count(), 256)));
    try (INDArray x = array(sample)) {
      seedFiltersWithPatches(coder, sample);
      INDArray bias = coder.parameter(ConvSparseCoder.BIAS);
      INDArray gain = coder.parameter(ConvSparseCoder.GAIN);
      bias.assign(0);
      gain.assign(1);
      float[] responses = coder.code(x).data().asFloat();
      float[] picked = new float[Math.min(responses.length, 1 << 20)];
      SplittableRandom rnd = new SplittableRandom(options.seed());
      for (int i = 0; i < picked.length; i++) {
        picked[i] = responses[rnd.nextInt(responses.length)];
      }
      java.util.Arrays.sort(picked);
      float q = picked[(int) ((1 - INITIAL_ACTIVE) * (picked.length - 1))];
      bias.assign(-q);
      INDArray xhat = coder.reconstruct(x);
      double dot = x.mul(xhat).sumNumber().doubleValue();
      double sq = xhat.mul(xhat).sumNumber().doubleValue();
      if (dot > 0 && sq > 0) {
        gain.muli(dot / sq);
      }
    }
  }

  /**
   * Replaces the random start filters (encoder and decoder alike) by random patches of the data,
   * made zero-mean and unit-norm: data patches already have the data's smoothness, so training
   * refines them into localized parts instead of first having to average white noise away.
   */
  private void seedFiltersWithPatches(ConvSparseCoder coder, FrameSet sample) {
    int k = coder.kernel();
    int c = coder.channels();
    int maps = coder.maps();
    SplittableRandom rnd = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
    float[] w = new float[k * k * c * maps];
    for (int f = 0; f < maps; f++) {
      double[] v = new double[k * k * c];
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
              double p =
                  sample.data()[((i * c + ch) * sample.height() + y + a) * sample.width() + x + b];
              v[(a * k + b) * c + ch] = p;
              mean += p / v.length;
            }
          }
        }
        norm = 0;
        for (int j = 0; j < v.length; j++) {
          v[j] -= mean;
          norm += v[j] * v[j];
        }
        norm = Math.sqrt(norm);
      }
      if (norm < 1e-3) {
        continue;
      }
      for (int j = 0; j < v.length; j++) {
        // [k, k, C, K] with K fastest.
        w[j * maps + f] = (float) (v[j] / norm);
      }
    }
    INDArray filters = Nd4j.create(w, new long[] {k, k, c, maps}, 'c');
    coder.parameter(ConvSparseCoder.ENCODER).assign(filters);
    coder.parameter(ConvSparseCoder.DECODER).assign(filters);
  }

  /** Examples through {@link #inputs}, the layers below the trained one. */
  private FrameSet below(FrameSet examples) {
    FrameSet in = inputs.apply(examples);
    // The layers below may run the extractor's encoder, which sets its own thread count.
    NativeRuntime.applyToCurrentThread(options.threads());
    return in;
  }

  /** Frames as an [N, C, H, W] array for the graph. */
  private static INDArray array(FrameSet frames) {
    return Nd4j.create(
        frames.data(),
        new long[] {frames.count(), frames.channels(), frames.height(), frames.width()},
        'c');
  }
}
