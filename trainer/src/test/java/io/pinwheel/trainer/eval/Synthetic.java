package io.pinwheel.trainer.eval;

import io.pinwheel.trainer.data.GrayImages;
import java.util.SplittableRandom;

/** Seeded synthetic image sets for the tests. */
final class Synthetic {
  private Synthetic() {}

  /**
   * Sinusoidal gratings of random phase and contrast with noise: label 0 horizontal stripes, label
   * 1 vertical ones, alternating.
   */
  static GrayImages gratings(int count, int side, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] px = new byte[count * side * side];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      int label = i % 2;
      labels[i] = label;
      double phase = random.nextDouble(2 * Math.PI);
      double contrast = 40 + random.nextDouble(80);
      for (int y = 0; y < side; y++) {
        for (int x = 0; x < side; x++) {
          double t = label == 0 ? y : x;
          double v =
              128 + contrast * Math.sin(2 * Math.PI * t / 6 + phase) + random.nextGaussian() * 20;
          px[(i * side + y) * side + x] = (byte) Math.max(0, Math.min(255, Math.round(v)));
        }
      }
    }
    return new GrayImages(count, side, side, px, labels);
  }

  /** Bright squares of side 6 on black at random places, labels alternating 0 and 1. */
  static GrayImages squares(int count, int side, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] px = new byte[count * side * side];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = i % 2;
      int y0 = 6 + random.nextInt(side - 18);
      int x0 = 6 + random.nextInt(side - 18);
      for (int y = y0; y < y0 + 6; y++) {
        for (int x = x0; x < x0 + 6; x++) {
          px[(i * side + y) * side + x] = (byte) 230;
        }
      }
    }
    return new GrayImages(count, side, side, px, labels);
  }
}
