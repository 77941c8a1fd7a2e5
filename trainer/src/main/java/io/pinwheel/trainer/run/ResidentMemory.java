package io.pinwheel.trainer.run;

import org.bytedeco.javacpp.Pointer;

/** The process's resident memory: heap and native (ND4J, OpenCV) together. */
public final class ResidentMemory {
  private ResidentMemory() {}

  /** Resident memory now, in megabytes. */
  public static double megabytes() {
    return Pointer.physicalBytes() / 1048576.0;
  }
}
