package io.pinwheel.trainer.optim;

import org.bytedeco.javacpp.Pointer;

/**
 * JavaCPP's count of live native allocations: every ND4J array, shape descriptor and op context
 * registers one (or two) with a deallocator, so a loop that allocates natively makes the count
 * grow, whatever the sizes (ND4J's data buffers do not report their bytes to JavaCPP).
 *
 * @param pointers live pointers with a deallocator
 * @param bytes the bytes those pointers report
 */
public record NativeCounts(long pointers, long bytes) {
  /** The counts now. */
  public static NativeCounts now() {
    return new NativeCounts(Pointer.totalCount(), Pointer.totalBytes());
  }

  /**
   * The counts once whatever earlier code left for the garbage collector is freed: collects and
   * frees until the count holds still three rounds in a row (at most two seconds).
   */
  public static NativeCounts settled() throws InterruptedException {
    NativeCounts last = now();
    int still = 0;
    for (int round = 0; round < 40 && still < 3; round++) {
      System.gc();
      Thread.sleep(50);
      Pointer.deallocateReferences();
      NativeCounts c = now();
      still = c.equals(last) ? still + 1 : 0;
      last = c;
    }
    return last;
  }
}
