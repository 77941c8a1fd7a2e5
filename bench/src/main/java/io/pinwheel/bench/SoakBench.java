package io.pinwheel.bench;

import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.topology.metrics.ProcessMemoryMetrics;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;

/**
 * The soak: decodes (OpenCV) and encodes (oneDNN conv stages, ND4J recurrent layer) many JPEG
 * frames on one thread, sampling the process's resident memory (from /proc and as javacpp counts
 * it), to show that neither OpenCV Mats nor the encoder's native buffers and primitives leak;
 * optionally swapping in a fresh encoder read from the model's bytes every N frames, as a hot
 * reload does.
 */
final class SoakBench {
  private SoakBench() {}

  /** One memory reading. */
  record Sample(long frames, double seconds, long rssBytes, long physicalBytes) {}

  /** The whole run; growth is measured from the first sample (after warm-up) to the last. */
  record Result(
      String workload,
      String frameSource,
      long frames,
      long reloads,
      double framesPerSecond,
      List<Sample> samples,
      long rssGrowthBytes,
      long physicalGrowthBytes) {}

  /**
   * Runs {@code frames} frames of {@code workload} through {@code model}, taking {@code samples}
   * evenly spaced readings, and reloading the encoder every {@code reloadEvery} frames (0: never).
   */
  static Result run(
      EncoderModel model, FrameWorkload.Frames workload, long frames, int samples, int reloadEvery)
      throws Exception {
    List<byte[]> jpegs = workload.jpegs();
    FrameDecoder decoder = new FrameDecoder(model.input());
    byte[] file = reloadEvery > 0 ? EncoderFile.toBytes(model) : new byte[0];
    List<Sample> taken = new ArrayList<>();
    long every = frames / samples;
    long start = System.nanoTime();
    long nnz = 0;
    long reloads = 0;
    Encoder encoder = new Encoder(model);
    try {
      for (long i = 1; i <= frames; i++) {
        if (reloadEvery > 0 && i % reloadEvery == 0) {
          // What a reload costs the extractor: the file parsed and verified, a new encoder's
          // native buffers allocated, the old one's freed.
          Encoder fresh = new Encoder(EncoderFile.read(file, "reload " + (reloads + 1)));
          encoder.close();
          encoder = fresh;
          reloads++;
        }
        nnz += encoder.encode(decoder.decode(jpegs.get((int) (i % jpegs.size())))).nnz();
        if (i % every == 0) {
          taken.add(
              new Sample(
                  i,
                  (System.nanoTime() - start) / 1e9,
                  ProcessMemoryMetrics.residentBytes(),
                  Pointer.physicalBytes()));
        }
      }
    } finally {
      encoder.close();
    }
    if (nnz == 0) {
      throw new IllegalStateException(
          "every code was empty: the soak did not exercise the encoder");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Sample first = taken.get(0);
    Sample last = taken.get(taken.size() - 1);
    return new Result(
        workload.name(),
        workload.source(),
        frames,
        reloads,
        frames / seconds,
        taken,
        last.rssBytes() - first.rssBytes(),
        last.physicalBytes() - first.physicalBytes());
  }
}
