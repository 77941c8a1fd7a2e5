package io.pinwheel.trainer.viz;

import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/** PNG encoding shared by the pictures, so each releases its buffers the same way. */
final class PngEncoding {
  private PngEncoding() {}

  static byte[] encode(Mat image) {
    MatOfByte out = new MatOfByte();
    try {
      if (!Imgcodecs.imencode(".png", image, out)) {
        throw new IllegalStateException("OpenCV could not encode a " + image + " as PNG");
      }
      return out.toArray();
    } finally {
      out.release();
    }
  }

  static void requireScale(int scale) {
    if (scale < 1) {
      throw new IllegalArgumentException("scale must be >= 1, got " + scale);
    }
  }
}
