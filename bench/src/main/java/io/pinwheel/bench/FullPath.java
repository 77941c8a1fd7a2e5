package io.pinwheel.bench;

import io.pinwheel.extractor.DecoderOptions;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.model.EncoderModel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The full path a service runs per frame: JPEG bytes to a sparse code, with decoding, resizing,
 * normalization (LCN) and encoding, one decoder and encoder per thread.
 */
final class FullPath {
  private FullPath() {}

  /** Frames/s with a full decode and with the default (reduced) one. */
  record Rates(double fullDecode, double reducedDecode) {}

  /**
   * Median frames/s over the plan's rounds with {@code threads} threads, for a full and for the
   * default decode, timed in interleaved rounds ({@link Race}).
   */
  static Rates framesPerSecond(
      EncoderModel model, List<byte[]> jpegs, int threads, Measure.Plan plan) throws Exception {
    Map<String, Double> raced =
        Race.run(
            List.of(
                new Race.Contender(
                    "full", threads, work(model, jpegs, DecoderOptions.fullResolution())),
                new Race.Contender(
                    "reduced", threads, work(model, jpegs, DecoderOptions.defaults()))),
            plan);
    return new Rates(raced.get("full"), raced.get("reduced"));
  }

  /** Median frames/s over the plan's rounds with {@code threads} threads and one decode option. */
  static double framesPerSecond(
      EncoderModel model,
      List<byte[]> jpegs,
      DecoderOptions options,
      int threads,
      Measure.Plan plan)
      throws Exception {
    return Measure.framesPerSecond(work(model, jpegs, options), threads, plan);
  }

  /** One thread's work: decode and encode the next frame, each thread starting at another. */
  static Supplier<Measure.Work> work(
      EncoderModel model, List<byte[]> jpegs, DecoderOptions options) {
    FrameDecoder decoder = new FrameDecoder(model.input(), options);
    AtomicInteger thread = new AtomicInteger();
    return () -> {
      Encoder encoder = new Encoder(model);
      int[] next = {thread.getAndIncrement() * 7};
      return new Measure.Work() {
        @Override
        public int step() throws Exception {
          encoder.encode(decoder.decode(jpegs.get(next[0]++ % jpegs.size())));
          return 1;
        }

        @Override
        public void close() {
          encoder.close();
        }
      };
    };
  }
}
