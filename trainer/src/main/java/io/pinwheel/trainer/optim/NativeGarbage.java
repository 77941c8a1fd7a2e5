package io.pinwheel.trainer.optim;

import org.bytedeco.javacpp.Pointer;

/**
 * Keeps a training loop's resident memory bounded. SameDiff 1.0.0-M2.1 leaves each step's
 * intermediate arrays (about 100 MB a step for 64 maps on a batch of 64 28×28 frames) for the
 * garbage collector to free, and the heap barely grows, so without help resident memory climbs by
 * gigabytes before a collection runs and the kernel spends its time handing out fresh pages.
 * JavaCPP's own count of live bytes does not see these arrays, so this watches resident memory. One
 * per training loop.
 */
public final class NativeGarbage {
  /** How far above its level after the first step resident memory may rise. */
  public static final long BUDGET = 768L << 20;

  private long floor;

  /** After every step: a collection whenever resident memory is {@link #BUDGET} above its floor. */
  public void afterStep() {
    long resident = Pointer.physicalBytes();
    if (floor == 0) {
      floor = resident;
    } else if (resident > floor + BUDGET) {
      System.gc();
    }
  }

  /** The process's resident memory now, in megabytes. */
  public static double residentMegabytes() {
    return Pointer.physicalBytes() / 1048576.0;
  }
}
