package io.pinwheel.trainer.lateral;

import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.IntTensor;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.trainer.sparse.ModelExport;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Between a lateral-inhibition training state and an ordinary encoder file, which the extractor and
 * the topology serve like any other:
 *
 * <ul>
 *   <li>layer 0, conv: the encoder's filters F as [K, 1, p, p] (a kernel the size of the patch, so
 *       at every position of a frame the map k is the unit k of the code of the patch there), bias
 *       −b, gain g;
 *   <li>layer 1, l2pool: every map its own group of one, weight 1, window 1, stride 1. The format
 *       allows all three, and √(h²) = |h| = h for h = g·ReLU(·) with g ≥ 0, so the pool is the
 *       identity and the served values are exactly the encoder's z̃;
 *   <li>training tensors {@value #DICTIONARY} (W as atoms [K, 1, p, p], the layout of a conv
 *       decoder) and {@value #INHIBITION} (S, [K, K]).
 * </ul>
 */
public final class LateralExport {
  /** The training tensor holding the dictionary atoms, [K, 1, p, p]. */
  public static final String DICTIONARY = "dictionary";

  /** The training tensor holding the lateral-inhibition matrix S, [K, K]. */
  public static final String INHIBITION = "inhibition";

  private LateralExport() {}

  /**
   * The encoder model of a trained state.
   *
   * @param psd the encoder, over p×p patches
   * @param w the dictionary, [p², K]
   * @param s the lateral-inhibition matrix, [K, K]
   * @param patch the patch side p
   * @param name the model name
   * @param version the model version
   * @param createdAt when the model was made
   * @param input the frames it reads, at least p×p, one channel
   * @param output the output rule
   * @param training the provenance JSON object, as text
   * @return the model
   * @throws IllegalArgumentException if the shapes disagree or the input is smaller than a patch
   */
  public static EncoderModel model(
      PsdEncoder psd,
      INDArray w,
      INDArray s,
      int patch,
      String name,
      int version,
      Instant createdAt,
      InputSpec input,
      OutputSpec output,
      String training) {
    int k = psd.units();
    if (w.rank() != 2 || w.rows() != (long) patch * patch || w.columns() != k) {
      throw new IllegalArgumentException("w must be [" + patch * patch + ", " + k + "]");
    }
    if (s.rank() != 2 || s.rows() != k || s.columns() != k) {
      throw new IllegalArgumentException("s must be [" + k + ", " + k + "]");
    }
    return new EncoderModel(
        name,
        version,
        createdAt,
        input,
        List.of(conv(psd, patch), identityPool(k)),
        output,
        training,
        Map.of(DICTIONARY, atoms(w, patch), INHIBITION, ModelExport.tensor(s)));
  }

  /**
   * The encoder as a conv layer: weights Fᵀ reshaped to [K, 1, p, p], bias −b, gain g.
   *
   * @param psd the encoder, with p² inputs
   * @param patch the patch side p
   * @return the layer
   */
  public static ConvLayer conv(PsdEncoder psd, int patch) {
    if (psd.inputs() != patch * patch) {
      throw new IllegalArgumentException(
          "the encoder reads " + psd.inputs() + " inputs, not a " + patch + "x" + patch + " patch");
    }
    try (INDArray bias = psd.parameter(PsdEncoder.BIAS).neg()) {
      return new ConvLayer(
          atoms(psd.parameter(PsdEncoder.FILTERS), patch),
          ModelExport.tensor(bias.reshape(psd.units())),
          ModelExport.tensor(psd.parameter(PsdEncoder.GAIN).reshape(psd.units())));
    }
  }

  /**
   * The pooling that serves a conv layer's maps unchanged: K groups of one map each, weight 1,
   * window 1, stride 1.
   *
   * @param k the number of maps K
   * @return the layer
   */
  public static L2PoolLayer identityPool(int k) {
    int[] groups = new int[k];
    for (int i = 0; i < k; i++) {
      groups[i] = i;
    }
    return L2PoolLayer.unweighted(IntTensor.of(new int[] {k, 1}, groups), 1, 1);
  }

  /**
   * The columns of a [p², K] matrix as K atoms of [1, p, p], the conv weight layout.
   *
   * @param columns the matrix, [p², K]
   * @param patch the patch side p
   * @return the atoms, [K, 1, p, p]
   */
  public static FloatTensor atoms(INDArray columns, int patch) {
    int k = columns.columns();
    try (INDArray t = columns.transpose().dup('c')) {
      return FloatTensor.of(new int[] {k, 1, patch, patch}, t.data().asFloat());
    }
  }

  /**
   * The encoder a file written by {@link #model} serves, read back.
   *
   * @param model the model
   * @return a new encoder the caller must close
   * @throws InvalidModelException if the model is not one conv over a single-channel square patch
   *     with a non-negative gain
   */
  public static PsdEncoder encoder(EncoderModel model) throws InvalidModelException {
    if (model.layers().size() != 2 || !(model.layers().get(0) instanceof ConvLayer conv)) {
      throw new InvalidModelException(
          "not a lateral-inhibition encoder: expected one conv + l2pool stage, got "
              + model.layers().size()
              + " layers");
    }
    int p = conv.kernelHeight();
    if (conv.inputChannels() != 1 || conv.kernelWidth() != p) {
      throw new InvalidModelException(
          "not a lateral-inhibition encoder: expected a 1-channel square kernel, got "
              + Arrays.toString(conv.weights().shape()));
    }
    int k = conv.outputMaps();
    // Fresh arrays rather than reshaped views: ND4J refuses to close a view.
    try (INDArray weights = Nd4j.create(conv.weights().toArray(), new long[] {k, p * p}, 'c');
        INDArray filters = weights.transpose().dup('c');
        INDArray bias = Nd4j.create(conv.bias().toArray(), new long[] {1, k}, 'c').negi();
        INDArray gain = Nd4j.create(conv.gain().toArray(), new long[] {1, k}, 'c')) {
      return PsdEncoder.of(filters, bias, gain);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException("not a lateral-inhibition encoder: " + e.getMessage());
    }
  }

  /**
   * The dictionary W kept in a model written by {@link #model}.
   *
   * @param model the model
   * @return a new [p², K] array the caller owns
   * @throws InvalidModelException if the tensor is missing or not [K, 1, p, p]
   */
  public static INDArray dictionary(EncoderModel model) throws InvalidModelException {
    FloatTensor atoms = model.trainingTensors().get(DICTIONARY);
    if (atoms == null || atoms.rank() != 4 || atoms.dim(1) != 1) {
      throw new InvalidModelException(
          "training tensor " + DICTIONARY + " is missing or not [K, 1, p, p]: " + atoms);
    }
    int d = atoms.dim(2) * atoms.dim(3);
    try (INDArray a = Nd4j.create(atoms.toArray(), new long[] {atoms.dim(0), d}, 'c')) {
      return a.transpose().dup('c');
    }
  }

  /**
   * The lateral-inhibition matrix S kept in a model written by {@link #model}.
   *
   * @param model the model
   * @return a new [K, K] array the caller owns
   * @throws InvalidModelException if the tensor is missing or not square
   */
  public static INDArray inhibition(EncoderModel model) throws InvalidModelException {
    FloatTensor s = model.trainingTensors().get(INHIBITION);
    if (s == null || s.rank() != 2 || s.dim(0) != s.dim(1)) {
      throw new InvalidModelException(
          "training tensor " + INHIBITION + " is missing or not [K, K]: " + s);
    }
    return ModelExport.array(s);
  }
}
