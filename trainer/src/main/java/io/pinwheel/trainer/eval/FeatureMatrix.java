package io.pinwheel.trainer.eval;

import io.pinwheel.extractor.NativeRuntime;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A float feature matrix [N, D], one row per image, as the {@link LinearProbe} reads it: blocks of
 * consecutive rows in native memory, each block either dense (row-major) or sparse (compressed
 * rows: the non-zero values and their column indices), whichever takes fewer bytes. Sparse codes
 * after an output rule (15% non-zero, say) then take about a third of their dense size, and no
 * matrix is bounded by one NIO buffer's 2 GiB: only the block is.
 *
 * <p>Reading a row gives the same floats whatever the storage, so a probe fitted on a blocked or
 * sparse matrix is the probe fitted on the same values in one dense array, bit for bit.
 *
 * <p>Close a matrix to free its native memory; a matrix made by {@link #of(INDArray)} is a view and
 * leaves its array to its owner.
 */
public final class FeatureMatrix implements AutoCloseable {
  /** The most values one block holds when dense (16 MiB of floats). */
  static final int BLOCK_VALUES = 1 << 22;

  private final int rows;
  private final int columns;
  private final int blockRows;
  private final Block[] blocks;

  FeatureMatrix(int rows, int columns, int blockRows, Block[] blocks) {
    if (rows < 1 || columns < 1) {
      throw new IllegalArgumentException(
          "features must have at least one row and column, got " + rows + "x" + columns);
    }
    if ((long) blockRows * (blocks.length - 1) >= rows || (long) blockRows * blocks.length < rows) {
      throw new IllegalArgumentException(
          blocks.length + " blocks of " + blockRows + " rows do not make " + rows + " rows");
    }
    this.rows = rows;
    this.columns = columns;
    this.blockRows = blockRows;
    this.blocks = blocks.clone();
  }

  /**
   * A view of a dense [N, D] float matrix: reads its buffer, never copies or changes it, and leaves
   * closing it to the caller.
   *
   * @throws IllegalArgumentException if {@code a} is not a contiguous row-major rank-2 float matrix
   *     with at least one row and column
   */
  public static FeatureMatrix of(INDArray a) {
    return wrap(a, false);
  }

  /**
   * {@code a} as a matrix that owns it: closing the matrix closes {@code a}.
   *
   * @throws IllegalArgumentException as {@link #of} does
   */
  public static FeatureMatrix adopt(INDArray a) {
    try {
      return wrap(a, true);
    } catch (IllegalArgumentException e) {
      a.close();
      throw e;
    }
  }

  private static FeatureMatrix wrap(INDArray a, boolean owned) {
    Objects.requireNonNull(a, "features");
    if (a.rank() != 2 || a.dataType() != DataType.FLOAT) {
      throw new IllegalArgumentException(
          "features must be a rank-2 float matrix, got rank " + a.rank() + " " + a.dataType());
    }
    if (a.rows() < 1 || a.columns() < 1) {
      throw new IllegalArgumentException(
          "features must have at least one row and column, got " + a.rows() + "x" + a.columns());
    }
    if ((long) a.rows() * a.columns() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "features must hold at most 2^31-1 values, got "
              + a.rows()
              + "x"
              + a.columns()
              + ": use fewer rows");
    }
    // Views and column-major arrays would need their strides honoured; callers build their
    // matrices with CodeFeatures, which never makes either.
    if (a.isView() || a.ordering() != 'c' || a.offset() != 0) {
      throw new IllegalArgumentException("features must be a contiguous row-major matrix");
    }
    return new FeatureMatrix(
        a.rows(),
        a.columns(),
        a.rows(),
        new Block[] {new Dense(owned ? a : null, a.data().asNioFloat(), countNonZeros(a))});
  }

  /**
   * A matrix holding a copy of {@code values} (row-major, {@code rows x columns}), in blocks of at
   * most {@code blockValues} values when dense.
   */
  static FeatureMatrix copyOf(float[] values, int rows, int columns, int blockValues) {
    if ((long) rows * columns != values.length) {
      throw new IllegalArgumentException(
          values.length + " values do not make " + rows + "x" + columns);
    }
    int per = blockRows(columns, blockValues);
    Block[] blocks = new Block[(rows + per - 1) / per];
    try {
      for (int b = 0; b < blocks.length; b++) {
        int from = b * per;
        int n = Math.min(per, rows - from);
        blocks[b] =
            block(Arrays.copyOfRange(values, from * columns, (from + n) * columns), n, columns);
      }
    } catch (RuntimeException | Error e) {
      closeAll(blocks);
      throw e;
    }
    return new FeatureMatrix(rows, columns, per, blocks);
  }

  /** Rows per block for rows of {@code columns} values: as many as {@code blockValues} allow. */
  static int blockRows(int columns, int blockValues) {
    return Math.max(1, blockValues / columns);
  }

  /**
   * The first {@code n} rows of {@code values} ({@code columns} each) copied into native memory,
   * sparse when fewer than half of them are non-zero (8 bytes a non-zero against 4 a value).
   */
  static Block block(float[] values, int n, int columns) {
    int size = n * columns;
    int nonZeros = 0;
    for (int i = 0; i < size; i++) {
      if (values[i] != 0) {
        nonZeros++;
      }
    }
    NativeRuntime.init();
    try {
      if (2L * nonZeros >= size) {
        INDArray a = Nd4j.createUninitializedDetached(DataType.FLOAT, n, columns);
        FloatBuffer buffer = a.data().asNioFloat();
        buffer.put(0, values, 0, size);
        return new Dense(a, buffer, nonZeros);
      }
      int[] rowStart = new int[n + 1];
      float[] v = new float[nonZeros];
      int[] c = new int[nonZeros];
      int k = 0;
      for (int r = 0; r < n; r++) {
        rowStart[r] = k;
        int o = r * columns;
        for (int j = 0; j < columns; j++) {
          float x = values[o + j];
          if (x != 0) {
            v[k] = x;
            c[k] = j;
            k++;
          }
        }
      }
      rowStart[n] = k;
      return Sparse.of(rowStart, v, c);
    } catch (OutOfMemoryError e) {
      throw new IllegalStateException(
          "out of native memory for the features ("
              + e.getMessage()
              + "): use fewer images, or raise -Dorg.bytedeco.javacpp.maxbytes and"
              + " maxphysicalbytes in PINWHEEL_JAVA_OPTS",
          e);
    }
  }

  /** The number of rows N. */
  public int rows() {
    return rows;
  }

  /** The number of columns D. */
  public int columns() {
    return columns;
  }

  /** How many values are not 0. */
  public long nonZeros() {
    long n = 0;
    for (Block b : blocks) {
      n += b.nonZeros();
    }
    return n;
  }

  /** How many blocks the rows are stored in. */
  int blockCount() {
    return blocks.length;
  }

  /** How many of the blocks are stored sparse. */
  int sparseBlockCount() {
    return (int) Arrays.stream(blocks).filter(b -> b instanceof Sparse).count();
  }

  /** Row {@code i}'s values, a fresh array. */
  public float[] row(int i) {
    Objects.checkIndex(i, rows);
    float[] out = new float[columns];
    FloatBuffer dst = FloatBuffer.wrap(out);
    blocks[i / blockRows].copyRow(i % blockRows, dst, 0, columns, new Scratch(columns));
    return out;
  }

  /** Copies rows {@code order[start..start+n)} into the first n rows of {@code dst}. */
  void gather(int[] order, int start, int n, FloatBuffer dst) {
    Scratch scratch = new Scratch(columns);
    for (int r = 0; r < n; r++) {
      int i = order[start + r];
      blocks[i / blockRows].copyRow(i % blockRows, dst, r * columns, columns, scratch);
    }
  }

  /**
   * Per-column mean and standard deviation over {@code rowsUsed}, the deviation floored at {@code
   * floor} times the mean deviation over columns. The sums run over the rows in the order given,
   * whatever the storage, so they do not depend on it.
   */
  void standardization(int[] rowsUsed, double[] mean, double[] scale, double floor) {
    Scratch scratch = new Scratch(columns);
    double[] sumSq = new double[columns];
    for (int i : rowsUsed) {
      blocks[i / blockRows].accumulate(i % blockRows, columns, mean, sumSq, scratch);
    }
    double n = rowsUsed.length;
    double meanStd = 0;
    for (int j = 0; j < columns; j++) {
      mean[j] /= n;
      scale[j] = Math.sqrt(Math.max(0, sumSq[j] / n - mean[j] * mean[j]));
      meanStd += scale[j];
    }
    meanStd /= columns;
    // A constant data set has no scale at all; any positive one does, the weights stay 0.
    double min = meanStd > 0 ? floor * meanStd : 1;
    for (int j = 0; j < columns; j++) {
      scale[j] = Math.max(scale[j], min);
    }
  }

  /** Frees the native memory of the blocks this matrix owns. */
  @Override
  public void close() {
    closeAll(blocks);
  }

  static void closeAll(Block[] blocks) {
    for (Block b : blocks) {
      if (b != null) {
        b.close();
      }
    }
  }

  private static long countNonZeros(INDArray a) {
    FloatBuffer b = a.data().asNioFloat();
    long n = 0;
    int size = (int) a.length();
    float[] chunk = new float[Math.min(size, 1 << 16)];
    for (int at = 0; at < size; at += chunk.length) {
      int len = Math.min(chunk.length, size - at);
      b.get(at, chunk, 0, len);
      for (int i = 0; i < len; i++) {
        if (chunk[i] != 0) {
          n++;
        }
      }
    }
    return n;
  }

  /**
   * A row's worth of heap scratch, one per reading call ({@link #gather} or {@link
   * #standardization}): a sparse row is scattered into {@code values}, which {@link Block#copyRow}
   * leaves zero again, and {@link Block#accumulate} uses both arrays as it likes.
   */
  static final class Scratch {
    final float[] values;
    final int[] columns;

    Scratch(int size) {
      values = new float[size];
      columns = new int[size];
    }
  }

  /** Consecutive rows of the matrix. */
  sealed interface Block extends AutoCloseable permits Dense, Sparse {
    /** Writes local row {@code r} ({@code columns} values) into {@code dst} at {@code offset}. */
    void copyRow(int r, FloatBuffer dst, int offset, int columns, Scratch scratch);

    /** Adds local row {@code r}'s values to {@code sum} and their squares to {@code sumSq}. */
    void accumulate(int r, int columns, double[] sum, double[] sumSq, Scratch scratch);

    long nonZeros();

    @Override
    void close();
  }

  /** Row-major values; {@code owned} is null for a view of the caller's array. */
  static final class Dense implements Block {
    private final INDArray owned;
    private final FloatBuffer buffer;
    private final long nonZeros;

    Dense(INDArray owned, FloatBuffer buffer, long nonZeros) {
      this.owned = owned;
      this.buffer = Objects.requireNonNull(buffer, "buffer");
      this.nonZeros = nonZeros;
    }

    @Override
    public void copyRow(int r, FloatBuffer dst, int offset, int columns, Scratch scratch) {
      dst.put(offset, buffer, r * columns, columns);
    }

    @Override
    public void accumulate(int r, int columns, double[] sum, double[] sumSq, Scratch scratch) {
      float[] row = scratch.values;
      buffer.get(r * columns, row, 0, columns);
      for (int j = 0; j < columns; j++) {
        double v = row[j];
        sum[j] += v;
        sumSq[j] += v * v;
      }
    }

    @Override
    public long nonZeros() {
      return nonZeros;
    }

    @Override
    public void close() {
      if (owned != null) {
        owned.close();
      }
    }
  }

  /**
   * Compressed rows: row r's non-zero values are {@code values[rowStart[r] .. rowStart[r+1])}, in
   * column order, in the columns {@code columnIndex} gives; both in native memory (null when the
   * block has no non-zero value).
   */
  static final class Sparse implements Block {
    private final int[] rowStart;
    private final INDArray values;
    private final INDArray columnIndex;
    private final FloatBuffer v;
    private final IntBuffer c;

    private Sparse(
        int[] rowStart, INDArray values, INDArray columnIndex, FloatBuffer v, IntBuffer c) {
      this.rowStart = rowStart;
      this.values = values;
      this.columnIndex = columnIndex;
      this.v = v;
      this.c = c;
    }

    static Sparse of(int[] rowStart, float[] values, int[] columns) {
      if (values.length == 0) {
        return new Sparse(rowStart, null, null, null, null);
      }
      INDArray v = Nd4j.createUninitializedDetached(DataType.FLOAT, values.length);
      INDArray c;
      try {
        c = Nd4j.createUninitializedDetached(DataType.INT32, columns.length);
      } catch (RuntimeException | Error e) {
        v.close();
        throw e;
      }
      FloatBuffer vb = v.data().asNioFloat();
      IntBuffer cb = c.data().asNioInt();
      vb.put(0, values);
      cb.put(0, columns);
      return new Sparse(rowStart, v, c, vb, cb);
    }

    @Override
    public void copyRow(int r, FloatBuffer dst, int offset, int columns, Scratch scratch) {
      float[] row = scratch.values;
      int from = rowStart[r];
      int n = rowStart[r + 1] - from;
      int[] cols = scratch.columns;
      if (n > 0) {
        c.get(from, cols, 0, n);
        for (int k = 0; k < n; k++) {
          row[cols[k]] = v.get(from + k);
        }
      }
      dst.put(offset, row, 0, columns);
      // Leave the scratch row zero for the next row.
      for (int k = 0; k < n; k++) {
        row[cols[k]] = 0f;
      }
    }

    @Override
    public void accumulate(int r, int columns, double[] sum, double[] sumSq, Scratch scratch) {
      // Zeros add exactly nothing to either sum, so skipping them changes no bit.
      int from = rowStart[r];
      int n = rowStart[r + 1] - from;
      if (n == 0) {
        return;
      }
      int[] cols = scratch.columns;
      float[] vals = scratch.values;
      c.get(from, cols, 0, n);
      v.get(from, vals, 0, n);
      for (int k = 0; k < n; k++) {
        double x = vals[k];
        sum[cols[k]] += x;
        sumSq[cols[k]] += x * x;
      }
      // copyRow expects a zero scratch row.
      Arrays.fill(vals, 0, n, 0f);
    }

    @Override
    public long nonZeros() {
      return rowStart[rowStart.length - 1];
    }

    @Override
    public void close() {
      if (values != null) {
        values.close();
        columnIndex.close();
      }
    }
  }
}
