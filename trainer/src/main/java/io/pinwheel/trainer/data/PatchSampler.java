package io.pinwheel.trainer.data;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Random square patches of frames: the training examples of a convolutional layer, which sees the
 * world through a window of its kernel's size.
 */
public final class PatchSampler {
  private PatchSampler() {}

  /**
   * {@code count} patches of {@code size x size} pixels (every channel), each from a frame chosen
   * uniformly at random (with replacement) at a uniformly random position. The same seed gives the
   * same patches. A patch as large as the frame is the whole frame, so then this returns frames in
   * random order, with replacement.
   *
   * @throws IllegalArgumentException if {@code size} or {@code count} is below 1, or {@code size}
   *     exceeds the frame's height or width
   */
  public static FrameSet sample(FrameSet frames, int size, int count, long seed) {
    Objects.requireNonNull(frames, "frames");
    if (size < 1) {
      throw new IllegalArgumentException("patch size must be >= 1, got " + size);
    }
    if (count < 1) {
      throw new IllegalArgumentException("patch count must be >= 1, got " + count);
    }
    int c = frames.channels();
    int h = frames.height();
    int w = frames.width();
    if (size > h || size > w) {
      throw new IllegalArgumentException(
          "patch size "
              + size
              + " exceeds the frame size "
              + h
              + "x"
              + w
              + " (height x width); it must be at most "
              + Math.min(h, w));
    }
    int patch = c * size * size;
    float[] out = new float[Math.multiplyExact(count, patch)];
    float[] in = frames.data();
    int frameSize = frames.frameSize();
    SplittableRandom random = new SplittableRandom(seed);
    int o = 0;
    for (int n = 0; n < count; n++) {
      int f = random.nextInt(frames.count());
      int y0 = random.nextInt(h - size + 1);
      int x0 = random.nextInt(w - size + 1);
      for (int ch = 0; ch < c; ch++) {
        int plane = f * frameSize + ch * h * w;
        for (int y = 0; y < size; y++) {
          System.arraycopy(in, plane + (y0 + y) * w + x0, out, o, size);
          o += size;
        }
      }
    }
    return new FrameSet(count, c, size, size, out);
  }
}
