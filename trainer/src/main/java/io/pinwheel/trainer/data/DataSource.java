package io.pinwheel.trainer.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a {@code train} or {@code eval} command reads images, as given by its {@code --data}
 * option: {@code fashion-mnist} (the default directory, {@link FashionMnist#DEFAULT_DIR}), {@code
 * fashion-mnist:PATH} (Fashion-MNIST's IDX files in PATH), or any other text, a folder of images.
 */
public sealed interface DataSource {
  /** The {@code --data} keyword for Fashion-MNIST. */
  String FASHION_MNIST = "fashion-mnist";

  /**
   * Parses {@code --data} text.
   *
   * @throws IllegalArgumentException if the text is blank, {@code fashion-mnist:} has no path, or
   *     the path is not valid on this system
   */
  static DataSource parse(String text) {
    Objects.requireNonNull(text, "data");
    if (text.isBlank()) {
      throw new IllegalArgumentException(
          "data must be fashion-mnist, fashion-mnist:PATH or a folder of images, got blank text");
    }
    if (text.equals(FASHION_MNIST)) {
      return new FashionMnistSource(FashionMnist.DEFAULT_DIR);
    }
    if (text.startsWith(FASHION_MNIST + ":")) {
      String path = text.substring(FASHION_MNIST.length() + 1);
      if (path.isBlank()) {
        throw new IllegalArgumentException(
            "data fashion-mnist: needs a directory after the colon, e.g. fashion-mnist:"
                + FashionMnist.DEFAULT_DIR);
      }
      return new FashionMnistSource(Path.of(path));
    }
    return new FolderSource(Path.of(text));
  }

  /**
   * A one-line description for reports, which {@link #parse} reads back to a source of the same
   * kind reading the same files.
   */
  String describe();

  /**
   * Fashion-MNIST's IDX files.
   *
   * @param dir the directory holding them
   */
  record FashionMnistSource(Path dir) implements DataSource {
    /** Checks for null. */
    public FashionMnistSource {
      Objects.requireNonNull(dir, "dir");
    }

    @Override
    public String describe() {
      return FASHION_MNIST + ":" + dir;
    }
  }

  /**
   * A folder of image files, see {@link ImageFolder}.
   *
   * @param dir the folder
   */
  record FolderSource(Path dir) implements DataSource {
    /** Checks for null. */
    public FolderSource {
      Objects.requireNonNull(dir, "dir");
    }

    @Override
    public String describe() {
      String text = dir.toString();
      // A folder literally named fashion-mnist would read back as the data set.
      return text.equals(FASHION_MNIST) || text.startsWith(FASHION_MNIST + ":")
          ? "./" + text
          : text;
    }
  }
}
