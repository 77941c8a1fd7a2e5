package io.pinwheel.trainer.drsae;

/**
 * How {@link DrsaeTrainer} trains: the two phases, Adam's rate and the minibatches.
 *
 * @param pretrainEpochs epochs of the unsupervised phase (α = 0: reconstruction and sparsity only),
 *     ≥ 0
 * @param discriminativeEpochs epochs of the discriminative phase that follows, with the
 *     classification term weighted by {@code alpha}, ≥ 0
 * @param alpha the weight α of the classification term in the discriminative phase, finite and ≥ 0
 * @param batch examples per minibatch, ≥ 1
 * @param learningRate Adam's peak rate, finite and > 0; it decays along a cosine to a tenth of
 *     itself over the whole run
 * @param seed the seed of the epoch shuffles
 * @param threads native (OpenMP) threads for the calling thread, ≥ 1
 * @param averaging the decay of an exponential moving average of the parameters kept over the
 *     discriminative phase (over the whole run when there is none), which the trained model ends
 *     with; in [0, 1), 0 to end with the last step's parameters. The n-th averaged step uses
 *     min(averaging, (1 + n)/(10 + n)), so a run shorter than the average's horizon still ends near
 *     its last weights. Minibatch steps leave the test accuracy jittering by about half a point
 *     from one epoch to the next; the average (Polyak averaging) sits at the centre of that jitter.
 * @param shift the largest random translation, in pixels along each axis, applied to each training
 *     image every time it is drawn (edges replicated), ≥ 0; 0 trains on the images as they are. The
 *     discriminative phase otherwise learns the training set's exact pixel positions: the
 *     classifier's training loss falls to a third of the test one.
 * @param reviveEpochs at the end of each of the first {@code reviveEpochs} epochs (the last epoch
 *     of the run excepted), units that fire on none of a sample of the training inputs are
 *     re-initialised from the inputs the model reconstructs worst ({@link DrsaeTrainer}); ≥ 0, 0
 *     never revives
 */
public record DrsaeOptions(
    int pretrainEpochs,
    int discriminativeEpochs,
    double alpha,
    int batch,
    double learningRate,
    long seed,
    int threads,
    double averaging,
    int shift,
    int reviveEpochs) {
  /** Validates every field. */
  public DrsaeOptions {
    if (pretrainEpochs < 0) {
      throw new IllegalArgumentException("pretrainEpochs must be >= 0, got " + pretrainEpochs);
    }
    if (discriminativeEpochs < 0) {
      throw new IllegalArgumentException(
          "discriminativeEpochs must be >= 0, got " + discriminativeEpochs);
    }
    if (pretrainEpochs + discriminativeEpochs < 1) {
      throw new IllegalArgumentException(
          "pretrainEpochs + discriminativeEpochs must be >= 1, got "
              + (pretrainEpochs + discriminativeEpochs));
    }
    if (!(alpha >= 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException(
          "learningRate must be finite and > 0, got " + learningRate);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (!(averaging >= 0 && averaging < 1)) {
      throw new IllegalArgumentException("averaging must be in [0, 1), got " + averaging);
    }
    if (shift < 0) {
      throw new IllegalArgumentException("shift must be >= 0, got " + shift);
    }
    if (reviveEpochs < 0) {
      throw new IllegalArgumentException("reviveEpochs must be >= 0, got " + reviveEpochs);
    }
  }

  /** Whether silent units are revived at the end of epoch {@code epoch} (from 0). */
  public boolean revivesAfter(int epoch) {
    return epoch < reviveEpochs && epoch + 1 < epochs();
  }

  /** Whether epoch {@code epoch} (from 0) adds to the parameter average. */
  public boolean averagesAt(int epoch) {
    return averaging > 0 && (discriminativeEpochs == 0 || epoch >= pretrainEpochs);
  }

  /** All epochs of the run, both phases. */
  public int epochs() {
    return pretrainEpochs + discriminativeEpochs;
  }

  /** The classification weight of epoch {@code epoch} (from 0): 0 while pre-training. */
  public double alphaAt(int epoch) {
    return epoch < pretrainEpochs ? 0 : alpha;
  }
}
