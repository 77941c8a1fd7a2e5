package io.pinwheel.cli.support;

import io.pinwheel.trainer.data.DataSource;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --data SOURCE}: the images a training or evaluation command reads. Not required by
 * picocli: {@code train} and {@code train lateral} check it with their other required options
 * ({@link #missing()}), and {@code train drsae} and {@code eval}, which need labels, fall back to
 * {@code fashion-mnist} ({@link #orFashionMnist()}).
 */
public final class DataOption {
  @Option(
      names = "--data",
      paramLabel = "SOURCE",
      description = {
        "The images: fashion-mnist (Fashion-MNIST's four IDX .gz files in"
            + " /usr/share/datasets/fashion-mnist), fashion-mnist:DIR (those files in DIR), or DIR,"
            + " a folder of images (searched recursively).",
        "Required by train and train lateral (a folder); train drsae and eval, which need"
            + " labels, read fashion-mnist by default."
      })
  String data;

  /** How picocli would name the option as missing, or nothing when it was given. */
  public String[] missing() {
    return data == null ? new String[] {"'--data=SOURCE'"} : new String[0];
  }

  /**
   * The source given.
   *
   * @throws IllegalArgumentException if the text names no valid source
   */
  public DataSource source() {
    return DataSource.parse(data);
  }

  /**
   * The source given, or Fashion-MNIST in its default directory.
   *
   * @throws IllegalArgumentException if the text names no valid source
   */
  public DataSource orFashionMnist() {
    return DataSource.parse(data == null ? DataSource.FASHION_MNIST : data);
  }

  /**
   * The folder of images given, for commands that read no labelled data set.
   *
   * @throws IllegalArgumentException if the text names Fashion-MNIST or no valid path
   */
  public Path folder() {
    if (source() instanceof DataSource.FolderSource f) {
      return f.dir();
    }
    throw new IllegalArgumentException(
        "data must be a folder of images here, not the labelled data set " + data);
  }

  /** What was given, as given; null when nothing was. */
  public String text() {
    return data;
  }
}
