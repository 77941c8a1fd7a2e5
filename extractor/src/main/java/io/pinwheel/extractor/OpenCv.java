package io.pinwheel.extractor;

/**
 * The one place OpenCV's native library is loaded in the whole project.
 *
 * <p>Every class that calls OpenCV calls {@link #load()} first (in its constructor or static
 * initializer), so no caller has to remember to. Loading twice would be harmless for OpenCV itself
 * but each {@code loadLocally} call still costs a lookup; loading in several places would make it
 * unclear which copy of the natives is in use.
 */
public final class OpenCv {
  private OpenCv() {}

  /**
   * Loads OpenCV once per JVM; later calls return at once. Thread-safe: the JVM runs a class
   * initializer exactly once, and every other thread waits for it to finish.
   *
   * @throws IllegalStateException if the native library cannot be loaded (unsupported platform, no
   *     writable temporary directory, a broken jar); every later call throws it again
   */
  public static void load() {
    if (Holder.FAILURE != null) {
      throw new IllegalStateException(
          "cannot load the OpenCV native library (org.openpnp:opencv 4.9.0, "
              + System.getProperty("os.name")
              + " "
              + System.getProperty("os.arch")
              + "): "
              + Holder.FAILURE,
          Holder.FAILURE);
    }
  }

  /**
   * Holder-class idiom: the JVM guarantees the initializer runs once, lazily, with a memory
   * barrier, so there is no lock on the fast path. The failure is kept rather than thrown from the
   * initializer because an exception there would turn every later call into an opaque
   * NoClassDefFoundError.
   */
  private static final class Holder {
    static final Throwable FAILURE = tryLoad();

    private static Throwable tryLoad() {
      try {
        nu.pattern.OpenCV.loadLocally();
        // loadLocally logs and swallows some failures; touching a native method proves it worked.
        org.opencv.core.Core.getVersionString();
        return null;
      } catch (RuntimeException | LinkageError e) {
        return e;
      }
    }
  }
}
