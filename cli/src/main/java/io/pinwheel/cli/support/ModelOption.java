package io.pinwheel.cli.support;

import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --model}: the one way every command chooses an encoder, by the name of a model the program
 * carries ({@link ShippedModels}) or by a {@code .pwe} file, with one default.
 */
public final class ModelOption {
  /**
   * The model used when none is given: the stable natural-image encoder, whose codes stay more
   * stable than raw pixels as the camera moves, at a quarter of the 16×16 model's encoder time
   * (BENCHMARKS.md, "The default natural model").
   */
  public static final String DEFAULT = "natural-stable";

  @Option(
      names = "--model",
      defaultValue = DEFAULT,
      paramLabel = "FILE.pwe|NAME",
      description = {
        "The encoder: a .pwe file, or a model the program carries: natural-stable (trained on"
            + " photographs; 96x96 gray; 64x3x3 codes that stay stable as the camera moves, at"
            + " least 8 values on every frame), natural-16x16 (256 maps on a 16x16 torus pooled"
            + " the same way: as stable, four times the encoder time), natural (64x22x22"
            + " codes), fashion-mnist"
            + " (28x28), drsae (28x28, with a classifier"
            + " head), gabor (the analytic model init-model writes by default; 96x96 gray). A"
            + " name wins over a file of that name in the working directory; write ./NAME for"
            + " the file.",
        "Default: ${DEFAULT-VALUE}."
      })
  String model = DEFAULT;

  /**
   * A model and where it came from.
   *
   * @param model the encoder
   * @param origin the file, or {@code bundled models/NAME.pwe}, for messages and logs
   */
  public record Loaded(EncoderModel model, String origin) {}

  /** A model that cannot be used; the message says why, naming the file. */
  public static final class UnusableModelException extends Exception {
    private static final long serialVersionUID = 1L;

    UnusableModelException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** What was given, as given. */
  public String choice() {
    return model;
  }

  /**
   * Loads the chosen model: a shipped one by name, else the file, verified.
   *
   * @throws UnusableModelException if the file is missing, unreadable or not a valid model
   */
  public Loaded load() throws UnusableModelException {
    return load(model);
  }

  /**
   * Loads a model as {@code --model} names it: a shipped one by name, else the file, verified. The
   * one loader of every {@code --model}.
   *
   * @param model a name of {@link ShippedModels#names()} or a path
   * @throws UnusableModelException if the file is missing, unreadable or not a valid model
   */
  public static Loaded load(String model) throws UnusableModelException {
    Optional<EncoderModel> shipped = ShippedModels.named(model);
    if (shipped.isPresent()) {
      return new Loaded(shipped.get(), ShippedModels.origin(model));
    }
    Path file;
    try {
      file = Path.of(model);
    } catch (InvalidPathException e) {
      throw new UnusableModelException("not a model name or file: " + model, e);
    }
    try {
      if (!Files.exists(file)) {
        throw new NoSuchFileException(model);
      }
      return new Loaded(EncoderFile.read(file), file.toString());
    } catch (NoSuchFileException e) {
      throw new UnusableModelException(
          "no such model file: "
              + model
              + " (nor a model name: "
              + String.join(", ", ShippedModels.names())
              + ")",
          e);
    } catch (InvalidModelException e) {
      // The message starts with the file's name.
      throw new UnusableModelException("cannot use model " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UnusableModelException("cannot read model " + model + ": " + describe(e), e);
    }
  }

  private static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
