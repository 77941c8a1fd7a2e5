package io.pinwheel.trainer;

import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The version a newly written model gets, so that versions only grow for a name. */
public final class ModelVersions {
  private ModelVersions() {}

  /**
   * The version for a model named {@code name} about to replace {@code out}: one more than the
   * model there when it has the same name, so that anything caching codes by name and version never
   * mixes the two; 1 when there is no file or it holds another name.
   *
   * @param warn told when {@code out} exists but is not a readable model (version 1 is used)
   */
  public static int next(Path out, String name, Consumer<String> warn) {
    if (!Files.isRegularFile(out)) {
      return 1;
    }
    try {
      EncoderModel old = EncoderFile.read(out);
      return old.name().equals(name) ? old.version() + 1 : 1;
    } catch (IOException | InvalidModelException e) {
      warn.accept("replacing " + out + ", which is not a readable model (" + e.getMessage() + ")");
      return 1;
    }
  }
}
