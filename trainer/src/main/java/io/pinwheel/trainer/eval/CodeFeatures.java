package io.pinwheel.trainer.eval;

import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.FrameDecodeException;
import io.pinwheel.extractor.NativeRuntime;
import io.pinwheel.extractor.Normalizer;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.IntTensor;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.trainer.data.GrayImages;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Images to feature matrices through the real {@link Encoder}: what a model's users get, not a
 * re-implementation of it.
 *
 * <p>Each image is scaled to [0, 1] and normalized by the model's own {@link Normalizer} rule, as
 * the extractor does after decoding. A gray image fed to a 3-channel model is repeated in every
 * channel, which is what decoding a gray file into BGR gives.
 *
 * <p>Matrices are [N, D] float, row-major and detached from any ND4J workspace; the caller owns
 * them and should close them, since at Fashion-MNIST sizes they are gigabytes of native memory.
 */
public final class CodeFeatures {
  private CodeFeatures() {}

  /**
   * The model's pooled codes, {@link io.pinwheel.extractor.SparseCode#toDense()} of each image's
   * {@link Encoder#encode} result, one row per image.
   *
   * @param threads encoder threads, at least 1; each has its own encoder
   * @throws IllegalArgumentException if the images' size does not match the model's input
   */
  public static INDArray pooled(EncoderModel model, GrayImages images, int threads) {
    int d = codeLength(model, images, threads);
    checkCells(images.count(), d);
    INDArray out = Nd4j.createUninitializedDetached(DataType.FLOAT, images.count(), d);
    FloatBuffer buffer = out.data().asNioFloat();
    int workers = Math.min(threads, images.count());
    int per = (images.count() + workers - 1) / workers;
    inParallel(
        workers,
        t -> {
          int from = t * per;
          int to = Math.min(images.count(), from + per);
          // Each worker writes its own rows through its own view of the buffer.
          encodeRange(model, images, from, to, d, buffer.duplicate());
        },
        out::close);
    return out;
  }

  /**
   * The model's pooled codes as {@link #pooled} gives them, one row per image, stored in a {@link
   * FeatureMatrix}: blocks of rows, each sparse when fewer than half its values are non-zero, so
   * the codes an output rule leaves sparse take a fraction of their dense size and the matrix is
   * not bounded by one 2 GiB buffer. The caller closes it.
   *
   * @param threads encoder threads, at least 1; each has its own encoder
   * @throws IllegalArgumentException if the images' size does not match the model's input
   */
  public static FeatureMatrix pooledMatrix(EncoderModel model, GrayImages images, int threads) {
    return pooledMatrix(model, images, threads, FeatureMatrix.BLOCK_VALUES);
  }

  /**
   * {@link #pooledMatrix(EncoderModel, GrayImages, int)} with blocks of at most this many values.
   */
  static FeatureMatrix pooledMatrix(
      EncoderModel model, GrayImages images, int threads, int blockValues) {
    int d = codeLength(model, images, threads);
    int n = images.count();
    int per = FeatureMatrix.blockRows(d, blockValues);
    FeatureMatrix.Block[] blocks = new FeatureMatrix.Block[(n + per - 1) / per];
    int workers = Math.min(threads, blocks.length);
    // Worker t encodes blocks t, t + workers, ...; each block is written by one worker.
    inParallel(
        workers,
        t -> encodeBlocks(model, images, t, workers, per, d, blocks),
        () -> FeatureMatrix.closeAll(blocks));
    return new FeatureMatrix(n, d, per, blocks);
  }

  /**
   * Checks the images against the model and the thread count, starts the native runtime, and
   * returns the length of one flat code.
   */
  private static int codeLength(EncoderModel model, GrayImages images, int threads) {
    checkSize(model, images);
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    NativeRuntime.init();
    int[] shape = model.outputShape();
    return shape[0] * shape[1] * shape[2];
  }

