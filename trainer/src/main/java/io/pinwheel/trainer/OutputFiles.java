package io.pinwheel.trainer;

import io.pinwheel.extractor.model.EncoderFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** How every training job names and writes the files beside its model. */
public final class OutputFiles {
  private OutputFiles() {}

  /** {@code F.suffix} for the model file {@code F.pwe}: where a job's other outputs go. */
  public static Path sibling(Path out, String suffix) {
    String file = out.getFileName().toString();
    String stem =
        file.endsWith(EncoderFile.EXTENSION)
            ? file.substring(0, file.length() - EncoderFile.EXTENSION.length())
            : file;
    return out.resolveSibling(stem + suffix);
  }

  /**
   * Writes {@code bytes} to a temporary file beside {@code target} and moves it into place, so a
   * reader (a watched model directory, say) never sees half a file.
   */
  public static void writeAtomically(byte[] bytes, Path target) throws IOException {
    Path dir = Optional.ofNullable(target.toAbsolutePath().getParent()).orElse(Path.of("."));
    Files.createDirectories(dir);
    // Not createTempFile: its 0600 mode would survive the move, and models are meant to be shared.
    Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
