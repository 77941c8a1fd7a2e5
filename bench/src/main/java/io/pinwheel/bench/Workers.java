package io.pinwheel.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.NativeRuntime;
import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.model.ConvLayer;
import io.pinwheel.extractor.onnx.OnnxExport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.imgproc.Imgproc;

/** The production encoder and the alternatives a user could pick instead. */
final class Workers {
  private Workers() {}

  /** pinwheel's {@link Encoder}. */
  static FrameWorker production(ReferenceWorkload w) {
    Encoder encoder = new Encoder(w.model());
    int size = w.model().outputShape()[0] * w.model().outputShape()[1] * w.model().outputShape()[2];
    return new FrameWorker() {
      @Override
      public void run(Frame[] batch, float[] out) throws Exception {
        for (int i = 0; i < batch.length; i++) {
          System.arraycopy(encoder.encodeDense(batch[i]), 0, out, i * size, size);
        }
      }

      @Override
      public void close() {
        encoder.close();
      }
    };
  }

  /**
   * ND4J's conv2d op (NCHW, valid, bias inside the op) on the whole batch, then {@link ConvPost}.
   */
  static FrameWorker nd4jConv2d(ReferenceWorkload w, int batchSize, int ompThreads) {
    ConvLayer conv = w.conv();
    int k = conv.outputMaps();
    int kh = conv.kernelHeight();
    int side = ReferenceWorkload.SIZE;
    int out = side - kh + 1;
    INDArray input = Nd4j.createUninitializedDetached(DataType.FLOAT, batchSize, 1, side, side);
    INDArray weights =
        Nd4j.create(conv.weights().toArray(), new long[] {k, 1, kh, kh}, DataType.FLOAT);
    INDArray bias = Nd4j.create(conv.bias().toArray(), new long[] {k}, DataType.FLOAT);
    INDArray output = Nd4j.createUninitializedDetached(DataType.FLOAT, batchSize, k, out, out);
    Conv2DConfig config =
        Conv2DConfig.builder()
            .kH(kh)
            .kW(kh)
            .sH(1)
            .sW(1)
            .paddingMode(PaddingMode.VALID)
            .dataFormat("NCHW")
            .weightsFormat(WeightsFormat.OIYX)
            .build();
    ConvPost post = new ConvPost(conv, w.pool(), out, out);
    float[] convHeap = new float[batchSize * k * out * out];
    FloatBuffer in = input.data().asNioFloat();
    FloatBuffer res = output.data().asNioFloat();
    return new FrameWorker() {
      @Override
      public void run(Frame[] batch, float[] result) {
        NativeRuntime.applyToCurrentThread(ompThreads);
        for (int i = 0; i < batch.length; i++) {
          in.put(i * side * side, batch[i].toArray());
        }
        Nd4j.exec(new Conv2D(input, weights, bias, output, config));
        res.get(0, convHeap, 0, convHeap.length);
        for (int i = 0; i < batch.length; i++) {
          post.apply(convHeap, i * k * out * out, result, i * post.outputSize());
        }
      }

      @Override
      public void close() {
        input.close();
        weights.close();
        bias.close();
        output.close();
      }
    };
  }

  /** OpenCV {@code filter2D} once per filter (correlation, anchor at the top-left), then post. */
  static FrameWorker opencvFilter2d(ReferenceWorkload w) {
    OpenCv.load();
    Core.setNumThreads(1);
    ConvLayer conv = w.conv();
    int k = conv.outputMaps();
    int kh = conv.kernelHeight();
    int side = ReferenceWorkload.SIZE;
    int out = side - kh + 1;
    Mat[] kernels = new Mat[k];
    float[] all = conv.weights().toArray();
    for (int m = 0; m < k; m++) {
      kernels[m] = new Mat(kh, kh, CvType.CV_32F);
      float[] one = new float[kh * kh];
      System.arraycopy(all, m * kh * kh, one, 0, one.length);
      kernels[m].put(0, 0, one);
    }
    Mat src = new Mat(side, side, CvType.CV_32F);
    Mat dst = new Mat(side, side, CvType.CV_32F);
    Point anchor = new Point(0, 0);
    ConvPost post = new ConvPost(conv, w.pool(), out, out);
    float[] full = new float[side * side];
    float[] convHeap = new float[k * out * out];
    return new FrameWorker() {
      @Override
      public void run(Frame[] batch, float[] result) {
        for (int i = 0; i < batch.length; i++) {
          src.put(0, 0, batch[i].toArray());
          for (int m = 0; m < k; m++) {
            Imgproc.filter2D(src, dst, CvType.CV_32F, kernels[m], anchor, conv.bias().get(m));
            dst.get(0, 0, full);
            for (int r = 0; r < out; r++) {
              System.arraycopy(full, r * side, convHeap, (m * out + r) * out, out);
            }
          }
          post.apply(convHeap, 0, result, i * post.outputSize());
        }
      }

      @Override
      public void close() {
        for (Mat m : kernels) {
          m.release();
        }
        src.release();
        dst.release();
      }
    };
  }

  /**
   * ONNX Runtime (CPU) running the reference workload as exported by {@code pinwheel export-onnx}
   * ({@link OnnxExport}), the whole batch in one call, with {@code intraOpThreads} threads inside
   * the call.
   */
  static FrameWorker onnxRuntime(ReferenceWorkload w, int batchSize, int intraOpThreads) {
    try {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      OrtSession session = env.createSession(OnnxExport.toBytes(w.model()), options);
      int side = ReferenceWorkload.SIZE;
      FloatBuffer input =
          ByteBuffer.allocateDirect(4 * batchSize * side * side)
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
      OnnxTensor tensor =
          OnnxTensor.createTensor(env, input, new long[] {batchSize, 1, side, side});
      return new FrameWorker() {
        @Override
        public void run(Frame[] batch, float[] out) throws Exception {
          for (int i = 0; i < batch.length; i++) {
            input.put(i * side * side, batch[i].toArray(), 0, side * side);
          }
          try (OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, tensor))) {
            ((OnnxTensor) result.get(0)).getFloatBuffer().get(out, 0, out.length);
          }
        }

        @Override
        public void close() {
          tensor.close();
          try {
            session.close();
          } catch (OrtException e) {
            throw new IllegalStateException(e);
          }
          options.close();
        }
      };
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not load the exported workload", e);
    }
  }
}
