package io.pinwheel.trainer.data;

import java.util.HashSet;
import java.util.Set;

/** Tiny labelled image sets whose images can be told apart by label: for tests of splits. */
public final class NumberedImages {
  private NumberedImages() {}

  /** {@code count} 1x1 images whose pixel is their index, labelled by it too (count ≤ 256). */
  public static GrayImages of(int count) {
    byte[] px = new byte[count];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      px[i] = (byte) i;
      labels[i] = i;
    }
    return new GrayImages(count, 1, 1, px, labels);
  }

  /** The labels of {@code images}, as a set. */
  public static Set<Integer> labels(GrayImages images) {
    Set<Integer> s = new HashSet<>();
    for (int l : images.labels()) {
      s.add(l);
    }
    return s;
  }
}
