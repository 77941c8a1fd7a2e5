package io.pinwheel.bench;

import io.pinwheel.extractor.DecoderOptions;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.Normalizer;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.trainer.eval.Invariance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Camera frames into a model, stage by stage and end to end, with a full decode (today's path
 * before reduced decoding was on by default) and with the default reduced decode; and what the
 * reduced decode does to the codes.
 */
final class DecodeBench {
  private DecodeBench() {}

  /**
   * What reduced decoding does to one model's codes on one camera size: the cosine between the
   * dense codes of a full and a reduced decode of each frame.
   */
  record Fidelity(
      int reduction, int frames, double meanCosine, double p01Cosine, double minCosine) {}

  /**
   * One model on one camera size.
   *
   * @param microsPerFrame median time of each stage, in microseconds a frame
   * @param fullPathFramesPerSecond bytes to sparse code on one thread, full decode
   * @param reducedPathFramesPerSecond the same with the default (reduced) decode
   */
  record Row(
      String model,
      String frames,
      double meanKilobytes,
      Fidelity fidelity,
      Map<String, Double> microsPerFrame,
      double fullPathFramesPerSecond,
      double reducedPathFramesPerSecond,
      double speedup) {}

  /** The whole run. */
  record Result(Map<String, String> frameSources, List<Row> rows) {}

  static Result run(List<EncoderModel> models, List<CameraFrames.Workload> sets, Measure.Plan plan)
      throws Exception {
    Map<String, String> sources = new LinkedHashMap<>();
    for (CameraFrames.Workload set : sets) {
      sources.put(set.name(), set.source());
    }
    List<Row> rows = new ArrayList<>();
    for (EncoderModel model : models) {
      for (CameraFrames.Workload set : sets) {
        rows.add(row(model, set, plan));
      }
    }
    return new Result(sources, rows);
  }

  private static Row row(EncoderModel model, CameraFrames.Workload set, Measure.Plan plan)
      throws Exception {
    InputSpec spec = model.input();
    FrameDecoder full = new FrameDecoder(spec, DecoderOptions.fullResolution());
    FrameDecoder reduced = new FrameDecoder(spec, DecoderOptions.defaults());
    int reduction = reduced.jpegReduction(set.width(), set.height());
    List<byte[]> jpegs = set.jpegs();
    Fidelity fidelity;
    Map<String, Double> stages = new LinkedHashMap<>();
    try (Encoder encoder = new Encoder(model)) {
      fidelity = fidelity(encoder, full, reduced, reduction, jpegs);
      boolean gray = spec.channels() == 1;
      int fullFlag = gray ? Imgcodecs.IMREAD_GRAYSCALE : Imgcodecs.IMREAD_COLOR;
      int reducedFlag = readFlag(gray, reduction);
      Size size = new Size(spec.width(), spec.height());
      stages.put("imdecodeFull", Measure.micros(jpegs, b -> release(decode(b, fullFlag)), plan));
      stages.put("resizeFull", resizeMicros(jpegs.get(0), fullFlag, size, plan));
      stages.put(
          "imdecodeReduced", Measure.micros(jpegs, b -> release(decode(b, reducedFlag)), plan));
      stages.put("resizeReduced", resizeMicros(jpegs.get(0), reducedFlag, size, plan));
      Frame frame = reduced.decode(jpegs.get(0));
      float[] raw = rawPixels(jpegs.get(0), reducedFlag, spec);
      float[] work = new float[raw.length];
      stages.put(
          "normalize",
          Measure.micros(
              jpegs,
              b -> {
                System.arraycopy(raw, 0, work, 0, raw.length);
                Normalizer.apply(
                    spec.normalize(), work, spec.channels(), spec.height(), spec.width());
              },
              plan));
      stages.put("encode", Measure.micros(jpegs, b -> encoder.encode(frame), plan));
      stages.put("decoderFull", Measure.micros(jpegs, full::decode, plan));
      stages.put("decoderReduced", Measure.micros(jpegs, reduced::decode, plan));
    }
    FullPath.Rates path = FullPath.framesPerSecond(model, jpegs, 1, plan);
    double fullPath = path.fullDecode();
    double reducedPath = path.reducedDecode();
    return new Row(
        model.name(),
        set.name(),
        set.meanKilobytes(),
        fidelity,
        stages,
        fullPath,
        reducedPath,
        reducedPath / fullPath);
  }

  private static Fidelity fidelity(
      Encoder encoder, FrameDecoder full, FrameDecoder reduced, int reduction, List<byte[]> jpegs)
      throws Exception {
    double[] cosines = new double[jpegs.size()];
    for (int i = 0; i < jpegs.size(); i++) {
      float[] a = encoder.encodeDense(full.decode(jpegs.get(i)));
      float[] b = encoder.encodeDense(reduced.decode(jpegs.get(i)));
      // 1 when both codes are all zeros, 0 when only one is.
      cosines[i] = Invariance.cosine(a, b);
    }
    double[] sorted = cosines.clone();
    Arrays.sort(sorted);
    return new Fidelity(
        reduction,
        cosines.length,
        Arrays.stream(cosines).average().orElse(Double.NaN),
        sorted[(int) Math.floor(0.01 * (sorted.length - 1))],
        sorted[0]);
  }

  private static int readFlag(boolean gray, int reduction) {
    return switch (reduction) {
      case 8 -> gray ? Imgcodecs.IMREAD_REDUCED_GRAYSCALE_8 : Imgcodecs.IMREAD_REDUCED_COLOR_8;
      case 4 -> gray ? Imgcodecs.IMREAD_REDUCED_GRAYSCALE_4 : Imgcodecs.IMREAD_REDUCED_COLOR_4;
      case 2 -> gray ? Imgcodecs.IMREAD_REDUCED_GRAYSCALE_2 : Imgcodecs.IMREAD_REDUCED_COLOR_2;
      default -> gray ? Imgcodecs.IMREAD_GRAYSCALE : Imgcodecs.IMREAD_COLOR;
    };
  }

  private static Mat decode(byte[] bytes, int flag) {
    MatOfByte buffer = new MatOfByte(bytes);
    try {
      return Imgcodecs.imdecode(buffer, flag);
    } finally {
      buffer.release();
    }
  }

  private static void release(Mat m) {
    m.release();
  }

  private static double resizeMicros(byte[] jpeg, int flag, Size size, Measure.Plan plan)
      throws Exception {
    Mat source = decode(jpeg, flag);
    Mat target = new Mat();
    try {
      return Measure.micros(
          List.of(jpeg), b -> Imgproc.resize(source, target, size, 0, 0, Imgproc.INTER_AREA), plan);
    } finally {
      source.release();
      target.release();
    }
  }

  /** The frame's pixels in [0, 1], planar, before normalization. */
  private static float[] rawPixels(byte[] jpeg, int flag, InputSpec spec) {
    Mat decoded = decode(jpeg, flag);
    Mat resized = new Mat();
    try {
      Imgproc.resize(
          decoded, resized, new Size(spec.width(), spec.height()), 0, 0, Imgproc.INTER_AREA);
      int plane = spec.width() * spec.height();
      byte[] px = new byte[plane * spec.channels()];
      resized.get(0, 0, px);
      float[] out = new float[px.length];
      for (int i = 0; i < plane; i++) {
        for (int c = 0; c < spec.channels(); c++) {
          out[c * plane + i] = (px[i * spec.channels() + c] & 0xFF) / 255f;
        }
      }
      return out;
    } finally {
      decoded.release();
      resized.release();
    }
  }
}
