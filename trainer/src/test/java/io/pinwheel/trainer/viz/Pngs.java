package io.pinwheel.trainer.viz;

import io.pinwheel.extractor.OpenCv;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/** Decodes the PNGs under test into plain arrays, releasing every Mat. */
final class Pngs {
  private Pngs() {}

  /** A decoded BGR picture: its size and its interleaved B, G, R bytes as ints in [0, 255]. */
  record Picture(int width, int height, int[] bgr) {
    int[] pixel(int x, int y) {
      int i = (y * width + x) * 3;
      return new int[] {bgr[i], bgr[i + 1], bgr[i + 2]};
    }
  }

  static Picture decode(byte[] png) {
    OpenCv.load();
    MatOfByte buf = new MatOfByte(png);
    Mat image = Imgcodecs.imdecode(buf, Imgcodecs.IMREAD_COLOR);
    try {
      if (image.empty()) {
        throw new AssertionError("not a decodable picture");
      }
      byte[] raw = new byte[(int) image.total() * 3];
      image.get(0, 0, raw);
      int[] bgr = new int[raw.length];
      for (int i = 0; i < raw.length; i++) {
        bgr[i] = raw[i] & 0xff;
      }
      return new Picture(image.cols(), image.rows(), bgr);
    } finally {
      image.release();
      buf.release();
    }
  }
}
