package io.pinwheel.topology.model;

import io.pinwheel.extractor.RandomModels;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.IntTensor;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.LinearLayer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.extractor.model.RecurrentLayer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small encoder models for the topology tests: the topology must not depend on the trainer, and a
 * 32x32 model encodes in well under a millisecond.
 *
 * <p>Each is one stage: 8 random 5x5 filters on a gray frame standardized around 0.5, L2 pools over
 * blocks of 2 maps with a 2x2 window and stride 2, threshold 0: a [4, 14, 14] code for 32x32 input.
 */
public final class TestModels {
  /** The input side of {@link #model(String, int)}. */
  public static final int SIZE = 32;

  private TestModels() {}

  /**
   * A 32x32 model created now, with weights drawn from its name and version.
   *
   * @param name the model name
   * @param version the model version
   * @return the model
   */
  public static EncoderModel model(String name, int version) {
    return model(name, version, SIZE, Instant.now());
  }

  /**
   * A model of the given input side and creation time.
   *
   * @param name the model name
   * @param version the model version
   * @param size the input height and width, at least 6
   * @param createdAt the creation time
   * @return the model
   */
  public static EncoderModel model(String name, int version, int size, Instant createdAt) {
    Random rnd = new Random(31L * name.hashCode() + version);
    return build(name, version, size, createdAt, gaussian(rnd, 8 * 5 * 5));
  }

  /**
   * A model that passes every check of the file format but whose codes overflow to infinity: its
   * weights are finite but so large that pooling squares them past the float range.
   *
   * @param name the model name
   * @param version the model version
   * @return the model
   */
  public static EncoderModel overflowing(String name, int version) {
    float[] w = new float[8 * 5 * 5];
    java.util.Arrays.fill(w, 1e30f);
    return build(name, version, SIZE, Instant.now(), w);
  }

  /** The labels of the heads of {@link #withHead} and {@link #recurrent}. */
  public static final List<String> LABELS = List.of("T-shirt", "trouser", "pullover");

  /**
   * {@link #model(String, int)} with a linear head of the three {@link #LABELS} on its [4, 14, 14]
   * code.
   *
   * @param name the model name
   * @param version the model version
   * @return the model
   */
  public static EncoderModel withHead(String name, int version) {
    Random rnd = new Random(97L * name.hashCode() + version);
    return withHead(model(name, version), head(rnd, 4 * 14 * 14));
  }

  /**
   * {@link #withHead} but with head weights so large (every one 1e38, finite) that any non-zero
   * code scores past the float range.
   *
   * @param name the model name
   * @param version the model version
   * @return the model
   */
  public static EncoderModel overflowingHead(String name, int version) {
    int n = LABELS.size();
    return withHead(
        model(name, version),
        new LinearLayer(
            FloatTensor.filled(new int[] {n, 4 * 14 * 14}, 1e38f),
            FloatTensor.filled(new int[] {n}, 0f),
            LABELS));
  }

  private static EncoderModel withHead(EncoderModel base, LinearLayer head) {
    List<Layer> layers = new ArrayList<>(base.layers());
    layers.add(head);
    return new EncoderModel(
        base.name(),
        base.version(),
        base.createdAt(),
        base.input(),
        layers,
        base.output(),
        "{}",
        Map.of());
  }

  /**
   * A recurrent (DrSAE) model on 32x32 gray frames, 24 units, 5 steps, with a linear head of the
   * three {@link #LABELS}; weights drawn from its name and version.
   *
   * @param name the model name
   * @param version the model version
   * @return the model
   */
  public static EncoderModel recurrent(String name, int version) {
    Random rnd = new Random(131L * name.hashCode() + version);
    int d = SIZE * SIZE;
    int k = 24;
    float[] encoder = gaussian(rnd, k * d);
    for (int i = 0; i < encoder.length; i++) {
      // gaussian() has deviation 0.2: rows of norm about 1, so the drive is of order 1.
      encoder[i] *= (float) (5 / Math.sqrt(d));
    }
    RecurrentLayer rec =
        new RecurrentLayer(
            FloatTensor.of(new int[] {k, d}, encoder),
            FloatTensor.of(new int[] {k, k}, gaussian(rnd, k * k)),
            FloatTensor.filled(new int[] {k}, 0.1f),
            5);
    return new EncoderModel(
        name,
        version,
        Instant.now(),
        new InputSpec(SIZE, SIZE, 1, new Normalization.Standardize(0.5f, 0.25f)),
        List.of(rec, head(rnd, k)),
        OutputSpec.threshold(0f),
        "{}",
        Map.of());
  }

  private static LinearLayer head(Random rnd, int inputs) {
    return new LinearLayer(
        FloatTensor.of(new int[] {LABELS.size(), inputs}, gaussian(rnd, LABELS.size() * inputs)),
        FloatTensor.of(new int[] {LABELS.size()}, gaussian(rnd, LABELS.size())),
        LABELS);
  }

  /**
   * The encoder file bytes of a model.
   *
   * @param model the model
   * @return its {@code .pwe} bytes
   */
  public static byte[] bytes(EncoderModel model) {
    return EncoderFile.toBytes(model);
  }

  /**
   * The bytes of a model with one byte of its last tensor flipped, so that its checksum fails.
   *
   * @param model the model
   * @return corrupt {@code .pwe} bytes
   */
  public static byte[] corrupt(EncoderModel model) {
    byte[] b = bytes(model);
    // Entries are stored uncompressed: 200 bytes past the first .npy magic number is inside the
    // conv weights, so the archive still opens and the tensor's checksum is what fails.
    for (int i = 0; i + 6 < b.length; i++) {
      if ((b[i] & 0xff) == 0x93 && b[i + 1] == 'N' && b[i + 2] == 'U' && b[i + 3] == 'M') {
        b[i + 200] ^= 0x5a;
        return b;
      }
    }
    throw new IllegalStateException("no .npy entry in the model's bytes");
  }

  private static EncoderModel build(
      String name, int version, int size, Instant createdAt, float[] weights) {
    IntTensor groups = IntTensor.of(new int[] {4, 2}, new int[] {0, 1, 2, 3, 4, 5, 6, 7});
    return new EncoderModel(
        name,
        version,
        createdAt,
        new InputSpec(size, size, 1, new Normalization.Standardize(0.5f, 0.25f)),
        List.of(
            new ConvLayer(
                FloatTensor.of(new int[] {8, 1, 5, 5}, weights),
                FloatTensor.filled(new int[] {8}, 0f),
                FloatTensor.filled(new int[] {8}, 1f)),
            L2PoolLayer.unweighted(groups, 2, 2)),
        OutputSpec.threshold(0f),
        "{}",
        Map.of());
  }

  /** {@code n} normal values of deviation 0.2. */
  private static float[] gaussian(Random rnd, int n) {
    return RandomModels.gaussian(rnd, 0.2, n).toArray();
  }
}
