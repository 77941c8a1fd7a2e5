package io.pinwheel.trainer.data;

import io.pinwheel.extractor.Normalizer;
import io.pinwheel.extractor.model.Normalization;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;

/**
 * Reads Fashion-MNIST (or MNIST, which has the same layout) from its IDX files.
 *
 * <p>A directory holds four files, each either gzipped ({@code .gz}, as distributed; read directly)
 * or uncompressed: {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte}, {@code
 * t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte}. IDX is big-endian: an images file is
 * the magic number 0x00000803, the image count, rows and columns, then the pixels image after
 * image, row by row, one unsigned byte each (0 = background); a labels file is the magic
 * 0x00000801, the count, then one byte per image.
 */
public final class FashionMnist {
  /** Where Debian's {@code dataset-fashion-mnist} package installs the four gzipped files. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** The magic number of an IDX file of unsigned bytes with three dimensions: images. */
  public static final int IMAGES_MAGIC = 0x00000803;

  /** The magic number of an IDX file of unsigned bytes with one dimension: labels. */
  public static final int LABELS_MAGIC = 0x00000801;

  /**
   * The names of Fashion-MNIST's ten classes, indexed by label. (MNIST's labels are simply the
   * digits.) Do not write to it.
   */
  public static final String[] CLASS_NAMES = {
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot"
  };

  /** Where the files can be fetched; named in every missing-file message. */
  static final String DOWNLOAD_URL = "https://github.com/zalandoresearch/fashion-mnist";

  private static final int BUFFER = 1 << 16;

  /** The two halves of the data set. */
  public enum Split {
    /** 60,000 images in Fashion-MNIST. */
    TRAIN("train"),
    /** 10,000 images in Fashion-MNIST. */
    TEST("t10k");

    private final String prefix;

    Split(String prefix) {
      this.prefix = prefix;
    }

    /** The images file's name without {@code .gz}, e.g. {@code train-images-idx3-ubyte}. */
    public String imagesFile() {
      return prefix + "-images-idx3-ubyte";
    }

    /** The labels file's name without {@code .gz}, e.g. {@code train-labels-idx1-ubyte}. */
    public String labelsFile() {
      return prefix + "-labels-idx1-ubyte";
    }
  }

  private FashionMnist() {}

  /**
   * Every image and label of {@code split} in {@code dir}.
   *
   * @throws DataException if a file is missing, has the wrong magic number, is truncated or cannot
   *     be read, or the images and labels files disagree on the count
   */
  public static GrayImages read(Path dir, Split split) throws DataException {
    return read(dir, split, Integer.MAX_VALUE);
  }

