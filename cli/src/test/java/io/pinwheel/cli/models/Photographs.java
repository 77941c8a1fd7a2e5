package io.pinwheel.cli.models;

import io.pinwheel.extractor.OpenCv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/** Photograph-like pictures for the commands that read folders of large photographs. */
final class Photographs {
  private Photographs() {}

  /**
   * Makes {@code parent/photos} holding one 400x400 gray PNG of smoothed noise (Gaussian σ 4,
   * stretched to 0–255), drawn from {@code seed}.
   *
   * @return the folder
   */
  static Path folderOfOne(Path parent, long seed) throws IOException {
    Path photos = Files.createDirectory(parent.resolve("photos"));
    OpenCv.load();
    SplittableRandom random = new SplittableRandom(seed);
    byte[] px = new byte[400 * 400];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) random.nextInt(256);
    }
    Mat m = new Mat(400, 400, CvType.CV_8UC1);
    Mat smooth = new Mat();
    try {
      m.put(0, 0, px);
      Imgproc.GaussianBlur(m, smooth, new Size(0, 0), 4);
      Core.normalize(smooth, smooth, 0, 255, Core.NORM_MINMAX, CvType.CV_8UC1);
      Imgcodecs.imwrite(photos.resolve("noise.png").toString(), smooth);
    } finally {
      m.release();
      smooth.release();
    }
    return photos;
  }
}
