package io.pinwheel.trainer.data;

import io.pinwheel.trainer.sparse.Gratings;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes small IDX files for tests, the way Fashion-MNIST's are laid out. In the trainer's
 * test-jar: the command tests write their data sets here too.
 */
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

  /**
   * Writes a well-formed pair of files for {@code split} in {@code dir}, gzipped or not.
   *
   * @param dir an existing folder
   * @param split which files
   * @param images the images and their labels
   * @param gzip whether to write {@code .gz} files
   * @throws IOException if a file cannot be written
   */
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

  /**
   * A Fashion-MNIST folder (gzipped IDX files) of 28x28 {@link Gratings}, vertical (label 0) or
   * horizontal (1): a linear probe on any code that kept orientation separates them.
   *
   * @param dir the folder, created if missing
   * @param train how many training images
   * @param test how many test images
   * @return {@code dir}
   * @throws IOException if a file cannot be written
   */
  public static Path gratings(Path dir, int train, int test) throws IOException {
    Files.createDirectories(dir);
    writeSplit(dir, FashionMnist.Split.TRAIN, Gratings.images(train, 28, 1), true);
    writeSplit(dir, FashionMnist.Split.TEST, Gratings.images(test, 28, 2), true);
    return dir;
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
