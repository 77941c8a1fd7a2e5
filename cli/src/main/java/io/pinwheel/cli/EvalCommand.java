package io.pinwheel.cli;

import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.trainer.data.GrayImages;
import io.pinwheel.trainer.eval.EvalOptions;
import io.pinwheel.trainer.eval.EvalReport;
import io.pinwheel.trainer.eval.Evaluation;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pinwheel eval}: how good a model's codes are on Fashion-MNIST. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluates an encoder on Fashion-MNIST: trains a multinomial logistic-regression"
          + " classifier on the codes of the training split and reports its test accuracy, next"
          + " to the same classifier on raw pixels and on the codes before pooling; reports the"
          + " code density; and reports translation invariance, the mean cosine similarity"
          + " between the codes of an image and of the same image shifted by 1, 2 and 3 pixels"
          + " (in each of four directions) and rotated by +-10 degrees, for pixels, pre-pooling"
          + " and pooled codes.",
      "Prints a table, or one JSON object with --json.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "2:nothing done: invalid options, a missing or unreadable model or data set, or a model"
          + " whose input is not 28x28x1",
      ExitCodes.INTERNAL_HELP
    })
final class EvalCommand implements Callable<Integer> {
  /** Where {@code --data fashion-mnist} looks. */
  static final Path DEFAULT_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  private static final String FASHION_MNIST = "fashion-mnist";
  private static final int SIDE = 28;

