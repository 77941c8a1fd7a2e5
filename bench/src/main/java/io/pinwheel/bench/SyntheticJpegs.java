package io.pinwheel.bench;

import io.pinwheel.extractor.OpenCv;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * JPEGs made here from smooth random content, of 96x96 to 336x456 pixels (so the decoder resizes):
 * the frames of the {@code synthetic} workload, and what camera frames are cut from when no
 * photographs are there.
 */
final class SyntheticJpegs {
  private SyntheticJpegs() {}

  /** {@code count} JPEGs drawn from {@code seed}. */
  static List<byte[]> make(int count, long seed) {
    OpenCv.load();
    Random rnd = new Random(seed);
    List<byte[]> out = new ArrayList<>();
    for (int n = 0; n < count; n++) {
      int h = 96 + rnd.nextInt(4) * 80;
      int w = 96 + rnd.nextInt(4) * 120;
      byte[] pixels = new byte[h * w * 3];
      double fx = 0.02 + rnd.nextDouble() * 0.3;
      double fy = 0.02 + rnd.nextDouble() * 0.3;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          for (int c = 0; c < 3; c++) {
            double v = 128 + 90 * Math.sin(fx * x + fy * y + c) + 20 * rnd.nextGaussian();
            pixels[(y * w + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v));
          }
        }
      }
      Mat img = new Mat(h, w, CvType.CV_8UC3);
      MatOfByte buf = new MatOfByte();
      try {
        img.put(0, 0, pixels);
        Imgcodecs.imencode(".jpg", img, buf);
        out.add(buf.toArray());
      } finally {
        img.release();
        buf.release();
      }
    }
    return out;
  }
}
