package io.pinwheel.trainer.optim;

import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A float buffer off the heap, allocated once by ND4J, seen as row-major matrices of any shape that
 * fits (the first rows·columns floats), for {@link MatrixProduct}s; the heap side copies in and out
 * of it in bulk.
 */
public final class NativeBuffer implements AutoCloseable {
  private final INDArray array;
  private final FloatBuffer buffer;
  private final int length;
  private final Map<Long, INDArray> matrices = new HashMap<>();

  /** {@code length} uninitialized floats. */
  public NativeBuffer(long length) {
    if (length < 1 || length > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("length must be in [1, 2^31), got " + length);
    }
    this.length = (int) length;
    this.array = Nd4j.createUninitializedDetached(DataType.FLOAT, length);
    this.buffer = array.data().asNioFloat();
  }

  /** The number of floats. */
  public int length() {
    return length;
  }

  /** The floats, for absolute bulk copies. */
  public FloatBuffer floats() {
    return buffer;
  }

  /** Copies {@code n} floats from {@code src[from...]} to this buffer's start. */
  public void put(float[] src, int from, int n) {
    buffer.put(0, src, from, n);
  }

  /** Copies {@code n} floats from {@code src[from...]} to this buffer from position {@code at}. */
  public void put(int at, float[] src, int from, int n) {
    buffer.put(at, src, from, n);
  }

  /** Copies the first {@code n} floats of this buffer into {@code dst[to...]}. */
  public void get(float[] dst, int to, int n) {
    buffer.get(0, dst, to, n);
  }

  /**
   * The first rows·columns floats as a row-major [rows, columns] matrix; made on first use and
   * kept, so asking again allocates nothing.
   */
  public INDArray matrix(int rows, int columns) {
    if ((long) rows * columns > length || rows < 1 || columns < 1) {
      throw new IllegalArgumentException(
          rows + "x" + columns + " does not fit a buffer of " + length + " floats");
    }
    long key = ((long) rows << 32) | columns;
    INDArray m = matrices.get(key);
    if (m == null) {
      m = Nd4j.create(array.data(), new long[] {rows, columns}, new long[] {columns, 1}, 0, 'c');
      matrices.put(key, m);
    }
    return m;
  }

  /** Frees the memory; the buffer cannot be used afterwards. */
  @Override
  public void close() {
    array.close();
  }
}
