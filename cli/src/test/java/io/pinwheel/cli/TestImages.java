package io.pinwheel.cli;

import io.pinwheel.extractor.OpenCv;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/** Encoded test images made with OpenCV, so their bytes are what real files would hold. */
public final class TestImages {
  private TestImages() {}

  /** A 120x160 BGR image of oblique gratings and a disc: edges in many orientations. */
  public static byte[] encoded(String extension) {
    OpenCv.load();
    int h = 120;
    int w = 160;
    byte[] pixels = new byte[h * w * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double v = 0.5 + 0.25 * Math.sin(2 * Math.PI * (x * 0.8 + y * 0.6) / 7);
        v += 0.2 * Math.sin(2 * Math.PI * (x * 0.2 - y * 0.98) / 11);
        if (Math.hypot(x - 100, y - 50) < 25) {
          v = 0.95;
        }
        int value = (int) Math.round(255 * Math.max(0, Math.min(1, v)));
        for (int c = 0; c < 3; c++) {
          pixels[(y * w + x) * 3 + c] = (byte) (c == 2 ? 255 - value : value);
        }
      }
    }
    Mat mat = new Mat(h, w, CvType.CV_8UC3);
    MatOfByte buf = new MatOfByte();
    try {
      mat.put(0, 0, pixels);
      if (!Imgcodecs.imencode(extension, mat, buf)) {
        throw new IllegalStateException("OpenCV cannot encode " + extension);
      }
      return buf.toArray();
    } finally {
      mat.release();
      buf.release();
    }
  }

  public static byte[] png() {
    return encoded(".png");
  }

  public static byte[] jpeg() {
    return encoded(".jpg");
  }
}