  private final CliContext context;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "FILE.pwe",
      description = "The encoder model file; its input must be 28x28x1.")
  Path model;

  @Option(
      names = "--data",
      defaultValue = FASHION_MNIST,
      paramLabel = "fashion-mnist[:DIR]",
      description = {
        "The data set: Fashion-MNIST's four IDX .gz files in DIR.",
        "Default: ${DEFAULT-VALUE} (in " + "/usr/share/datasets/fashion-mnist)."
      })
  String data;

  @Option(
      names = "--train-limit",
      paramLabel = "N",
      description = "Use only the first N training images. Default: all.")
  Integer trainLimit;

  @Option(
      names = "--test-limit",
      paramLabel = "N",
      description = "Use only the first N test images. Default: all.")
  Integer testLimit;

  @Option(
      names = "--invariance-images",
      defaultValue = "1000",
      paramLabel = "N",
      description =
          "Score invariance on the first N test images; 0 skips. Default: ${DEFAULT-VALUE}.")
  int invarianceImages;

  @Option(
      names = "--pre-pooling-train-limit",
      defaultValue = "10000",
      paramLabel = "N",
      description = {
        "Fit the pre-pooling probe on the first N training images; 0 skips it.",
        "Pre-pooling codes are large (64x22x22 for a 7x7 Gabor model). Default: ${DEFAULT-VALUE}."
      })
  int prePoolingTrainLimit;

  @Option(
      names = "--threads",
      defaultValue = "2",
      paramLabel = "N",
      description =
          "Encoder threads, and native threads for the classifier. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  EvalCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Path dir;
    if (data.equals(FASHION_MNIST)) {
      dir = DEFAULT_FASHION_MNIST;
    } else if (data.startsWith(FASHION_MNIST + ":") && data.length() > FASHION_MNIST.length() + 1) {
      dir = Path.of(data.substring(FASHION_MNIST.length() + 1));
    } else {
      return usage("--data must be fashion-mnist or fashion-mnist:DIR, got \"" + data + "\"");
    }
    EvalOptions options;
    try {
      options =
          EvalOptions.defaults()
              .withLimits(
                  trainLimit == null ? Integer.MAX_VALUE : trainLimit,
                  testLimit == null ? Integer.MAX_VALUE : testLimit)
              .withInvarianceImages(invarianceImages)
              .withPrePoolingTrainLimit(prePoolingTrainLimit)
              .withThreads(threads);
    } catch (IllegalArgumentException e) {
      return usage("invalid option: " + e.getMessage());
    }
    if (!Files.exists(model)) {
      return usage("model file not found: " + model);
    }
    EncoderModel encoderModel;
    try {
      encoderModel = EncoderFile.read(model);
    } catch (InvalidModelException e) {
      return usage(e.getMessage());
    } catch (IOException e) {
      return usage("cannot read model file " + model + ": " + e.getMessage());
    }
    var in = encoderModel.input();
    if (in.height() != SIDE || in.width() != SIDE || in.channels() != 1) {
      return usage(
          "model "
              + encoderModel.name()
              + " reads "
              + in.height()
              + "x"
              + in.width()
              + "x"
              + in.channels()
              + " (height x width x channels) but Fashion-MNIST images are 28x28x1; make one"
              + " with init-model --size 28");
    }
    GrayImages train;
    GrayImages test;
    try {
      train = readSplit(dir, "train");
      test = readSplit(dir, "t10k");
    } catch (MissingData e) {
      return usage(
          "Fashion-MNIST not found: "
              + e.getMessage()
              + " is missing; run scripts/get-datasets.sh, or pass --data fashion-mnist:DIR");
    } catch (IOException e) {
      return usage("cannot read Fashion-MNIST in " + dir + ": " + e.getMessage());
    }
    EvalReport report = Evaluation.run(encoderModel, train, test, options);
    if (json) {
      context.out().println(report.toJson());
    } else {
      context.out().print(report.toTable());
      context.out().flush();
    }
    return ExitCodes.OK;
  }

  private int usage(String message) {
    context.err().println("pinwheel eval: " + message);
    return ExitCodes.USAGE;
  }

  /** Thrown when one of the four files is absent. */
  private static final class MissingData extends IOException {
    private static final long serialVersionUID = 1L;

    MissingData(Path file) {
      super(file.toString());
    }
  }

  /**
   * Reads {@code SPLIT-images-idx3-ubyte.gz} and {@code SPLIT-labels-idx1-ubyte.gz}. Minimal on
   * purpose: the shared data-set reader will replace it.
   */
  private static GrayImages readSplit(Path dir, String split) throws IOException {
    Path images = dir.resolve(split + "-images-idx3-ubyte.gz");
    Path labels = dir.resolve(split + "-labels-idx1-ubyte.gz");
    for (Path p : new Path[] {images, labels}) {
      if (!Files.isRegularFile(p)) {
        throw new MissingData(p);
      }
    }
    int count;
    int rows;
    int cols;
    byte[] pixels;
    try (DataInputStream s = open(images)) {
      expect(s.readInt(), 0x803, images);
      count = s.readInt();
      rows = s.readInt();
      cols = s.readInt();
      if (count < 1 || rows != SIDE || cols != SIDE) {
        throw new IOException(
            images + ": expected 28x28 images, got " + count + " of " + rows + "x" + cols);
      }
      pixels = new byte[Math.multiplyExact(count, rows * cols)];
      s.readFully(pixels);
    } catch (EOFException e) {
      throw new IOException(images + " is truncated", e);
    }
    int[] classes = new int[count];
    try (DataInputStream s = open(labels)) {
      expect(s.readInt(), 0x801, labels);
      int n = s.readInt();
      if (n != count) {
        throw new IOException(labels + " holds " + n + " labels for " + count + " images");
      }
      for (int i = 0; i < n; i++) {
        classes[i] = s.readUnsignedByte();
      }
    } catch (EOFException e) {
      throw new IOException(labels + " is truncated", e);
    }
    return new GrayImages(count, rows, cols, pixels, classes);
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    try {
      return new DataInputStream(new BufferedInputStream(new GZIPInputStream(in), 1 << 16));
    } catch (IOException e) {
      in.close();
      throw new IOException(file + " is not gzip: " + e.getMessage(), e);
    }
  }

  private static void expect(int magic, int expected, Path file) throws IOException {
    if (magic != expected) {
      throw new IOException(
          file
              + ": IDX magic is 0x"
              + Integer.toHexString(magic)
              + ", expected 0x"
              + Integer.toHexString(expected));
    }
  }
}