  /**
   * The first {@code limit} images and labels of {@code split} in {@code dir} (all of them when
   * there are fewer), reading no further into the files than that.
   *
   * @throws IllegalArgumentException if {@code limit < 1}
   * @throws DataException if a file is missing, has the wrong magic number, is truncated or cannot
   *     be read, or the images and labels files disagree on the count
   */
  public static GrayImages read(Path dir, Split split, int limit) throws DataException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(split, "split");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    Path imagesPath = locate(dir, split.imagesFile());
    Path labelsPath = locate(dir, split.labelsFile());
    try (DataInputStream images = open(imagesPath);
        DataInputStream labels = open(labelsPath)) {
      checkMagic(images, imagesPath, IMAGES_MAGIC, "images");
      int count = readInt(images, imagesPath, "the image count");
      int rows = readInt(images, imagesPath, "the row count");
      int cols = readInt(images, imagesPath, "the column count");
      checkMagic(labels, labelsPath, LABELS_MAGIC, "labels");
      int labelCount = readInt(labels, labelsPath, "the label count");
      if (count < 1 || rows < 1 || cols < 1) {
        throw new DataException(
            imagesPath + " declares " + count + " images of " + rows + "x" + cols + " pixels");
      }
      if (labelCount != count) {
        throw new DataException(
            imagesPath
                + " holds "
                + count
                + " images but "
                + labelsPath
                + " holds "
                + labelCount
                + " labels");
      }
      int n = Math.min(limit, count);
      long bytes = (long) n * rows * cols;
      if (bytes > Integer.MAX_VALUE - 8) {
        throw new DataException(
            imagesPath + ": " + n + " images of " + rows + "x" + cols + " do not fit one array");
      }
      byte[] pixels = new byte[(int) bytes];
      readFully(images, pixels, imagesPath, n + " images of " + rows + "x" + cols + " pixels");
      byte[] raw = new byte[n];
      readFully(labels, raw, labelsPath, n + " labels");
      int[] classes = new int[n];
      for (int i = 0; i < n; i++) {
        classes[i] = raw[i] & 0xff;
      }
      return new GrayImages(n, rows, cols, pixels, classes);
    } catch (IOException e) {
      throw new DataException(
          "cannot read Fashion-MNIST "
              + split.name().toLowerCase(Locale.ROOT)
              + " files in "
              + dir.toAbsolutePath()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Every image as a one-channel frame: pixel / 255, then {@link Normalizer#apply} with {@code n}.
   * This is exactly what the extractor's {@link io.pinwheel.extractor.FrameDecoder} produces for a
   * lossless image of the same pixels at the same size, so a model trained on these frames sees at
   * serving time what it saw in training.
   *
   * @throws IllegalStateException if {@code n} needs OpenCV and it cannot be loaded
   */
  public static FrameSet frames(GrayImages images, Normalization n) {
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(n, "normalization");
    int h = images.height();
    int w = images.width();
    int size = h * w;
    float[] data = new float[Math.multiplyExact(images.count(), size)];
    // Each image is normalized on its own; the normalizer is stateless, so they can run at once.
    IntStream.range(0, images.count())
        .parallel()
        .forEach(
            i -> {
              float[] planar = images.image(i);
              Normalizer.apply(n, planar, 1, h, w);
              System.arraycopy(planar, 0, data, i * size, size);
            });
    return new FrameSet(images.count(), 1, h, w, data);
  }

  /** The gzipped file if there is one, else the uncompressed one. */
  private static Path locate(Path dir, String name) throws DataException {
    Path base = dir.toAbsolutePath();
    Path gz = base.resolve(name + ".gz");
    if (Files.isRegularFile(gz)) {
      return gz;
    }
    Path plain = base.resolve(name);
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    throw new DataException(
        "Fashion-MNIST file not found: "
            + gz
            + " (nor "
            + plain
            + "); run scripts/get-datasets.sh, or download the four IDX files from "
            + DOWNLOAD_URL
            + " into "
            + base);
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    try {
      if (file.getFileName().toString().endsWith(".gz")) {
        in = new GZIPInputStream(in, BUFFER);
      }
      return new DataInputStream(new BufferedInputStream(in, BUFFER));
    } catch (IOException e) {
      in.close();
      // An empty file fails the gzip header read with an EOFException that has no message.
      String why =
          e instanceof java.io.EOFException
              ? "not a gzip file: it ends before its header (empty or cut short)"
              : e.getMessage();
      throw new IOException(file + ": " + why, e);
    }
  }

  private static void checkMagic(DataInputStream in, Path file, int expected, String what)
      throws IOException, DataException {
    int magic = readInt(in, file, "the magic number");
    if (magic != expected) {
      throw new DataException(
          String.format(
              Locale.ROOT,
              "%s is not an IDX %s file: magic number 0x%08X, expected 0x%08X",
              file,
              what,
              magic,
              expected));
    }
  }

  private static int readInt(DataInputStream in, Path file, String what)
      throws IOException, DataException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw truncated(file, what, e);
    }
  }

  private static void readFully(DataInputStream in, byte[] into, Path file, String what)
      throws IOException, DataException {
    try {
      in.readFully(into);
    } catch (EOFException e) {
      throw truncated(file, what, e);
    }
  }

  private static DataException truncated(Path file, String what, EOFException e) {
    return new DataException(file + " is truncated: it ends before " + what, e);
  }
}
