package io.pinwheel.extractor;

import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.RecurrentLayer;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames to codes and sparse codes: the production path.
 *
 * <p>Conv/L2-pool stages run as oneDNN primitives ({@link ConvStages}: a direct convolution with
 * ReLU and square fused, an average pooling, the group sums as a 1x1 convolution with the square
 * root fused), created once per encoder. A recurrent (DrSAE) layer runs as a chain of ND4J matrix
 * products on batches of frames ({@link RecurrentStage}); {@link #encodeAll} fills batches of up to
 * {@link #recurrentBatch()} frames, {@link #encode} is a batch of one. A linear head's scores are
 * computed on the heap from the dense code ({@link Head}); the output rule makes the sparse code
 * ({@link Sparsifier}).
 *
 * <p>Not thread-safe: an encoder owns native buffers and primitives. Use one per thread and close
 * it to free the native memory.
 */
public final class Encoder implements AutoCloseable {
  private final EncoderModel model;
  private final int outputSize;
  private final ConvStages stages;
  private final RecurrentStage recurrent;
  private final Head head;
  private final Sparsifier sparsifier;
  private final float[] dense;
  private boolean closed;

  /** An encoder for {@code model}; makes its native buffers and primitives. */
  public Encoder(EncoderModel model) {
    NativeRuntime.init();
    this.model = model;
    int[] shape = model.outputShape();
    this.outputSize = shape[0] * shape[1] * shape[2];
    if (model.layers().get(0) instanceof RecurrentLayer layer) {
      this.recurrent = new RecurrentStage(layer);
      this.stages = null;
    } else {
      this.stages = new ConvStages(model);
      this.recurrent = null;
    }
    this.head = model.head().map(Head::new).orElse(null);
    this.sparsifier = new Sparsifier(shape, model.output());
    this.dense = new float[outputSize];
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
   * What computes the code: for conv models, oneDNN and the implementations it picked for this CPU
   * (for example {@code oneDNN jit:avx2, jit_1x1:avx2}); for a recurrent layer, ND4J.
   */
  public String engine() {
    return stages == null ? "ND4J" : "oneDNN " + String.join(", ", stages.implementations());
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
    return dense.clone();
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
    return result(dense);
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
        System.arraycopy(recurrent.codes, r * outputSize, dense, 0, outputSize);
        codes.add(result(dense));
      }
    }
    return codes;
  }

  private void run(Frame frame) throws FrameDecodeException {
    if (recurrent != null) {
      runRecurrent(List.of(frame));
      System.arraycopy(recurrent.codes, 0, dense, 0, outputSize);
      return;
    }
    start(frame);
    stages.run(frame.array(), dense);
  }

  /** Checks that the encoder is open and the frame fits, and readies this thread's native code. */
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
      recurrent.put(r, frames.get(r).array());
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

  /** The sparse code of a dense code, with the head's scores and label when there is a head. */
  private SparseCode result(float[] code) {
    if (head == null) {
      return sparsifier.apply(code, new float[0], "");
    }
    float[] scores = head.scores(code);
    return sparsifier.apply(code, scores, head.labelOf(scores));
  }

  /**
   * Frees the native buffers and primitives. The encoder cannot be used afterwards; closing twice
   * is harmless.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (stages != null) {
        stages.close();
      }
      if (recurrent != null) {
        recurrent.close();
      }
    }
  }
}
