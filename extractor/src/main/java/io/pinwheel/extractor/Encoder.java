package io.pinwheel.extractor;

import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.L2PoolLayer;
import io.pinwheel.extractor.model.LinearLayer;
import io.pinwheel.extractor.model.RecurrentLayer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Frames to codes and sparse codes: the production path.
 *
 * <p>Each conv layer is one matrix product per band of output rows, {@code W[K, C*kh*kw] x
 * B[C*kh*kw, rows*W]}, where the columns of B run over the full input width rather than the valid
 * output width. That makes every row of B a contiguous slice of the input plane, so building B is
 * {@code C*kh*kw} block copies instead of a gather per element; the {@code kw-1} extra columns per
 * row (8% for 96 wide, 9x9 kernels) are computed and dropped. The product is {@code Nd4j.gemm} on
 * ND4J arrays allocated once per encoder: on this kind of machine it runs the 64x81xN product of
 * the reference workload at about the machine's 1024^3 SGEMM rate once N reaches a few thousand
 * columns, where calling OpenBLAS directly reached two thirds of it. So bands are a few thousand
 * columns: large enough for the product, and few enough that the per-call cost does not count.
 *
 * <p>The per-map gain is folded into the weights and bias as |gain|: {@code |g| * max(0, z) =
 * max(0, |g| * z)}, and the sign of the gain cannot matter because L2 pooling squares every value.
 *
 * <p>A recurrent (DrSAE) layer is a chain of products on a batch of frames flattened into the rows
 * of X [N, D]: the drive X Eᵀ − b once, then T−1 lateral updates Z Sᵀ + drive, each a product into
 * a buffer preloaded with the drive, with the ReLU applied on the heap between products. {@link
 * #encodeAll} fills batches of up to {@link #recurrentBatch()} frames; {@link #encode} is a batch
 * of one.
 *
 * <p>A linear head's scores are computed on the heap, in double precision, from the dense code: N*K
 * multiply-adds, small next to the code itself.
 *
 * <p>Not thread-safe: an encoder owns native scratch buffers. Use one per thread (they are cheap:
 * for the reference model 2.5 MB off-heap, 2.4 MB of heap) and close it to free the native memory.
 */
public final class Encoder implements AutoCloseable {
  /** Aim for band products of about this many columns; the bands of a stage are equal in size. */
  private static final int TARGET_BAND_COLUMNS = 4096;

  /** The most frames in one recurrent batch: past this the products gain nothing from size. */
  private static final int MAX_RECURRENT_BATCH = 32;

  /** Recurrent batches are also kept below about this many input floats (4 MB), for large D. */
  private static final int RECURRENT_BATCH_FLOATS = 1 << 20;

  private final EncoderModel model;
  private final int[] outputShape;
  private final int outputSize;
  private final Stage[] stages;
  private final Recurrent recurrent;
  private final Head head;
  private final List<INDArray> nativeArrays = new ArrayList<>();

  /** One band's conv output, a row per map: per-map arrays let the JIT vectorize (see below). */
  private final float[][] mapScratch;

  /** One band's group energies, a row per pool. */
  private final float[][] poolScratch;

  private final float[] lastPooled;
  private final long[] topKeys;
  private boolean closed;

  /** An encoder for {@code model}; allocates its native scratch buffers. */
  public Encoder(EncoderModel model) {
    NativeRuntime.init();
    this.model = model;
    this.outputShape = model.outputShape();
    this.outputSize = outputShape[0] * outputShape[1] * outputShape[2];

    List<int[]> shapes = model.layerShapes();
    boolean isRecurrent = model.layers().get(0) instanceof RecurrentLayer;
    int stageCount = isRecurrent ? 0 : model.codeLayers().size() / 2;
    List<Stage> built = new ArrayList<>(stageCount);
    int[] in = {model.input().channels(), model.input().height(), model.input().width()};
    int maxColumns = 0;
    int maxMaps = 0;
    int maxPools = 0;
    for (int s = 0; s < stageCount; s++) {
      ConvLayer conv = (ConvLayer) model.layers().get(2 * s);
      L2PoolLayer pool = (L2PoolLayer) model.layers().get(2 * s + 1);
      Stage stage = new Stage(conv, pool, in, shapes.get(2 * s), shapes.get(2 * s + 1));
      stage.allocate(nativeArrays);
      built.add(stage);
      for (Band band : stage.bands) {
        maxColumns = Math.max(maxColumns, band.columns);
      }
      maxMaps = Math.max(maxMaps, stage.maps);
      maxPools = Math.max(maxPools, stage.pools);
      in = shapes.get(2 * s + 1);
    }
    this.stages = built.toArray(new Stage[0]);
    if (isRecurrent) {
      RecurrentLayer layer = (RecurrentLayer) model.layers().get(0);
      int batch =
          Math.max(1, Math.min(MAX_RECURRENT_BATCH, RECURRENT_BATCH_FLOATS / layer.inputSize()));
      this.recurrent = new Recurrent(layer, batch, nativeArrays);
    } else {
      this.recurrent = null;
    }
    this.head = model.head().map(Head::new).orElse(null);
    this.mapScratch = new float[maxMaps][maxColumns];
    this.poolScratch = new float[maxPools][maxColumns];
    this.lastPooled = new float[outputSize];
    this.topKeys = new long[outputSize];
  }

  /** The model this encoder runs. */
  public EncoderModel model() {
    return model;
  }

  /**
   * The most frames {@link #encodeAll} runs through a recurrent layer's products at once; 1 for
   * conv models, which encode one frame at a time.
   */
  public int recurrentBatch() {
    return recurrent == null ? 1 : recurrent.batch;
  }

  /**
   * The dense code of {@code frame}: the last pooled map, or the recurrent layer's output, flat
   * row-major over {@link EncoderModel#outputShape()}. This is what the output rule and a linear
   * head read.
   *
   * @throws FrameDecodeException with reason {@code WRONG_SHAPE} if the frame's channels or size
   *     differ from the model's input, or it holds a NaN or infinite value
   */
  public float[] encodeDense(Frame frame) throws FrameDecodeException {
    run(frame);
    return lastPooled.clone();
  }

  /**
   * The sparse code of {@code frame} under the model's output rule and, when the model has a linear
   * head, the head's scores and label (see {@link SparseCode}).
   *
   * @throws FrameDecodeException with reason {@code WRONG_SHAPE} if the frame's channels or size
   *     differ from the model's input, or it holds a NaN or infinite value
   */
  public SparseCode encode(Frame frame) throws FrameDecodeException {
    run(frame);
    return result(lastPooled);
  }

  /**
   * The sparse codes of several frames, in order, as {@link #encode} gives them. Frames are encoded
   * on the calling thread; a recurrent model runs them in batches of up to {@link
   * #recurrentBatch()} frames, a conv model one after another. For parallelism use one encoder per
   * thread.
   *
   * @throws FrameDecodeException as {@link #encode} does, for the first frame that is refused
   */
  public List<SparseCode> encodeAll(List<Frame> frames) throws FrameDecodeException {
    List<SparseCode> codes = new ArrayList<>(frames.size());
    if (recurrent == null) {
      for (Frame frame : frames) {
        codes.add(encode(frame));
      }
      return codes;
    }
    for (int from = 0; from < frames.size(); from += recurrent.batch) {
      List<Frame> batch = frames.subList(from, Math.min(frames.size(), from + recurrent.batch));
      runRecurrent(batch);
      for (int r = 0; r < batch.size(); r++) {
        System.arraycopy(recurrent.codes, r * outputSize, lastPooled, 0, outputSize);
        codes.add(result(lastPooled));
      }
    }
    return codes;
  }

  private void run(Frame frame) throws FrameDecodeException {
    if (recurrent != null) {
      runRecurrent(List.of(frame));
      System.arraycopy(recurrent.codes, 0, lastPooled, 0, outputSize);
      return;
    }
    start(frame);
    float[] data = frame.array();
    Stage first = stages[0];
    System.arraycopy(data, 0, first.input, 0, data.length);
    for (int s = 0; s < stages.length; s++) {
      float[] dst = s + 1 < stages.length ? stages[s + 1].input : lastPooled;
      runStage(stages[s], dst);
    }
  }

  /** Checks that the encoder is open and the frame fits, and readies this thread's BLAS. */
  private void start(Frame frame) throws FrameDecodeException {
    if (closed) {
      throw new IllegalStateException("encoder is closed");
    }
    checkFrame(frame);
    NativeRuntime.applyToCurrentThread();
  }

  /** The recurrent layer's codes of {@code frames} (at most one batch) into recurrent.codes. */
  private void runRecurrent(List<Frame> frames) throws FrameDecodeException {
    for (int r = 0; r < frames.size(); r++) {
      start(frames.get(r));
      float[] data = frames.get(r).array();
      recurrent.inBuffer.put(r * recurrent.inputs, data, 0, data.length);
    }
    recurrent.run(frames.size());
  }

  private void checkFrame(Frame frame) throws FrameDecodeException {
    var in = model.input();
    if (frame.channels() != in.channels()
        || frame.height() != in.height()
        || frame.width() != in.width()) {
      throw new FrameDecodeException(
          FrameDecodeException.Reason.WRONG_SHAPE,
          "frame is "
              + frame.channels()
              + "x"
              + frame.height()
              + "x"
              + frame.width()
              + " (channels x height x width) but model "
              + model.name()
              + " reads "
              + in.channels()
              + "x"
              + in.height()
              + "x"
              + in.width());
    }
    float[] data = frame.array();
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        throw new FrameDecodeException(
            FrameDecodeException.Reason.WRONG_SHAPE,
            "frame holds a non-finite value " + data[i] + " at flat index " + i);
      }
    }
  }

  private void runStage(Stage st, float[] dst) {
    for (Band band : st.bands) {
      int n = band.columns;
      // B[(c,a,b), j] = x_c[r0*W + j + a*W + b]: each row of B is one contiguous slice.
      FloatBuffer b = band.inBuffer;
      int row = 0;
      for (int c = 0; c < st.channels; c++) {
        for (int a = 0; a < st.kh; a++) {
          int src = c * st.planeSize + (band.firstRow + a) * st.inWidth;
          for (int dx = 0; dx < st.kw; dx++) {
            b.put(row * n, st.input, src + dx, n);
            row++;
          }
        }
      }
      Nd4j.gemm(st.weights, band.in, band.out, false, false, 1.0, 0.0);
      for (int k = 0; k < st.maps; k++) {
        if (st.mapUsed[k]) {
          band.outBuffer.get(k * n, mapScratch[k], 0, n);
        }
      }
      int rows = n / st.inWidth;
      if (st.windowFirst) {
        // Keep each map's squares; the pools are summed after the windows (below).
        squaredRelu(st, n);
        for (int k = 0; k < st.maps; k++) {
          if (st.mapUsed[k]) {
            for (int r = 0; r < rows; r++) {
              System.arraycopy(
                  mapScratch[k], r * st.inWidth, st.energy[k][band.firstRow + r], 0, st.inWidth);
            }
          }
        }
      } else {
        groupSums(st, n);
        for (int j = 0; j < st.pools; j++) {
          for (int r = 0; r < rows; r++) {
            System.arraycopy(
                poolScratch[j], r * st.inWidth, st.energy[j][band.firstRow + r], 0, st.inWidth);
          }
        }
      }
    }
    int area = st.poolHeight * st.poolWidth;
    if (st.windowFirst) {
      // Window sums and group sums are both linear, so they commute: summing each map over its
      // windows first leaves the group sums stride^2 times fewer positions to cover.
      for (int k = 0; k < st.maps; k++) {
        if (st.mapUsed[k]) {
          windowSum(st, st.energy[k], st.pooledMaps[k], 0);
        }
      }
      for (int j = 0; j < st.pools; j++) {
        memberSums(st, st.pooledMaps, st.poolRow, area, j);
        System.arraycopy(st.poolRow, 0, dst, j * area, area);
      }
    } else {
      for (int j = 0; j < st.pools; j++) {
        windowSum(st, st.energy[j], dst, j * area);
      }
    }
    // The square roots in one pass from index 0: a float square root C2 vectorizes, where one per
    // strided window sum stayed scalar.
    int size = st.pools * area;
    for (int i = 0; i < size; i++) {
      dst[i] = (float) Math.sqrt(dst[i]);
    }
  }

  // The loops below index every array from 0 with the same index: HotSpot's C2 (JDK 17) only
  // vectorizes a loop when it can tell its loads and stores apart, and two slices of one array at
  // unknown offsets defeat that. Written this way they run about 8x faster.
  //
  // The ReLU and square run in a pass of their own, one map at a time, before the group sums. A
  // single fused pass over four maps (e += w max(0, z + b)^2 for each) reads the band once less,
  // but whether C2 vectorizes that larger loop depends on the CPU: on an AMD EPYC with AVX2 the
  // fused loop written with Math.abs stayed scalar (about 170 us a 64x4224 band, against 55 us for
  // the two passes) while with Math.max it vectorized; an earlier session on AVX-512 found the
  // opposite for Math.max. The one-map loop and the four-map sum vectorize on both.

  /** h = max(0, z + bias)^2 in place, for every map some pool reads. */
  private void squaredRelu(Stage st, int n) {
    for (int k = 0; k < st.maps; k++) {
      if (st.mapUsed[k]) {
        float[] h = mapScratch[k];
        float bias = st.bias[k];
        for (int i = 0; i < n; i++) {
          // z + |z| = 2 max(0, z), and, unlike Math.max, it vectorizes on every CPU tried.
          float z = h[i] + bias;
          float t = z + Math.abs(z);
          h[i] = 0.25f * t * t;
        }
      }
    }
  }

  /**
   * energy_j(pos) = sum_i w_ji * h_{g_ji}(pos) over the band, into {@code poolScratch[j]}, after
   * {@link #squaredRelu}.
   */
  private void groupSums(Stage st, int n) {
    squaredRelu(st, n);
    for (int j = 0; j < st.pools; j++) {
      memberSums(st, mapScratch, poolScratch[j], n, j);
    }
  }

  /**
   * e = sum_i w_ji * maps[g_ji] over the first n values, for pool j. Members are summed four at a
   * time so each pass over e does four members' work.
   */
  private static void memberSums(Stage st, float[][] maps, float[] e, int n, int j) {
    int m = st.groupSize;
    for (int q = 0; q < m; q += 4) {
      int take = Math.min(4, m - q);
      int g = j * m + q;
      if (take == 4) {
        addFour(st, maps, e, n, g, q == 0);
      } else {
        for (int t = 0; t < take; t++) {
          addOne(st, maps, e, n, g + t, q == 0 && t == 0);
        }
      }
    }
  }

  private static void addFour(Stage st, float[][] maps, float[] e, int n, int g, boolean first) {
    float[] h0 = maps[st.groups[g]];
    float[] h1 = maps[st.groups[g + 1]];
    float[] h2 = maps[st.groups[g + 2]];
    float[] h3 = maps[st.groups[g + 3]];
    float w0 = st.groupWeights[g];
    float w1 = st.groupWeights[g + 1];
    float w2 = st.groupWeights[g + 2];
    float w3 = st.groupWeights[g + 3];
    if (first) {
      for (int i = 0; i < n; i++) {
        e[i] = w0 * h0[i] + w1 * h1[i] + w2 * h2[i] + w3 * h3[i];
      }
    } else {
      for (int i = 0; i < n; i++) {
        e[i] += w0 * h0[i] + w1 * h1[i] + w2 * h2[i] + w3 * h3[i];
      }
    }
  }

  private static void addOne(Stage st, float[][] maps, float[] e, int n, int g, boolean first) {
    float[] h = maps[st.groups[g]];
    float w = st.groupWeights[g];
    if (first) {
      for (int i = 0; i < n; i++) {
        e[i] = w * h[i];
      }
    } else {
      for (int i = 0; i < n; i++) {
        e[i] += w * h[i];
      }
    }
  }

  /**
   * The sums of one plane {@code e} (rows of the conv output) over every window at (s*u, s*v), into
   * {@code out} from {@code offset}, row-major.
   */
  private static void windowSum(Stage st, float[][] e, float[] out, int offset) {
    float[] rows = st.rowSums;
    int win = st.window;
    int s = st.stride;
    int span = (st.poolWidth - 1) * s + win;
    int o = offset;
    for (int u = 0; u < st.poolHeight; u++) {
      // Sum the window's rows first (vectorized), then the columns.
      System.arraycopy(e[u * s], 0, rows, 0, span);
      for (int a = 1; a < win; a++) {
        float[] r = e[u * s + a];
        for (int x = 0; x < span; x++) {
          rows[x] += r[x];
        }
      }
      if (win == 2 && s == 2) {
        for (int v = 0; v < st.poolWidth; v++) {
          out[o++] = rows[2 * v] + rows[2 * v + 1];
        }
      } else if (win == 4 && s == 4) {
        for (int v = 0; v < st.poolWidth; v++) {
          int x = 4 * v;
          out[o++] = (rows[x] + rows[x + 1]) + (rows[x + 2] + rows[x + 3]);
        }
      } else {
        for (int v = 0; v < st.poolWidth; v++) {
          float sum = 0;
          for (int b = 0; b < win; b++) {
            sum += rows[v * s + b];
          }
          out[o++] = sum;
        }
      }
    }
  }

  /** The sparse code of a dense code, with the head's scores and label when there is a head. */
  private SparseCode result(float[] dense) {
    if (head == null) {
      return sparsify(dense, new float[0], "");
    }
    float[] scores = head.scores(dense);
    return sparsify(dense, scores, head.layer.labelOf(scores));
  }

  /** Threshold, then the top k (ties to the lower index), indices ascending. */
  private SparseCode sparsify(float[] dense, float[] scores, String label) {
    float tau = model.output().threshold();
    int n = 0;
    for (int i = 0; i < dense.length; i++) {
      if (dense[i] > tau) {
        // Sort key: value descending, then index ascending. Values are finite, so the
        // order-preserving int of their bits, negated, sorts them high to low.
        int bits = Float.floatToIntBits(dense[i]);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
        topKeys[n++] = ((long) ~ordered << 32) | i;
      }
    }
    int keep = n;
    var topK = model.output().topK();
    if (topK.isPresent() && n > topK.getAsInt()) {
      java.util.Arrays.sort(topKeys, 0, n);
      keep = topK.getAsInt();
    }
    int[] indices = new int[keep];
    for (int i = 0; i < keep; i++) {
      indices[i] = (int) topKeys[i];
    }
    if (keep != n) {
      java.util.Arrays.sort(indices);
    }
    float[] values = new float[keep];
    for (int i = 0; i < keep; i++) {
      values[i] = dense[indices[i]];
    }
    return new SparseCode(outputShape, indices, values, scores, label);
  }

  /** Frees the native buffers. The encoder cannot be used afterwards; closing twice is harmless. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      for (INDArray array : nativeArrays) {
        array.close();
      }
    }
  }

  /**
   * A recurrent layer's weights and batch buffers. Products run on the first n rows of the
   * batch-sized arrays through views, so one set of native buffers serves every batch size.
   */
  private static final class Recurrent {
    final int inputs;
    final int units;
    final int steps;
    final int batch;
    final float[] bias;
    final INDArray encoder;
    final INDArray lateral;
    final INDArray in;
    final INDArray z;
    final INDArray next;
    final FloatBuffer inBuffer;
    final FloatBuffer zBuffer;
    final FloatBuffer nextBuffer;

    /** The drive X Eᵀ − b of the batch, [batch, K]: it is added back at every step. */
    final float[] drive;

    /** The codes of the batch after the last step, [batch, K]. */
    final float[] codes;

    /** Row views of {in, z, next} for each batch size n, built on first use. */
    private final INDArray[][] views;

    Recurrent(RecurrentLayer layer, int batch, List<INDArray> owned) {
      inputs = layer.inputSize();
      units = layer.units();
      steps = layer.steps();
      this.batch = batch;
      bias = layer.bias().toArray();
      encoder = Nd4j.create(layer.encoder().toArray(), new long[] {units, inputs}, DataType.FLOAT);
      lateral = Nd4j.create(layer.lateral().toArray(), new long[] {units, units}, DataType.FLOAT);
      in = Nd4j.createUninitializedDetached(DataType.FLOAT, batch, inputs);
      z = Nd4j.createUninitializedDetached(DataType.FLOAT, batch, units);
      next = Nd4j.createUninitializedDetached(DataType.FLOAT, batch, units);
      owned.addAll(List.of(encoder, lateral, in, z, next));
      inBuffer = in.data().asNioFloat();
      zBuffer = z.data().asNioFloat();
      nextBuffer = next.data().asNioFloat();
      drive = new float[batch * units];
      codes = new float[batch * units];
      views = new INDArray[batch + 1][];
    }

    /** The codes of the first {@code n} rows of {@code in}, into {@link #codes}. */
    void run(int n) {
      INDArray[] v = views(n);
      int size = n * units;
      Nd4j.gemm(v[0], encoder, v[2], false, true, 1.0, 0.0);
      nextBuffer.get(0, drive, 0, size);
      for (int r = 0; r < n; r++) {
        int o = r * units;
        for (int k = 0; k < units; k++) {
          drive[o + k] -= bias[k];
        }
      }
      relu(drive, codes, size);
      for (int t = 1; t < steps; t++) {
        zBuffer.put(0, codes, 0, size);
        // beta = 1 adds the product to the drive already in next: one pass fewer.
        nextBuffer.put(0, drive, 0, size);
        Nd4j.gemm(v[1], lateral, v[2], false, true, 1.0, 1.0);
        nextBuffer.get(0, codes, 0, size);
        relu(codes, codes, size);
      }
    }

    /** dst = max(0, src); Math.max also turns -0 into 0, as the reference does. */
    private static void relu(float[] src, float[] dst, int size) {
      for (int i = 0; i < size; i++) {
        dst[i] = Math.max(0f, src[i]);
      }
    }

    private INDArray[] views(int n) {
      if (views[n] == null) {
        views[n] =
            n == batch
                ? new INDArray[] {in, z, next}
                : new INDArray[] {rows(in, n), rows(z, n), rows(next, n)};
      }
      return views[n];
    }

    private static INDArray rows(INDArray a, int n) {
      return a.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
    }
  }

  /** A linear head: scores = W z + bias on the dense code, accumulated in double. */
  private static final class Head {
    final LinearLayer layer;
    final int classes;
    final int inputs;
    final float[] weights;
    final float[] bias;

    Head(LinearLayer layer) {
      this.layer = layer;
      classes = layer.classes();
      inputs = layer.inputSize();
      weights = layer.weights().toArray();
      bias = layer.bias().toArray();
    }

    float[] scores(float[] dense) {
      float[] scores = new float[classes];
      for (int c = 0; c < classes; c++) {
        double s = bias[c];
        int o = c * inputs;
        for (int k = 0; k < inputs; k++) {
          s += (double) weights[o + k] * dense[k];
        }
        scores[c] = (float) s;
      }
      return scores;
    }
  }

  /** One conv + l2pool pair with its scratch. */
  private static final class Stage {
    final int channels;
    final int inHeight;
    final int inWidth;
    final int planeSize;
    final int kh;
    final int kw;
    final int maps;
    final int depth;
    final int convHeight;
    final float[] scaledWeights;
    final float[] bias;
    final List<Band> bands = new ArrayList<>();
    INDArray weights;
    final int pools;
    final int groupSize;
    final int[] groups;
    final float[] groupWeights;
    final boolean[] mapUsed;
    final float[] rowSums;
    final int window;
    final int stride;
    final int poolHeight;
    final int poolWidth;
    final float[] input;

    /**
     * Whether each map is summed over its windows before the pools sum their members (see
     * runStage): chosen when it is the fewer passes over the band, as for topographic pools of many
     * members with a large stride.
     */
    final boolean windowFirst;

    /** Per pool (or, window first, per map) the squares of the whole conv output, by row. */
    final float[][][] energy;

    /** Window first: each used map summed over its windows, [maps][poolHeight * poolWidth]. */
    final float[][] pooledMaps;

    /** Window first: one pool's sums over its members. */
    final float[] poolRow;

    Stage(ConvLayer conv, L2PoolLayer pool, int[] in, int[] convOut, int[] poolOut) {
      channels = in[0];
      inHeight = in[1];
      inWidth = in[2];
      planeSize = inHeight * inWidth;
      kh = conv.kernelHeight();
      kw = conv.kernelWidth();
      maps = conv.outputMaps();
      depth = channels * kh * kw;
      convHeight = convOut[1];
      scaledWeights = conv.weights().toArray();
      bias = conv.bias().toArray();
      for (int k = 0; k < maps; k++) {
        float g = Math.abs(conv.gain().get(k));
        bias[k] *= g;
        for (int i = k * depth; i < (k + 1) * depth; i++) {
          scaledWeights[i] *= g;
        }
      }
      pools = pool.poolCount();
      groupSize = pool.groupSize();
      groups = pool.groups().toArray();
      groupWeights = pool.weights().toArray();
      mapUsed = new boolean[maps];
      for (int g : groups) {
        mapUsed[g] = true;
      }
      window = pool.window();
      stride = pool.stride();
      poolHeight = poolOut[1];
      poolWidth = poolOut[2];
      // Slices of B run up to kw-1 floats past the last plane (columns that are dropped).
      input = new float[channels * planeSize + kw - 1];
      int used = 0;
      for (boolean u : mapUsed) {
        used += u ? 1 : 0;
      }
      // Passes over a band position: group first, the squares (used), the member sums (members)
      // and copying and window-summing each pool (2 pools); window first, the squares, copying and
      // window-summing each map (3 used), then the member sums on stride^2 times fewer positions.
      int members = pools * groupSize;
      windowFirst = 3 * used + members / (stride * stride) < used + members + 2 * pools;
      if (windowFirst) {
        energy = new float[maps][][];
        pooledMaps = new float[maps][];
        for (int k = 0; k < maps; k++) {
          if (mapUsed[k]) {
            energy[k] = new float[convHeight][inWidth];
            pooledMaps[k] = new float[poolHeight * poolWidth];
          }
        }
        poolRow = new float[poolHeight * poolWidth];
      } else {
        energy = new float[pools][convHeight][inWidth];
        pooledMaps = null;
        poolRow = null;
      }
      rowSums = new float[inWidth];
    }

    /**
     * Allocates the weights and the band arrays off-heap, recording each in {@code owned}. Rows are
     * split into equal bands (sizes differ by at most one row), and bands of the same size share
     * their arrays, so a stage holds at most two pairs.
     */
    void allocate(List<INDArray> owned) {
      weights = Nd4j.create(scaledWeights, new long[] {maps, depth}, DataType.FLOAT);
      owned.add(weights);
      long total = (long) convHeight * inWidth;
      int count =
          (int) Math.max(1, Math.min(convHeight, Math.round((double) total / TARGET_BAND_COLUMNS)));
      Map<Integer, INDArray[]> bySize = new HashMap<>();
      int first = 0;
      for (int i = 0; i < count; i++) {
        int rows = convHeight / count + (i < convHeight % count ? 1 : 0);
        int columns = rows * inWidth;
        INDArray[] pair =
            bySize.computeIfAbsent(
                columns,
                c -> {
                  INDArray in = Nd4j.createUninitializedDetached(DataType.FLOAT, depth, c);
                  INDArray out = Nd4j.createUninitializedDetached(DataType.FLOAT, maps, c);
                  owned.add(in);
                  owned.add(out);
                  return new INDArray[] {in, out};
                });
        bands.add(new Band(first, columns, pair[0], pair[1]));
        first += rows;
      }
    }
  }

  /** A band of conv output rows, full input width, and its product's operands. */
  private static final class Band {
    final int firstRow;
    final int columns;
    final INDArray in;
    final INDArray out;
    final FloatBuffer inBuffer;
    final FloatBuffer outBuffer;

    Band(int firstRow, int columns, INDArray in, INDArray out) {
      this.firstRow = firstRow;
      this.columns = columns;
      this.in = in;
      this.out = out;
      this.inBuffer = in.data().asNioFloat();
      this.outBuffer = out.data().asNioFloat();
    }
  }
}
