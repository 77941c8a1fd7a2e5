package io.pinwheel.trainer;

import io.pinwheel.extractor.model.EncoderFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/** The files a training run writes beside its model: their names, and writing them safely. */
public final class OutputFiles {
  private OutputFiles() {}

  /**
   * The file beside {@code out} whose name is {@code out}'s without {@code .pwe}, plus {@code
   * suffix}: {@code F.pwe} and {@code .report.json} give {@code F.report.json}.
   *
   * @param out the model file
   * @param suffix what follows the stem, e.g. {@code .filters.png}
   * @return the sibling path
   */
  public static Path sibling(Path out, String suffix) {
    String file = out.getFileName().toString();
    String stem =
        file.endsWith(EncoderFile.EXTENSION)
            ? file.substring(0, file.length() - EncoderFile.EXTENSION.length())
            : file;
    return out.resolveSibling(stem + suffix);
  }

  /**
   * Writes {@code bytes} to {@code target} through a temporary file in the same directory and an
   * atomic rename, so a reader sees the old file or the new one, never half of one. Creates the
   * directory if needed.
   *
   * @param bytes the content
   * @param target the file to replace
   * @throws IOException if the directory, the temporary file or the rename fails
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
