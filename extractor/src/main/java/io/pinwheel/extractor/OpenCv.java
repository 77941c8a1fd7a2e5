package io.pinwheel.extractor;

/** The one place OpenCV's native library is loaded. SKELETON: being written. */
public final class OpenCv {
  private OpenCv() {}

  /** Loads OpenCV once per JVM; later calls return at once. */
  public static void load() {
    nu.pattern.OpenCV.loadLocally();
  }
}
