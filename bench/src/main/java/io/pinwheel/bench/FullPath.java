package io.pinwheel.bench;

import io.pinwheel.extractor.DecoderOptions;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.model.EncoderModel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The full path a service runs per frame: JPEG bytes to a sparse code, with decoding, resizing,
 * normalization (LCN) and encoding, one decoder and encoder per thread.
 */
final class FullPath {
  private FullPath() {}

  /** Median frames/s over the plan's rounds with {@code threads} threads. */
  static double framesPerSecond(
      EncoderModel model,
      List<byte[]> jpegs,
      DecoderOptions options,
      int threads,
      Measure.Plan plan)
      throws Exception {
    FrameDecoder decoder = new FrameDecoder(model.input(), options);
    AtomicInteger thread = new AtomicInteger();
    Supplier<Measure.Work> work =
        () -> {
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
    return Measure.framesPerSecond(work, threads, plan);
  }
}
