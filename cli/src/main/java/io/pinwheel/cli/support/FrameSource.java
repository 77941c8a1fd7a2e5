package io.pinwheel.cli.support;

import io.pinwheel.extractor.OpenCv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * The encoded images the demo streams, in a loop, with a corrupt frame mixed in now and then so
 * that the dead-letter topic has something to show.
 */
public final class FrameSource {
  /** Files larger than this are skipped: the demo is about the stream, not about big images. */
  static final long MAX_FILE_BYTES = 8L << 20;

  private static final String[] IMAGE_EXTENSIONS = {
    ".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm"
  };

  private final List<byte[]> frames;
  private final String description;
  private final int badEvery;

  private FrameSource(List<byte[]> frames, String description, int badEvery) {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("no frames");
    }
    if (badEvery < 0) {
      throw new IllegalArgumentException("badEvery must be >= 0, got " + badEvery);
    }
    this.frames = List.copyOf(frames);
    this.description = description;
    this.badEvery = badEvery;
  }

  /**
   * The image files among {@code files}, judged by extension, read once into memory.
   *
   * @param files candidate files, in the order to stream them
   * @param where what to call them in messages, e.g. the directory
   * @param badEvery every {@code badEvery}-th frame is corrupt; 0 for none
   * @return the source, or null if none of the files is an image of at most 8 MiB
   * @throws IOException if a file cannot be read
   */
  public static FrameSource fromFiles(List<Path> files, String where, int badEvery)
      throws IOException {
    List<byte[]> frames = new ArrayList<>();
    for (Path f : files) {
      if (isImageName(f) && Files.size(f) > 0 && Files.size(f) <= MAX_FILE_BYTES) {
        frames.add(Files.readAllBytes(f));
      }
    }
    return frames.isEmpty()
        ? null
        : new FrameSource(frames, frames.size() + " images from " + where, badEvery);
  }

  /**
   * Synthetic JPEGs, for when no sample images are at hand: 160x120 gray frames of drifting oblique
   * gratings, each one a little further along.
   *
   * @param count how many distinct frames
   * @param badEvery every {@code badEvery}-th frame is corrupt; 0 for none
   * @return the source
   */
  public static FrameSource generated(int count, int badEvery) {
    OpenCv.load();
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      frames.add(syntheticJpeg(160, 120, i));
    }
    return new FrameSource(frames, count + " generated 160x120 JPEG frames", badEvery);
  }

  /**
   * Says what is streamed, for the start-up message.
   *
   * @return e.g. {@code 8 images from samples/images}
   */
  public String description() {
    return description;
  }

  /**
   * Returns how often a corrupt frame is mixed in.
   *
   * @return every how many frames one is corrupt; 0 for never
   */
  public int badEvery() {
    return badEvery;
  }

  /**
   * Tells whether frame number {@code sequence} is one of the corrupt ones.
   *
   * @param sequence the frame's number, from 0
   * @return true for every {@code badEvery}-th frame, counting from the {@code badEvery}-th
   */
  public boolean isBad(long sequence) {
    return badEvery > 0 && sequence % badEvery == badEvery - 1;
  }

  /**
   * Returns the bytes of frame number {@code sequence}: the images in turn, or random bytes that no
   * decoder accepts when {@link #isBad(long)}.
   *
   * @param sequence the frame's number, from 0
   * @return the encoded frame; the caller may keep it
   */
  public byte[] frame(long sequence) {
    if (isBad(sequence)) {
      Random rnd = new Random(sequence);
      byte[] b = new byte[500 + rnd.nextInt(3000)];
      rnd.nextBytes(b);
      // No image format starts with 'x': these bytes can never decode by chance.
      b[0] = 'x';
      return b;
    }
    return frames.get((int) (sequence % frames.size()));
  }

  private static boolean isImageName(Path f) {
    String name = Objects.toString(f.getFileName(), "").toLowerCase(Locale.ROOT);
    for (String ext : IMAGE_EXTENSIONS) {
      if (name.endsWith(ext)) {
        return true;
      }
    }
    return false;
  }

  private static byte[] syntheticJpeg(int width, int height, int phase) {
    byte[] pixels = new byte[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double v = 0.5 + 0.3 * Math.sin(2 * Math.PI * (x * 0.8 + y * 0.6 + 2 * phase) / 9);
        v += 0.15 * Math.sin(2 * Math.PI * (x * 0.3 - y * 0.95 - phase) / 13);
        pixels[y * width + x] = (byte) Math.round(255 * Math.max(0, Math.min(1, v)));
      }
    }
    Mat mat = new Mat(height, width, CvType.CV_8UC1);
    MatOfByte out = new MatOfByte();
    MatOfInt params = new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, 90);
    try {
      mat.put(0, 0, pixels);
      if (!Imgcodecs.imencode(".jpg", mat, out, params)) {
        throw new IllegalStateException("OpenCV cannot encode JPEG");
      }
      return out.toArray();
    } finally {
      mat.release();
      out.release();
      params.release();
    }
  }
}
