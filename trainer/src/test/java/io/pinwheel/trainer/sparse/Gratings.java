package io.pinwheel.trainer.sparse;

import io.pinwheel.trainer.data.GrayImages;
import java.util.SplittableRandom;

/**
 * Synthetic labelled images for training tests: class 0 vertical gratings, class 1 horizontal, of
 * random period and phase, so that any encoder that keeps orientation separates them.
 */
public final class Gratings {
  private Gratings() {}

  /**
   * Labels alternate 0, 1, 0, ...
   *
   * @param count how many images
   * @param size their height and width
   * @param seed draws each image's period and phase
   * @return the images with their labels
   */
  public static GrayImages images(int count, int size, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] pixels = new byte[count * size * size];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = i % 2;
      double period = 4 + 4 * rnd.nextDouble();
      double phase = 2 * Math.PI * rnd.nextDouble();
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          double t = labels[i] == 0 ? x : y;
          double v = 0.5 + 0.4 * Math.sin(2 * Math.PI * t / period + phase);
          pixels[(i * size + y) * size + x] = (byte) Math.round(255 * v);
        }
      }
    }
    return new GrayImages(count, size, size, pixels, labels);
  }
}
