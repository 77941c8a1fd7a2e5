package io.pinwheel.trainer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.trainer.data.GrayImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Baseline probe results on disk, so that evaluating a second model on the same data does not refit
 * the pixel probe (or the pre-pooling probe of the same conv weights) for minutes.
 *
 * <p>A result is filed under a SHA-256 key of everything that determines it: the kind, the training
 * and test images and labels (their bytes, not their file names), the split (fraction, seed), the
 * probe options and grids, and for pre-pooling codes the pre-pooling model (input normalization,
 * conv weights; not its name or date) and its image limit. Any change gives another key; a file
 * that cannot be read is recomputed and overwritten.
 */
public final class BaselineCache {
  /** Bump when the stored result or the way it is computed changes. */
  static final String FORMAT = "pinwheel-eval-baseline-1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  /** A cache in {@code dir}, created when first written. */
  public BaselineCache(Path dir) {
    this.dir = dir;
  }

  /** What a cached result is keyed by, as a hex SHA-256. */
  public static String key(
      String kind,
      GrayImages train,
      GrayImages test,
      EvalOptions options,
      Optional<EncoderModel> prePooling,
      int imageLimit) {
    MessageDigest sha = sha256();
    text(sha, FORMAT);
    text(sha, kind);
    images(sha, train);
    images(sha, test);
    text(
        sha,
        options.validationFraction()
            + "/"
            + options.splitSeed()
            + "/"
            + options.probe()
            + "/"
            + options.l2Choices()
            + "/"
            + options.epochChoices()
            + "/"
            + imageLimit);
    prePooling.ifPresent(
        m ->
            sha.update(
                EncoderFile.toBytes(
                    new EncoderModel(
                        "pre-pooling",
                        1,
                        Instant.EPOCH,
                        m.input(),
                        m.layers(),
                        m.output(),
                        "{}",
                        Map.of()))));
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The file a key's result lives in. */
  public Path file(String kind, String key) {
    return dir.resolve(kind + "-" + key.substring(0, 24) + ".json");
  }

  /** The stored result, or empty when there is none or it cannot be read. */
  public Optional<ProbeSelection.Result> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), ProbeSelection.Result.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Stores a result (written to a temporary file, then moved into place).
   *
   * @throws UncheckedIOException if the folder or file cannot be written
   */
  public void write(Path file, ProbeSelection.Result result) {
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".baseline", ".tmp");
      JSON.writeValue(tmp.toFile(), result);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the baseline cache " + file, e);
    }
  }

  private static void images(MessageDigest sha, GrayImages images) {
    ByteBuffer dims = ByteBuffer.allocate(12);
    dims.putInt(images.count()).putInt(images.height()).putInt(images.width());
    sha.update(dims.array());
    sha.update(images.pixels());
    ByteBuffer labels = ByteBuffer.allocate(4 * images.labels().length);
    for (int l : images.labels()) {
      labels.putInt(l);
    }
    sha.update(labels.array());
  }

  private static void text(MessageDigest sha, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    sha.update(ByteBuffer.allocate(4).putInt(b.length).array());
    sha.update(b);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
