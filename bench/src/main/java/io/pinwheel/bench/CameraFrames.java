package io.pinwheel.bench;

import io.pinwheel.extractor.OpenCv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * The camera-frame workload: JPEGs of real photographs at 1280x720 and 1920x1080, quality 90, as
 * {@code scripts/get-datasets.sh} cuts them into {@code data/camera/720p} and {@code
 * data/camera/1080p}. When those are missing, frames of the same size and quality are made here
 * from the photographs in {@code data/photos} or {@code data/natural} (centre crop to 16:9, area
 * resize), and failing those from synthetic content; {@link Workload#source()} says which.
 */
final class CameraFrames {
  /** The JPEG quality of frames made here, as the script cuts them. */
  static final int QUALITY = 90;

  /** The two camera sizes, width x height. */
  static final List<int[]> SIZES = List.of(new int[] {1280, 720}, new int[] {1920, 1080});

  private CameraFrames() {}

  /**
   * Frames of one size.
   *
   * @param name "720p" or "1080p"
   * @param source where they came from, for the report
   */
  record Workload(String name, int width, int height, List<byte[]> jpegs, String source) {
    double meanKilobytes() {
      return jpegs.stream().mapToInt(b -> b.length).average().orElse(0) / 1024;
    }
  }

  /** Every camera size, from {@code cameraDir} or made from the photographs beside it. */
  static List<Workload> load(Path cameraDir) throws IOException {
    List<Workload> out = new ArrayList<>();
    for (int[] size : SIZES) {
      out.add(load(cameraDir, size[0], size[1]));
    }
    return out;
  }

  static Workload load(Path cameraDir, int width, int height) throws IOException {
    String name = height + "p";
    Path dir = cameraDir.resolve(name);
    List<byte[]> jpegs = new ArrayList<>();
    for (Path p : images(dir, ".jpg")) {
      jpegs.add(Files.readAllBytes(p));
    }
    if (!jpegs.isEmpty()) {
      return new Workload(name, width, height, jpegs, dir.toString());
    }
    Path data = cameraDir.toAbsolutePath().getParent();
    for (Path photos : List.of(data.resolve("photos"), data.resolve("natural"))) {
      List<Path> files = images(photos, ".jpg", ".png");
      if (!files.isEmpty()) {
        for (Path p : files) {
          jpegs.add(cut(Files.readAllBytes(p), width, height));
        }
        return new Workload(
            name,
            width,
            height,
            jpegs,
            String.format(
                Locale.ROOT,
                "%s missing: %d frames cut here from %s (run scripts/get-datasets.sh for the real set)",
                dir,
                jpegs.size(),
                photos));
      }
    }
    for (byte[] synthetic : SyntheticJpegs.make(8, 5)) {
      jpegs.add(cut(synthetic, width, height));
    }
    return new Workload(
        name,
        width,
        height,
        jpegs,
        dir
            + " and the photographs missing: 8 synthetic frames, enlarged (run"
            + " scripts/get-datasets.sh)");
  }

  private static List<Path> images(Path dir, String... endings) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return Stream.of(endings).anyMatch(n::endsWith);
              })
          .sorted()
          .toList();
    }
  }

  /** A centre 16:9 crop of the image, resized to width x height, as a quality-90 JPEG. */
  static byte[] cut(byte[] image, int width, int height) {
    OpenCv.load();
    MatOfByte in = new MatOfByte(image);
    Mat decoded = Imgcodecs.imdecode(in, Imgcodecs.IMREAD_COLOR);
    Mat resized = new Mat();
    MatOfByte out = new MatOfByte();
    MatOfInt quality = new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, QUALITY);
    try {
      if (decoded.empty()) {
        throw new IllegalArgumentException("cannot decode a photograph to cut camera frames from");
      }
      int w = decoded.cols();
      int h = decoded.rows();
      int cw = Math.min(w, h * width / height);
      int ch = Math.min(h, w * height / width);
      Mat crop = decoded.submat(new Rect((w - cw) / 2, (h - ch) / 2, cw, ch));
      int interpolation = cw >= width ? Imgproc.INTER_AREA : Imgproc.INTER_CUBIC;
      Imgproc.resize(crop, resized, new Size(width, height), 0, 0, interpolation);
      crop.release();
      Imgcodecs.imencode(".jpg", resized, out, quality);
      return out.toArray();
    } finally {
      in.release();
      decoded.release();
      resized.release();
      out.release();
      quality.release();
    }
  }
}
