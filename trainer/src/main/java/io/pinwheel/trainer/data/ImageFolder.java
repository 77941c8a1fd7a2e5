package io.pinwheel.trainer.data;

import io.pinwheel.extractor.DecoderOptions;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.FrameDecodeException;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.model.InputSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The image files under a directory, decoded with the extractor's own {@link FrameDecoder} so that
 * training preprocesses as serving does (same decoder, resize and normalization). One difference,
 * on purpose: the trainer decodes every JPEG at full resolution ({@link #decoder}), the reference
 * pixels, where serving lets libjpeg decode large JPEGs at a reduced scale; the extractor measures
 * the codes of the two against each other (see {@link FrameDecoder}).
 *
 * @param dir the directory scanned
 * @param files every regular, non-hidden file under {@code dir}, in any subfolder, sorted by path
 *     relative to {@code dir}
 */
public record ImageFolder(Path dir, List<Path> files) {
  /** Checks for nulls and keeps an unmodifiable copy of the list. */
  public ImageFolder {
    Objects.requireNonNull(dir, "dir");
    files = List.copyOf(Objects.requireNonNull(files, "files"));
  }

  /** The decoder training reads images with: {@code spec} at full resolution. */
  public static FrameDecoder decoder(InputSpec spec) {
    return new FrameDecoder(spec, DecoderOptions.fullResolution());
  }

  /**
   * A file {@link #load} could not decode.
   *
   * @param path the file
   * @param reason the decoder's reason tag and message, e.g. {@code "undecodable: cannot decode
   *     ..."}
   */
  public record Skipped(Path path, String reason) {
    /** Checks for nulls. */
    public Skipped {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * What {@link #load} decoded.
   *
   * @param frames one frame per file in {@code used}, in the same order
   * @param used the files that decoded
   * @param skipped the files that did not, with why
   */
  public record Loaded(FrameSet frames, List<Path> used, List<Skipped> skipped) {
    /** Checks that there is one frame per used file. */
    public Loaded {
      Objects.requireNonNull(frames, "frames");
      used = List.copyOf(Objects.requireNonNull(used, "used"));
      skipped = List.copyOf(Objects.requireNonNull(skipped, "skipped"));
      if (frames.count() != used.size()) {
        throw new IllegalArgumentException(
            "used must name one file per frame (" + frames.count() + "), got " + used.size());
      }
    }
  }

  /**
   * Lists every regular file under {@code dir}, recursively, sorted by relative path so that the
   * order (and so every seeded sample drawn from it) is the same on every machine. Hidden files,
   * and everything in hidden folders (such as {@code .git}), are left out.
   *
   * @throws DataException if {@code dir} does not exist, is not a directory, or cannot be listed
   */
  public static ImageFolder scan(Path dir) throws DataException {
    Objects.requireNonNull(dir, "dir");
    if (!Files.exists(dir)) {
      throw new DataException("image folder not found: " + dir.toAbsolutePath());
    }
    if (!Files.isDirectory(dir)) {
      throw new DataException("not a directory: " + dir.toAbsolutePath());
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> files =
          walk.filter(p -> !hidden(dir.relativize(p)))
              .filter(Files::isRegularFile)
              .sorted(Comparator.comparing(p -> dir.relativize(p)))
              .toList();
      return new ImageFolder(dir, files);
    } catch (IOException | UncheckedIOException e) {
      throw new DataException("cannot list " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes every file with {@code decoder}, in order. Files the decoder refuses (not an image, cut
   * short, too large) are skipped and reported, not fatal: a photo folder often holds a stray text
   * file.
   *
   * @throws DataException if a file cannot be read, or if no file decodes (naming the folder and
   *     how many files were tried)
   */
  public Loaded load(FrameDecoder decoder) throws DataException {
    Objects.requireNonNull(decoder, "decoder");
    List<Frame> frames = new ArrayList<>();
    List<Path> used = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    for (Path file : files) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new DataException("cannot read " + file + ": " + e, e);
      }
      try {
        frames.add(decoder.decode(bytes));
        used.add(file);
      } catch (FrameDecodeException e) {
        skipped.add(new Skipped(file, e.reason().tag() + ": " + e.getMessage()));
      }
    }
    if (frames.isEmpty()) {
      throw new DataException(
          "no image in "
              + dir.toAbsolutePath()
              + " could be decoded ("
              + files.size()
              + " files tried"
              + (skipped.isEmpty()
                  ? ""
                  : "; the first: " + skipped.get(0).path() + ": " + skipped.get(0).reason())
              + ")");
    }
    return new Loaded(FrameSet.of(frames), used, skipped);
  }

  /** Whether any part of the relative path starts with a dot. */
  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
