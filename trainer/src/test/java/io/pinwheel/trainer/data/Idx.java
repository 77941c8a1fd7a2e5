package io.pinwheel.trainer.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files for tests, the way Fashion-MNIST's are laid out. */
public final class Idx {
  private Idx() {}

  /** Images file: magic, count, rows, cols, then the pixels. */
  static void writeImages(Path file, int magic, int count, int rows, int cols, byte[] pixels)
      throws IOException {
    try (DataOutputStream out = open(file)) {
      out.writeInt(magic);
      out.writeInt(count);
      out.writeInt(rows);
      out.writeInt(cols);
      out.write(pixels);
    }
  }

  /** Labels file: magic, count, then one byte per label. */
  static void writeLabels(Path file, int magic, int count, byte[] labels) throws IOException {
    try (DataOutputStream out = open(file)) {
      out.writeInt(magic);
      out.writeInt(count);
      out.write(labels);
    }
  }

  /** A well-formed pair of files for {@code split} in {@code dir}, gzipped or not. */
  public static void writeSplit(Path dir, FashionMnist.Split split, GrayImages images, boolean gzip)
      throws IOException {
    String ext = gzip ? ".gz" : "";
    byte[] labels = new byte[images.count()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (byte) images.labels()[i];
    }
    writeImages(
        dir.resolve(split.imagesFile() + ext),
        FashionMnist.IMAGES_MAGIC,
        images.count(),
        images.height(),
        images.width(),
        images.pixels());
    writeLabels(
        dir.resolve(split.labelsFile() + ext), FashionMnist.LABELS_MAGIC, labels.length, labels);
  }

  /** {@code count} labelled images with pseudo-random pixels (a fixed formula, no RNG). */
  static GrayImages images(int count, int rows, int cols) {
    byte[] pixels = new byte[count * rows * cols];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) ((i * 37 + (i / cols) * 11 + (i * i) % 13) & 0xff);
    }
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (i * 3) % 10;
    }
    return new GrayImages(count, rows, cols, pixels, labels);
  }

  private static DataOutputStream open(Path file) throws IOException {
    OutputStream out = Files.newOutputStream(file);
    if (file.getFileName().toString().endsWith(".gz")) {
      out = new GZIPOutputStream(out);
    }
    return new DataOutputStream(out);
  }
}
