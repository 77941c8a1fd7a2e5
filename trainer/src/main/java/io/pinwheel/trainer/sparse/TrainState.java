package io.pinwheel.trainer.sparse;

import io.pinwheel.trainer.optim.Parameters;
import io.pinwheel.trainer.run.EpochInfo;
import io.pinwheel.trainer.run.Term;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Everything a training run needs to continue exactly where it stopped: the parameters, Adam's
 * moment estimates, the number of finished epochs and steps, and the per-epoch history.
 *
 * <p>Parameters are float32 on the heap in {@link ConvGradients}' layout: filters [K, C, k, k], the
 * file format's. Training updates them in place.
 */
public final class TrainState {
  final Parameters parameters;
  final Parameters firstMoments;
  final Parameters secondMoments;
  int epochsDone;
  long steps;
  final List<EpochStats> history;

  TrainState(
      Parameters parameters,
      Parameters firstMoments,
      Parameters secondMoments,
      int epochsDone,
      long steps,
      List<EpochStats> history) {
    this.parameters = parameters;
    this.firstMoments = firstMoments;
    this.secondMoments = secondMoments;
    this.epochsDone = epochsDone;
    this.steps = steps;
    this.history = new ArrayList<>(history);
  }

  /**
   * A fresh start: zero-mean random filters of unit norm drawn from {@code seed}, the decoder a
   * copy of the encoder (tied at the start, so reconstruction begins sensible), bias 0, gain 1, and
   * zero Adam moments. (The trainer then replaces the filters by patches of the data and sets bias
   * and gain from a sample; see {@link ConvTrainer}.)
   */
  public static TrainState initial(int channels, TrainOptions o) {
    SplittableRandom rnd = new SplittableRandom(o.seed());
    int k = o.kernel();
    int n = k * k * channels;
    Parameters p = geometry(channels, o).zeroParameters();
    float[] encoder = p.get(ConvGradients.ENCODER);
    for (int f = 0; f < o.filters(); f++) {
      double[] v = new double[n];
      double mean = 0;
      for (int i = 0; i < n; i++) {
        v[i] = gaussian(rnd);
        mean += v[i];
      }
      mean /= n;
      double norm = 0;
      for (int i = 0; i < n; i++) {
        v[i] -= mean;
        norm += v[i] * v[i];
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < n; i++) {
        encoder[f * n + i] = (float) (v[i] / norm);
      }
    }
    System.arraycopy(encoder, 0, p.get(ConvGradients.DECODER), 0, encoder.length);
    java.util.Arrays.fill(p.get(ConvGradients.GAIN), 1f);
    return new TrainState(p, p.zerosLike(), p.zerosLike(), 0, 0, List.of());
  }

  /** The shapes of the parameters for {@code channels} input channels; frame size is not needed. */
  private static ConvGradients.Geometry geometry(int channels, TrainOptions o) {
    return new ConvGradients.Geometry(channels, o.kernel(), o.kernel(), o.kernel(), o.filters());
  }

  private static double gaussian(SplittableRandom rnd) {
    // Box-Muller from the seeded generator, so the start does not depend on any library's RNG.
    double u = 1 - rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** The number of finished epochs. */
  public int epochsDone() {
    return epochsDone;
  }

  /** The number of gradient steps taken. */
  public long steps() {
    return steps;
  }

  /** The statistics of every finished epoch, in order. */
  public List<EpochStats> history() {
    return List.copyOf(history);
  }

  /** The live parameters, in {@link ConvGradients}' layout. */
  public Parameters parameters() {
    return parameters;
  }

  /**
   * One finished epoch.
   *
   * @param epoch its number, from 1
   * @param reconstruction mean ‖x − x̂‖² per training example over the epoch
   * @param sparsity mean group-sparsity term per example (before λ)
   * @param loss mean energy, reconstruction + λ·sparsity
   * @param relativeError ‖x − x̂‖² / ‖x‖² over the epoch: the fraction of signal energy not
   *     reconstructed, comparable across data sets and patch sizes
   * @param seconds wall time of the epoch
   * @param residentMegabytes the process's resident memory at the epoch's end, heap and native
   *     together: flat from epoch to epoch when nothing leaks
   */
  public record EpochStats(
      int epoch,
      double reconstruction,
      double sparsity,
      double loss,
      double relativeError,
      double seconds,
      double residentMegabytes) {
    /** This epoch as progress shows it, for a run of {@code epochs}. */
    public EpochInfo info(int epochs) {
      return new EpochInfo(
          epoch,
          epochs,
          "",
          loss,
          List.of(new Term("reconstruction", reconstruction), new Term("sparsity", sparsity)),
          List.of(new Term("unreconstructed signal", relativeError)),
          seconds,
          residentMegabytes);
    }
  }
}
