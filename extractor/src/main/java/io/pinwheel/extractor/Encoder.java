package io.pinwheel.extractor;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.L2PoolLayer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Frames to pooled maps and sparse codes: the production path.
 *
 * <p>Each conv layer is one matrix product per band of output rows, {@code W[K, C*kh*kw] x
 * B[C*kh*kw, rows*W]}, where the columns of B run over the full input width rather than the valid
 * output width. That makes every row of B a contiguous slice of the input plane, so building B is
 * {@code C*kh*kw} block copies instead of a gather per element; the {@code kw-1} extra columns per
 * row (8% for 96 wide, 9x9 kernels) are computed and dropped. Bands are sized so that B and the
 * product stay in the L2 cache while ReLU, squaring and the group sums run over them. The product
 * runs in OpenBLAS (the library ND4J itself calls) on ND4J-allocated off-heap buffers.
 *
 * <p>The per-map gain is folded into the weights and bias as |gain|: {@code |g| * max(0, z) =
 * max(0, |g| * z)}, and the sign of the gain cannot matter because L2 pooling squares every value.
 *
 * <p>Not thread-safe: an encoder owns native scratch buffers. Use one per thread (they are cheap:
 * about 1 MB for the reference model) and close it to free the native memory at once.
 */
public final class Encoder implements AutoCloseable {
  /** Aim for band products of about this many columns: B and C then fit in a 1-2 MB L2. */
  private static final int TARGET_BAND_COLUMNS = 1024;

  private final EncoderModel model;
  private final int[] outputShape;
  private final int outputSize;
  private final Stage[] stages;
  private final INDArray weightsArray;
  private final INDArray bandInArray;
  private final INDArray bandOutArray;
  private final FloatPointer bandIn;
  private final FloatPointer bandOut;
  private final FloatBuffer bandInBuffer;
  private final FloatBuffer bandOutBuffer;
  private final float[] bandOutHeap;
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
    int stageCount = model.layers().size() / 2;
    List<Stage> built = new ArrayList<>(stageCount);
    int[] in = {model.input().channels(), model.input().height(), model.input().width()};
    long weightFloats = 0;
    long maxBandIn = 0;
    long maxBandOut = 0;
    for (int s = 0; s < stageCount; s++) {
      ConvLayer conv = (ConvLayer) model.layers().get(2 * s);
      L2PoolLayer pool = (L2PoolLayer) model.layers().get(2 * s + 1);
      Stage stage =
          new Stage(conv, pool, in, shapes.get(2 * s), shapes.get(2 * s + 1), weightFloats);
      built.add(stage);
      weightFloats += (long) stage.maps * stage.depth;
      maxBandIn = Math.max(maxBandIn, (long) stage.depth * stage.bandColumns);
      maxBandOut = Math.max(maxBandOut, (long) stage.maps * stage.bandColumns);
      in = shapes.get(2 * s + 1);
    }
    this.stages = built.toArray(new Stage[0]);