  /**
   * Runs {@code task} for workers 0 … {@code workers − 1}, each on its own thread, and waits for
   * all of them. If one fails or the wait is interrupted, {@code cleanup} frees what the tasks were
   * filling before the failure is rethrown (a task's RuntimeException as itself).
   */
  private static void inParallel(int workers, IntConsumer task, Runnable cleanup) {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < workers; t++) {
        int worker = t;
        done.add(pool.submit(() -> task.accept(worker)));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (InterruptedException e) {
      cleanup.run();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while encoding", e);
    } catch (ExecutionException e) {
      cleanup.run();
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("encoding failed: " + cause, cause);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The codes before pooling: the last stage's conv + ReLU + gain output h, [K, H, W] flat per
   * image, computed by the real encoder on {@link #prePoolingModel}.
   *
   * @param threads encoder threads, at least 1
   * @throws IllegalArgumentException if the model has no pooling (a recurrent encoder)
   */
  public static INDArray prePooling(EncoderModel model, GrayImages images, int threads) {
    return pooled(
        prePoolingModel(model)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "model " + model.name() + " has no pooling layer")),
        images,
        threads);
  }

  /**
   * {@code model} with its last pooling made the identity (l2pool with groups [K, 1] = 0..K-1,
   * weights 1, window 1, stride 1), no classifier head, and an output threshold of 0 with no top-k.
   * Its "pooled" map is then sqrt(relu(z)^2) = the conv + ReLU + gain output, and its sparse code
   * keeps every non-zero. Empty for a model whose code does not come from pooling (a recurrent
   * encoder): it has no pre-pooling code to compare with.
   */
  public static Optional<EncoderModel> prePoolingModel(EncoderModel model) {
    List<Layer> layers = new ArrayList<>(model.codeLayers());
    if (layers.size() < 2 || !(layers.get(layers.size() - 2) instanceof ConvLayer last)) {
      return Optional.empty();
    }
    int maps = last.outputMaps();
    int[] identity = new int[maps];
    for (int k = 0; k < maps; k++) {
      identity[k] = k;
    }
    layers.set(
        layers.size() - 1,
        L2PoolLayer.unweighted(IntTensor.of(new int[] {maps, 1}, identity), 1, 1));
    return Optional.of(
        EncoderModel.of(
            model.name(), model.version(), model.input(), layers, OutputSpec.threshold(0f)));
  }

  /**
   * {@code model} without its output rule and head: every value of the last pooled map (or the
   * recurrent layer's output) is kept, so its "sparse" code is the dense code the rule reads.
   */
  public static EncoderModel beforeOutputRule(EncoderModel model) {
    return EncoderModel.of(
        model.name(),
        model.version(),
        model.input(),
        model.codeLayers(),
        OutputSpec.threshold(-Float.MAX_VALUE));
  }

  /**
   * The fraction of {@code images} whose label the model's own classifier head gets right: the
   * head's labels are taken to be the classes in index order, as {@code train drsae} writes them.
   * Empty when the model has no head.
   *
   * @throws IllegalArgumentException if the images' size does not match the model's input
   */
  public static OptionalDouble headAccuracy(EncoderModel model, GrayImages images) {
    checkSize(model, images);
    if (model.head().isEmpty()) {
      return OptionalDouble.empty();
    }
    List<String> labels = model.head().get().labels();
    int right = 0;
    try (Encoder encoder = new Encoder(model)) {
      for (int i = 0; i < images.count(); i++) {
        if (labels.indexOf(encoder.encode(frame(model, images, i)).label()) == images.labels()[i]) {
          right++;
        }
      }
    } catch (FrameDecodeException e) {
      throw new IllegalStateException("model " + model.name() + " cannot encode an image", e);
    }
    return OptionalDouble.of(right / (double) images.count());
  }

  /** The pixels scaled to [0, 1], one row of height x width values per image. */
  public static INDArray pixels(GrayImages images) {
    int d = images.height() * images.width();
    checkCells(images.count(), d);
    NativeRuntime.init();
    INDArray out = Nd4j.createUninitializedDetached(DataType.FLOAT, images.count(), d);
    FloatBuffer buffer = out.data().asNioFloat();
    for (int i = 0; i < images.count(); i++) {
      buffer.put(i * d, images.image(i));
    }
    return out;
  }

  /** Image {@code i} as the frame the model reads: scaled, channels repeated, normalized. */
  static Frame frame(EncoderModel model, GrayImages images, int i) {
    int c = model.input().channels();
    int h = images.height();
    int w = images.width();
    float[] gray = images.image(i);
    float[] planar = new float[c * h * w];
    for (int ch = 0; ch < c; ch++) {
      System.arraycopy(gray, 0, planar, ch * h * w, h * w);
    }
    Normalizer.apply(model.input().normalize(), planar, c, h, w);
    return Frame.of(c, h, w, planar);
  }

  static void checkSize(EncoderModel model, GrayImages images) {
    if (images.height() != model.input().height() || images.width() != model.input().width()) {
      throw new IllegalArgumentException(
          "images are "
              + images.height()
              + "x"
              + images.width()
              + " but model "
              + model.name()
              + " reads "
              + model.input().height()
              + "x"
              + model.input().width());
    }
  }

  /** The most values one feature matrix holds: its floats are read as one 2 GiB NIO buffer. */
  static final long MAX_VALUES = Integer.MAX_VALUE / Float.BYTES;

  /** The most images whose {@code columns}-value codes fit in one feature matrix. */
  public static int maxRows(long columns) {
    return (int) Math.min(Integer.MAX_VALUE, MAX_VALUES / Math.max(1, columns));
  }

  /** The number of values in a model's code: the product of its output shape. */
  public static long codeSize(EncoderModel model) {
    long n = 1;
    for (int d : model.outputShape()) {
      n *= d;
    }
    return n;
  }

  private static void checkCells(int rows, int columns) {
    if ((long) rows * columns > MAX_VALUES) {
      throw new IllegalArgumentException(
          rows
              + " images x "
              + columns
              + " features is more than one matrix can hold ("
              + MAX_VALUES
              + " values): use fewer images");
    }
  }

  private static void encodeBlocks(
      EncoderModel model,
      GrayImages images,
      int first,
      int step,
      int per,
      int d,
      FeatureMatrix.Block[] blocks) {
    float[] rows = new float[per * d];
    try (Encoder encoder = new Encoder(model)) {
      for (int b = first; b < blocks.length; b += step) {
        int from = b * per;
        int n = Math.min(per, images.count() - from);
        for (int r = 0; r < n; r++) {
          float[] code = encoder.encode(frame(model, images, from + r)).toDense();
          System.arraycopy(code, 0, rows, r * d, d);
        }
        blocks[b] = FeatureMatrix.block(rows, n, d);
      }
    } catch (FrameDecodeException e) {
      // The frame is built from the model's own input spec, so only a bug gets here.
      throw new IllegalStateException("image block " + first + ": " + e.getMessage(), e);
    }
  }

  private static void encodeRange(
      EncoderModel model, GrayImages images, int from, int to, int d, FloatBuffer out) {
    try (Encoder encoder = new Encoder(model)) {
      for (int i = from; i < to; i++) {
        float[] code = encoder.encode(frame(model, images, i)).toDense();
        out.put(i * d, code, 0, d);
      }
    } catch (FrameDecodeException e) {
      // The frame is built from the model's own input spec, so only a bug gets here.
      throw new IllegalStateException("image " + from + ".." + to + ": " + e.getMessage(), e);
    }
  }
}
