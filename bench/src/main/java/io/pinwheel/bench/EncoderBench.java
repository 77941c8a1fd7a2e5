package io.pinwheel.bench;

import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.NativeRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Encoder speed on the reference workload: pinwheel's encoder next to ND4J's conv2d op and OpenCV
 * filter2D, and the machine's SGEMM peak, all measured in one run.
 */
final class EncoderBench {
  private EncoderBench() {}

  /** One (batch, threads) configuration's figures. */
  record Row(
      int batch,
      int threads,
      double framesPerSecond,
      double convGflops,
      double sgemmPeakGflops,
      double fractionOfPeak,
      Map<String, Double> alternatives,
      double speedupOverBestAlternative) {}

  /** The whole run. */
  record Result(
      String workload,
      double convMflopPerFrame,
      Map<Integer, SgemmPeak.Result> sgemmByThreads,
      Map<String, Double> maxRelativeDifference,
      List<Row> rows) {}

  static Result run(List<Integer> batches, List<Integer> threadCounts, Measure.Plan plan)
      throws Exception {
    ReferenceWorkload w = ReferenceWorkload.create(42);
    int mapSize = 1;
    for (int d : w.model().outputShape()) {
      mapSize *= d;
    }
    int maxBatch = batches.stream().mapToInt(Integer::intValue).max().orElse(1);
    int maxThreads = threadCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
    Frame[] frames = ReferenceWorkload.frames(Math.max(64, maxBatch * maxThreads), 7);
    Map<String, Double> diffs = checkAgreement(w, frames[0], mapSize);

    Map<Integer, SgemmPeak.Result> peaks = new LinkedHashMap<>();
    List<Row> rows = new ArrayList<>();
    int peakRounds = Math.max(3, plan.rounds());
    for (int threads : threadCounts) {
      NativeRuntime.setBlasThreads(threads);
      peaks.put(threads, SgemmPeak.measure(peakRounds, plan.roundMillis() >= 500 ? 10 : 2));
      // Encoders then apply one thread per caller again (see NativeRuntime).
      NativeRuntime.setBlasThreads(1);
      for (int batch : batches) {
        Map<String, Double> alternatives = new LinkedHashMap<>();
        // ND4J's two ways to use several cores: one caller with the op parallelized inside over
        // OpenMP, or one caller per thread with single-threaded ops. Its figure is the better.
        double nd4j =
            Measure.framesPerSecond(
                () -> Workers.nd4jConv2d(w, batch, threads), 1, batch, frames, mapSize, plan);
        if (threads > 1) {
          nd4j =
              Math.max(
                  nd4j,
                  Measure.framesPerSecond(
                      () -> Workers.nd4jConv2d(w, batch, 1),
                      threads,
                      batch,
                      frames,
                      mapSize,
                      plan));
        }
        alternatives.put("nd4j-conv2d", nd4j);
        alternatives.put(
            "opencv-filter2d",
            Measure.framesPerSecond(
                () -> Workers.opencvFilter2d(w), threads, batch, frames, mapSize, plan));
        Supplier<FrameWorker> production = () -> Workers.production(w);
        double fps = Measure.framesPerSecond(production, threads, batch, frames, mapSize, plan);
        double gflops = fps * w.convFlopsPerFrame() / 1e9;
        double peak = peaks.get(threads).peak();
        double best =
            alternatives.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        rows.add(
            new Row(batch, threads, fps, gflops, peak, gflops / peak, alternatives, fps / best));
      }
    }
    NativeRuntime.setBlasThreads(1);
    return new Result(
        "96x96 gray, 64 filters 9x9 valid, ReLU, L2 pool 16 groups of 4 maps, 2x2 window stride 2",
        w.convFlopsPerFrame() / 1e6,
        peaks,
        diffs,
        rows);
  }

  /** Every alternative must compute the same map as the encoder, or the race means nothing. */
  private static Map<String, Double> checkAgreement(ReferenceWorkload w, Frame frame, int mapSize)
      throws Exception {
    Frame[] one = {frame};
    float[] expected = new float[mapSize];
    try (FrameWorker p = Workers.production(w)) {
      p.run(one, expected);
    }
    Map<String, Double> diffs = new LinkedHashMap<>();
    try (FrameWorker nd4j = Workers.nd4jConv2d(w, 1, 1)) {
      diffs.put("nd4j-conv2d", maxRelativeDifference(nd4j, one, expected));
    }
    try (FrameWorker cv = Workers.opencvFilter2d(w)) {
      diffs.put("opencv-filter2d", maxRelativeDifference(cv, one, expected));
    }
    for (Map.Entry<String, Double> e : diffs.entrySet()) {
      if (!(e.getValue() <= 1e-3)) {
        throw new IllegalStateException(
            "alternative " + e.getKey() + " disagrees with the encoder by " + e.getValue());
      }
    }
    return diffs;
  }

  private static double maxRelativeDifference(FrameWorker worker, Frame[] one, float[] expected)
      throws Exception {
    float[] actual = new float[expected.length];
    worker.run(one, actual);
    double max = 0;
    double scale = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(actual[i] - expected[i]));
      scale = Math.max(scale, Math.abs(expected[i]));
    }
    return max / Math.max(scale, 1e-12);
  }
}