    this.weightsArray = Nd4j.createUninitializedDetached(DataType.FLOAT, weightFloats);
    this.bandInArray = Nd4j.createUninitializedDetached(DataType.FLOAT, maxBandIn);
    this.bandOutArray = Nd4j.createUninitializedDetached(DataType.FLOAT, maxBandOut);
    FloatPointer weights = floats(weightsArray, weightFloats);
    this.bandIn = floats(bandInArray, maxBandIn);
    this.bandOut = floats(bandOutArray, maxBandOut);
    this.bandInBuffer = bandIn.asBuffer();
    this.bandOutBuffer = bandOut.asBuffer();
    this.bandOutHeap = new float[Math.toIntExact(maxBandOut)];
    FloatBuffer weightBuffer = weights.asBuffer();
    for (Stage stage : stages) {
      weightBuffer.put(Math.toIntExact(stage.weightOffset), stage.scaledWeights);
      stage.weights = new FloatPointer(weights).position(stage.weightOffset);
    }
    this.lastPooled = new float[outputSize];
    this.topKeys = new long[outputSize];
  }

  private static FloatPointer floats(INDArray array, long n) {
    return new FloatPointer(array.data().addressPointer()).capacity(n);
  }

  /** The model this encoder runs. */
  public EncoderModel model() {
    return model;
  }

  /**
   * The last pooled map of {@code frame}, flat row-major over {@link EncoderModel#outputShape()}.
   *
   * @throws FrameDecodeException with reason {@code WRONG_SHAPE} if the frame's channels or size
   *     differ from the model's input, or it holds a NaN or infinite value
   */
  public float[] encodeDense(Frame frame) throws FrameDecodeException {
    run(frame);
    return lastPooled.clone();
  }

  /**
   * The sparse code of {@code frame} under the model's output rule.
   *
   * @throws FrameDecodeException with reason {@code WRONG_SHAPE} if the frame's channels or size
   *     differ from the model's input, or it holds a NaN or infinite value
   */
  public SparseCode encode(Frame frame) throws FrameDecodeException {
    run(frame);
    return sparsify(lastPooled);
  }

  /**
   * The sparse codes of several frames, in order. Frames are encoded one after another on the
   * calling thread; for parallelism use one encoder per thread.
   */
  public List<SparseCode> encodeAll(List<Frame> frames) throws FrameDecodeException {
    List<SparseCode> codes = new ArrayList<>(frames.size());
    for (Frame frame : frames) {
      codes.add(encode(frame));
    }
    return codes;
  }

  private void run(Frame frame) throws FrameDecodeException {
    if (closed) {
      throw new IllegalStateException("encoder is closed");
    }
    checkFrame(frame);
    float[] data = frame.array();
    Stage first = stages[0];
    System.arraycopy(data, 0, first.input, 0, data.length);
    for (int s = 0; s < stages.length; s++) {
      float[] dst = s + 1 < stages.length ? stages[s + 1].input : lastPooled;
      runStage(stages[s], dst);
    }
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
    for (int r0 = 0; r0 < st.convHeight; r0 += st.bandRows) {
      int rows = Math.min(st.bandRows, st.convHeight - r0);
      int n = rows * st.inWidth;
      // B[(c,a,b), j] = x_c[r0*W + j + a*W + b]: each row of B is one contiguous slice.
      int row = 0;
      for (int c = 0; c < st.channels; c++) {
        for (int a = 0; a < st.kh; a++) {
          int src = c * st.planeSize + (r0 + a) * st.inWidth;
          for (int b = 0; b < st.kw; b++) {
            bandInBuffer.put(row * n, st.input, src + b, n);
            row++;
          }
        }
      }
      cblas_sgemm(
          CblasRowMajor,
          CblasNoTrans,
          CblasNoTrans,
          st.maps,
          n,
          st.depth,
          1f,
          st.weights,
          st.depth,
          bandIn,
          n,
          0f,
          bandOut,
          n);
      float[] h = bandOutHeap;
      bandOutBuffer.get(0, h, 0, st.maps * n);
      groupSums(st, h, n, r0 * st.inWidth);
    }
    windowPool(st, dst);
  }

  /** h = max(0, z + bias)^2 for every map some pool reads (the gain is already in z and bias). */
  private static void squaredRelu(Stage st, float[] h, int n) {
    for (int k = 0; k < st.maps; k++) {
      if (!st.mapUsed[k]) {
        continue;
      }
      float bias = st.bias[k];
      int base = k * n;
      for (int i = base; i < base + n; i++) {
        float t = Math.max(h[i] + bias, 0f);
        h[i] = t * t;
      }
    }
  }

  /**
   * energy_j(pos) = sum_i w_ji * h_{g_ji}(pos), written into the stage's full-image energy map.
   *
   * <p>When no map is in two pools, the ReLU and square are done here, in the same pass, instead of
   * in {@link #squaredRelu}: one pass less over the band. Members are summed four at a time so each
   * pass over the energy row does four members' work.
   */
  private static void groupSums(Stage st, float[] h, int n, int offset) {
    boolean fused = !st.mapsShared;
    if (!fused) {
      squaredRelu(st, h, n);
    }
    float[] e = st.energy;
    int m = st.groupSize;
    for (int j = 0; j < st.pools; j++) {
      int dst = j * st.energyPlane + offset;
      int q = 0;
      boolean first = true;
      while (q < m) {
        int take = Math.min(4, m - q);
        int g = j * m + q;
        if (fused) {
          addSquaredRelu(st, h, n, e, dst, g, take, first);
        } else {
          addSquares(st, h, n, e, dst, g, take, first);
        }
        q += take;
        first = false;
      }
    }
  }

  private static void addSquares(
      Stage st, float[] h, int n, float[] e, int dst, int g, int take, boolean first) {
    int s0 = st.groups[g] * n;
    float w0 = st.groupWeights[g];
    if (take == 4) {
      int s1 = st.groups[g + 1] * n;
      int s2 = st.groups[g + 2] * n;
      int s3 = st.groups[g + 3] * n;
      float w1 = st.groupWeights[g + 1];
      float w2 = st.groupWeights[g + 2];
      float w3 = st.groupWeights[g + 3];
      for (int i = 0; i < n; i++) {
        float sum = w0 * h[s0 + i] + w1 * h[s1 + i] + w2 * h[s2 + i] + w3 * h[s3 + i];
        e[dst + i] = first ? sum : e[dst + i] + sum;
      }
      return;
    }
    for (int t = 0; t < take; t++) {
      int src = st.groups[g + t] * n;
      float w = st.groupWeights[g + t];
      boolean set = first && t == 0;
      for (int i = 0; i < n; i++) {
        e[dst + i] = set ? w * h[src + i] : e[dst + i] + w * h[src + i];
      }
    }
  }

  private static void addSquaredRelu(
      Stage st, float[] h, int n, float[] e, int dst, int g, int take, boolean first) {
    if (take == 4) {
      int k0 = st.groups[g];
      int k1 = st.groups[g + 1];
      int k2 = st.groups[g + 2];
      int k3 = st.groups[g + 3];
      int s0 = k0 * n;
      int s1 = k1 * n;
      int s2 = k2 * n;
      int s3 = k3 * n;
      float b0 = st.bias[k0];
      float b1 = st.bias[k1];
      float b2 = st.bias[k2];
      float b3 = st.bias[k3];
      float w0 = st.groupWeights[g];
      float w1 = st.groupWeights[g + 1];
      float w2 = st.groupWeights[g + 2];
      float w3 = st.groupWeights[g + 3];
      for (int i = 0; i < n; i++) {
        float t0 = Math.max(h[s0 + i] + b0, 0f);
        float t1 = Math.max(h[s1 + i] + b1, 0f);
        float t2 = Math.max(h[s2 + i] + b2, 0f);
        float t3 = Math.max(h[s3 + i] + b3, 0f);
        float sum = w0 * t0 * t0 + w1 * t1 * t1 + w2 * t2 * t2 + w3 * t3 * t3;
        e[dst + i] = first ? sum : e[dst + i] + sum;
      }
      return;
    }
    for (int t = 0; t < take; t++) {
      int k = st.groups[g + t];
      int src = k * n;
      float b = st.bias[k];
      float w = st.groupWeights[g + t];
      boolean set = first && t == 0;
      for (int i = 0; i < n; i++) {
        float v = Math.max(h[src + i] + b, 0f);
        e[dst + i] = set ? w * v * v : e[dst + i] + w * v * v;
      }
    }
  }

  /** p_j(u,v) = sqrt(sum of energy_j over the window at (s*u, s*v)), into {@code dst} (planar). */
  private static void windowPool(Stage st, float[] dst) {
    float[] e = st.energy;
    float[] rows = st.rowSums;
    int w = st.inWidth;
    int win = st.window;
    int s = st.stride;
    int span = (st.poolWidth - 1) * s + win;
    int o = 0;
    for (int j = 0; j < st.pools; j++) {
      int plane = j * st.energyPlane;
      for (int u = 0; u < st.poolHeight; u++) {
        // Sum the window's rows first (contiguous, so the JIT vectorizes it), then the columns.
        int top = plane + u * s * w;
        System.arraycopy(e, top, rows, 0, span);
        for (int a = 1; a < win; a++) {
          int r = top + a * w;
          for (int x = 0; x < span; x++) {
            rows[x] += e[r + x];
          }
        }
        if (win == 2 && s == 2) {
          for (int v = 0; v < st.poolWidth; v++) {
            dst[o++] = (float) Math.sqrt(rows[2 * v] + rows[2 * v + 1]);
          }
        } else {
          for (int v = 0; v < st.poolWidth; v++) {
            float sum = 0;
            for (int b = 0; b < win; b++) {
              sum += rows[v * s + b];
            }
            dst[o++] = (float) Math.sqrt(sum);
          }
        }
      }
    }
  }

  /** Threshold, then the top k (ties to the lower index), indices ascending. */
  private SparseCode sparsify(float[] dense) {
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
    return new SparseCode(outputShape, indices, values);
  }

  /** Frees the native buffers. The encoder cannot be used afterwards; closing twice is harmless. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      weightsArray.close();
      bandInArray.close();
      bandOutArray.close();
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
    final int bandRows;
    final int bandColumns;
    final float[] scaledWeights;
    final float[] bias;
    final long weightOffset;
    FloatPointer weights;
    final int pools;
    final int groupSize;
    final int[] groups;
    final float[] groupWeights;
    final boolean[] mapUsed;
    final boolean mapsShared;
    final float[] rowSums;
    final int window;
    final int stride;
    final int poolHeight;
    final int poolWidth;
    final int energyPlane;
    final float[] input;
    final float[] energy;

    Stage(ConvLayer conv, L2PoolLayer pool, int[] in, int[] convOut, int[] poolOut, long offset) {
      channels = in[0];
      inHeight = in[1];
      inWidth = in[2];
      planeSize = inHeight * inWidth;
      kh = conv.kernelHeight();
      kw = conv.kernelWidth();
      maps = conv.outputMaps();
      depth = channels * kh * kw;
      convHeight = convOut[1];
      bandRows = Math.max(1, Math.min(convHeight, TARGET_BAND_COLUMNS / inWidth));
      bandColumns = bandRows * inWidth;
      scaledWeights = conv.weights().toArray();
      bias = conv.bias().toArray();
      for (int k = 0; k < maps; k++) {
        float g = Math.abs(conv.gain().get(k));
        bias[k] *= g;
        for (int i = k * depth; i < (k + 1) * depth; i++) {
          scaledWeights[i] *= g;
        }
      }
      weightOffset = offset;
      pools = pool.poolCount();
      groupSize = pool.groupSize();
      groups = pool.groups().toArray();
      groupWeights = pool.weights().toArray();
      mapUsed = new boolean[maps];
      boolean shared = false;
      for (int g : groups) {
        shared |= mapUsed[g];
        mapUsed[g] = true;
      }
      mapsShared = shared;
      window = pool.window();
      stride = pool.stride();
      poolHeight = poolOut[1];
      poolWidth = poolOut[2];
      energyPlane = convHeight * inWidth;
      // Slices of B run up to kw-1 floats past the last plane (columns that are dropped).
      input = new float[channels * planeSize + kw - 1];
      energy = new float[pools * energyPlane];
      rowSums = new float[inWidth];
    }
  }
}
