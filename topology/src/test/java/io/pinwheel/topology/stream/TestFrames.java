package io.pinwheel.topology.stream;

import io.pinwheel.extractor.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * Encoded gray frames for the topology tests, made with OpenCV from synthetic pixels (encoded by
 * the extractor's {@link TestImages}).
 */
public final class TestFrames {
  private TestFrames() {}

  /**
   * A gray PNG: a ramp under a grating, different for each {@code seed}.
   *
   * @param width the width
   * @param height the height
   * @param seed varies the phase of the grating
   * @return the PNG bytes
   */
  public static byte[] png(int width, int height, int seed) {
    return TestImages.encode(".png", pattern(width, height, seed), width, height, 1);
  }

  /**
   * A gray baseline JPEG of the same content as {@link #png}, quality 90.
   *
   * @param width the width
   * @param height the height
   * @param seed varies the phase of the grating
   * @return the JPEG bytes
   */
  public static byte[] jpeg(int width, int height, int seed) {
    return TestImages.encode(
        ".jpg", pattern(width, height, seed), width, height, 1, Imgcodecs.IMWRITE_JPEG_QUALITY, 90);
  }

  /**
   * A gray PNG of uniform noise, which PNG cannot compress: about {@code width * height} bytes.
   *
   * @param width the width
   * @param height the height
   * @return the PNG bytes
   */
  public static byte[] noisePng(int width, int height) {
    byte[] p = new byte[width * height];
    new Random(7).nextBytes(p);
    return TestImages.encode(".png", p, width, height, 1);
  }

  /**
   * Bytes that are no image at all.
   *
   * @param length how many
   * @param seed the random seed
   * @return random bytes
   */
  public static byte[] randomBytes(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    // Make sure no image format's magic number starts it by chance.
    b[0] = 'x';
    return b;
  }

  /**
   * The first half of a JPEG: it lacks its end-of-image marker.
   *
   * @param jpeg a whole JPEG
   * @return its first half
   */
  public static byte[] truncated(byte[] jpeg) {
    return Arrays.copyOf(jpeg, jpeg.length / 2);
  }

  /**
   * A sample photo from the repository's {@code samples/images}.
   *
   * @param name the file name, e.g. {@code camera.jpg}
   * @return its bytes
   */
  public static byte[] sample(String name) {
    try {
      return Files.readAllBytes(Path.of("..", "samples", "images", name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] pattern(int width, int height, int seed) {
    byte[] p = new byte[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double ramp = 150.0 * x / Math.max(1, width - 1);
        double wave = 50 + 50 * Math.sin(2 * Math.PI * (y + seed) / (5.0 + seed % 4));
        p[y * width + x] = (byte) Math.min(255, Math.round(ramp + wave));
      }
    }
    return p;
  }
}
