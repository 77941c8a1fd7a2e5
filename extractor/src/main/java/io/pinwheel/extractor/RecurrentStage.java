package io.pinwheel.extractor;

import io.pinwheel.extractor.model.RecurrentLayer;
import java.nio.FloatBuffer;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A recurrent (DrSAE) layer on ND4J: a chain of products on a batch of frames flattened into the
 * rows of X [N, D]: the drive X Eᵀ − b once, then T−1 lateral updates Z Sᵀ + drive, each a product
 * into a buffer preloaded with the drive, with the ReLU applied on the heap between products.
 * Products run on the first n rows of the batch-sized arrays through views, so one set of native
 * buffers serves every batch size. Owns its ND4J arrays; {@link #close()} frees them.
 */
final class RecurrentStage implements AutoCloseable {
  /** The most frames in one batch: past this the products gain nothing from size. */
  private static final int MAX_BATCH = 32;

  /** Batches are also kept below about this many input floats (4 MB), for large D. */
  private static final int BATCH_FLOATS = 1 << 20;

  final int inputs;
  final int units;
  final int batch;
  private final int steps;
  private final float[] bias;
  private final INDArray encoder;
  private final INDArray lateral;
  private final INDArray in;
  private final INDArray z;
  private final INDArray next;
  private final FloatBuffer inBuffer;
  private final FloatBuffer zBuffer;
  private final FloatBuffer nextBuffer;

  /** The drive X Eᵀ − b of the batch, [batch, K]: it is added back at every step. */
  private final float[] drive;

  /** The codes of the batch after the last step, [batch, K]. */
  final float[] codes;

  /** Row views of {in, z, next} for each batch size n, built on first use. */
  private final INDArray[][] views;

  RecurrentStage(RecurrentLayer layer) {
    NativeRuntime.init();
    inputs = layer.inputSize();
    units = layer.units();
    steps = layer.steps();
    batch = Math.max(1, Math.min(MAX_BATCH, BATCH_FLOATS / inputs));
    bias = layer.bias().toArray();
    encoder = Nd4j.create(layer.encoder().toArray(), new long[] {units, inputs}, DataType.FLOAT);
    lateral = Nd4j.create(layer.lateral().toArray(), new long[] {units, units}, DataType.FLOAT);
    in = Nd4j.createUninitializedDetached(DataType.FLOAT, batch, inputs);
    z = Nd4j.createUninitializedDetached(DataType.FLOAT, batch, units);
    next = Nd4j.createUninitializedDetached(DataType.FLOAT, batch, units);
    inBuffer = in.data().asNioFloat();
    zBuffer = z.data().asNioFloat();
    nextBuffer = next.data().asNioFloat();
    drive = new float[batch * units];
    codes = new float[batch * units];
    views = new INDArray[batch + 1][];
  }

  /** Puts frame {@code row} of the next batch (its planes, flat) into the input rows. */
  void put(int row, float[] frame) {
    inBuffer.put(row * inputs, frame, 0, frame.length);
  }

  /** The codes of the first {@code n} rows put, into {@link #codes}. */
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

  /** Frees the native arrays. */
  @Override
  public void close() {
    for (INDArray a : List.of(encoder, lateral, in, z, next)) {
      a.close();
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
