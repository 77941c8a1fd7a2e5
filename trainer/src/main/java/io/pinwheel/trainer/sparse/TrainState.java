package io.pinwheel.trainer.sparse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Everything a training run needs to continue exactly where it stopped: the parameters, Adam's
 * moment estimates, the number of finished epochs and steps, and the per-epoch history.
 *
 * <p>Arrays are float32, in the variable layout of {@link ConvSparseCoder} ([k, k, C, K] for the
 * filters). The parameter arrays are handed to the graph, which updates them in place.
 */
public final class TrainState {
  final Map<String, INDArray> parameters;
  final Map<String, INDArray> firstMoments;
  final Map<String, INDArray> secondMoments;
  int epochsDone;
  long steps;
  final List<EpochStats> history;

  TrainState(
      Map<String, INDArray> parameters,
      Map<String, INDArray> firstMoments,
      Map<String, INDArray> secondMoments,
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
   * zero Adam moments.
   */
  public static TrainState initial(int channels, TrainOptions o) {
    SplittableRandom rnd = new SplittableRandom(o.seed());
    int k = o.kernel();
    int n = k * k * channels;
    float[] w = new float[n * o.filters()];
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
        // [k, k, C, K] with K fastest: element i of filter f sits at i * K + f.
        w[i * o.filters() + f] = (float) (v[i] / norm);
      }
    }
    INDArray encoder = Nd4j.create(w, new long[] {k, k, channels, o.filters()}, 'c');
    Map<String, INDArray> p = new LinkedHashMap<>();
    p.put(ConvSparseCoder.ENCODER, encoder);
    p.put(ConvSparseCoder.BIAS, Nd4j.zeros(DataType.FLOAT, o.filters()));
    p.put(ConvSparseCoder.GAIN, Nd4j.ones(DataType.FLOAT, o.filters()));
    p.put(ConvSparseCoder.DECODER, encoder.dup('c'));
    return new TrainState(p, zerosLike(p), zerosLike(p), 0, 0, List.of());
  }

  static Map<String, INDArray> zerosLike(Map<String, INDArray> p) {
    Map<String, INDArray> z = new LinkedHashMap<>();
    p.forEach((name, a) -> z.put(name, Nd4j.zeros(a.dataType(), a.shape())));
    return z;
  }

  private static double gaussian(SplittableRandom rnd) {
    // Box-Muller from the seeded generator, so the start does not depend on ND4J's RNG state.
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
   *     (ND4J, OpenCV) together: flat from epoch to epoch when nothing leaks
   */
  public record EpochStats(
      int epoch,
      double reconstruction,
      double sparsity,
      double loss,
      double relativeError,
      double seconds,
      double residentMegabytes) {}
}
