package io.pinwheel.extractor.model;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Reads and writes encoder files (format v1, docs/encoder-format.md): a ZIP archive holding {@code
 * manifest.json} and one NumPy {@code .npy} file per tensor, each listed with its SHA-256.
 *
 * <p>Reading trusts nothing in the file: sizes are counted while reading rather than taken from ZIP
 * headers, every entry must be listed with a matching checksum, and every value goes through the
 * validating constructors of the model types. Any problem becomes an {@link InvalidModelException}
 * whose message starts with the file name and names the field and the archive entry at fault.
 *
 * <p>Writing is deterministic: the same model always gives the same bytes (fixed entry order,
 * uncompressed entries, fixed entry timestamps, {@code createdAt} taken from the model).
 */
public final class EncoderFile {
  /** The conventional file name extension. */
  public static final String EXTENSION = ".pwe";

  /** Limits a reader enforces; package-private so tests can shrink them. */
  record Limits(int maxEntries, long maxEntryBytes, long maxManifestBytes, long maxTotalBytes) {
    /** The limits of format v1. */
    static final Limits V1 =
        new Limits(256, 4 * Shapes.MAX_ELEMENTS + 65_536 + 16, 1L << 20, 512L << 20);
  }

  private static final byte[] LOCAL_HEADER = {'P', 'K', 3, 4};
  private static final byte[] END_OF_CENTRAL_DIRECTORY = {'P', 'K', 5, 6};

  /**
   * A fixed entry time, as a local time so that it does not depend on the zone. Not 1980-01-01
   * 00:00:00: ZipEntry takes that DOS time to mean "before 1980" and then adds an extended
   * timestamp converted with the JVM's zone, which makes the bytes zone-dependent.
   */
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0, 2);

  private EncoderFile() {}

  /**
   * Reads and fully verifies the encoder file at {@code path}.
   *
   * @throws NoSuchFileException if there is no file at {@code path}
   * @throws IOException if the file cannot be read
   * @throws InvalidModelException if the file is not a valid encoder file; the message starts with
   *     {@code path}
   */
  public static EncoderModel read(Path path) throws IOException, InvalidModelException {
    String source = path.toString();
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(source, null, "no such encoder file");
    }
    if (attrs.isDirectory()) {
      throw new InvalidModelException(source + ": is a directory, not an encoder file");
    }
    if (!attrs.isRegularFile()) {
      throw new InvalidModelException(source + ": is not a regular file");
    }
    Limits limits = Limits.V1;
    if (attrs.size() > limits.maxTotalBytes()) {
      throw new InvalidModelException(
          source + ": file is " + attrs.size() + " bytes, over the limit of " + totalLimit(limits));
    }
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, source, limits);
    }
  }

  /**
   * Reads and fully verifies an encoder file held in memory; {@code source} names it in errors.
   *
   * @throws InvalidModelException if the bytes are not a valid encoder file; the message starts
   *     with {@code source}
   */
  public static EncoderModel read(byte[] bytes, String source) throws InvalidModelException {
    return read(bytes, source, Limits.V1);
  }

  /** As {@link #read(byte[], String)}, with other limits so tests need not build huge files. */
  static EncoderModel read(byte[] bytes, String source, Limits limits)
      throws InvalidModelException {
    if (bytes.length > limits.maxTotalBytes()) {
      throw new InvalidModelException(
          source + ": file is " + bytes.length + " bytes, over the limit of " + totalLimit(limits));
    }
    try {
      return read(new ByteArrayInputStream(bytes), source, limits);
    } catch (IOException e) {
      // A byte array cannot fail to read; ZIP format errors are already InvalidModelException.
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The encoder file bytes of {@code model}; the same model always gives the same bytes.
   *
   * @throws IllegalArgumentException if {@code model.training()} is not the text of a JSON object,
   *     or the model is too large for one encoder file (more than 256 entries, a manifest over 1 MB
   *     or more than 512 MB in all), since readers would refuse the result
   */
  public static byte[] toBytes(EncoderModel model) {
    LinkedHashMap<String, byte[]> tensors = Manifest.tensorFiles(model);
    LinkedHashMap<String, String> checksums = new LinkedHashMap<>();
    tensors.forEach((name, data) -> checksums.put(name, sha256(data)));
    byte[] manifest = Manifest.toJson(model, checksums);

    Limits limits = Limits.V1;
    long total = manifest.length;
    for (byte[] data : tensors.values()) {
      total += data.length;
    }
    if (tensors.size() + 1 > limits.maxEntries()) {
      throw new IllegalArgumentException(
          "model needs "
              + (tensors.size() + 1)
              + " archive entries, more than the limit of "
              + limits.maxEntries());
    }
    if (manifest.length > limits.maxManifestBytes()) {
      throw new IllegalArgumentException(
          "model's manifest.json would be "
              + manifest.length
              + " bytes, more than the limit of "
              + limits.maxManifestBytes());
    }
    if (total > limits.maxTotalBytes()) {
      throw new IllegalArgumentException(
          "model needs " + total + " bytes, more than the limit of " + totalLimit(limits));
    }

    ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.toIntExact(total + 4096));
    try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
      putStored(zip, Manifest.NAME, manifest);
      for (Map.Entry<String, byte[]> e : tensors.entrySet()) {
        putStored(zip, e.getKey(), e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Writes {@code model} to {@code path} atomically: the bytes go to a new file in the same
   * directory, which is flushed to disk and then renamed over {@code path}, so readers see either
   * the old file or the complete new one. An existing file at {@code path} is replaced.
   *
   * @throws IllegalArgumentException as {@link #toBytes} does
   * @throws IOException if the file cannot be written; no temporary file is left behind
   */
  public static void write(EncoderModel model, Path path) throws IOException {
    writeAtomically(toBytes(model), path);
  }

  /** Writes bytes to {@code path} as {@link #write(EncoderModel, Path)} does. */
  static void writeAtomically(byte[] bytes, Path path) throws IOException {
    Path target = path.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = null;
    FileChannel channel = null;
    for (int attempt = 0; channel == null; attempt++) {
      tmp =
          dir.resolve(
              "."
                  + target.getFileName()
                  + "."
                  + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1)
                  + ".tmp");
      try {
        // Not Files.createTempFile: its owner-only permissions would stick to the model file.
        channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 10) {
          throw e;
        }
      }
    }
    try {
      try (FileChannel ch = channel) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- reading

  private static EncoderModel read(InputStream raw, String source, Limits limits)
      throws IOException, InvalidModelException {
    LinkedHashMap<String, byte[]> entries = entries(raw, source, limits);
    byte[] manifestBytes = entries.remove(Manifest.NAME);
    if (manifestBytes == null) {
      throw new InvalidModelException(
          source + ": not a pinwheel encoder file (the ZIP archive has no " + Manifest.NAME + ")");
    }
    Manifest.Reader manifest = Manifest.Reader.parse(source, manifestBytes);
    LinkedHashMap<String, String> files = manifest.files();
    for (String name : entries.keySet()) {
      if (!files.containsKey(name)) {
        throw new InvalidModelException(
            source + ": " + name + ": in the archive but not listed in manifest files");
      }
    }
    for (String name : files.keySet()) {
      if (!entries.containsKey(name)) {
        throw new InvalidModelException(
            source + ": " + name + ": listed in manifest files but missing from the archive");
      }
    }
    VerifyingSource tensors = new VerifyingSource(source, entries, files);
    EncoderModel model = manifest.toModel(tensors, files.keySet());
    tensors.requireAllUsed();
    return model;
  }

  /**
   * The entries of the archive by name, in archive order. Sizes are counted as the bytes arrive;
   * the sizes a ZIP header declares are never used to allocate.
   */
  private static LinkedHashMap<String, byte[]> entries(
      InputStream raw, String source, Limits limits) throws IOException, InvalidModelException {
    CentralDirectory.TailCapture capture = new CentralDirectory.TailCapture(raw);
    BufferedInputStream in = new BufferedInputStream(capture);
    in.mark(4);
    byte[] signature = in.readNBytes(4);
    in.reset();
    if (signature.length == 0) {
      throw new InvalidModelException(source + ": empty file, not a pinwheel encoder file");
    }
    if (Arrays.equals(signature, END_OF_CENTRAL_DIRECTORY)) {
      throw new InvalidModelException(
          source + ": not a pinwheel encoder file (an empty ZIP archive)");
    }
    if (!Arrays.equals(signature, LOCAL_HEADER)) {
      throw new InvalidModelException(source + ": not a pinwheel encoder file (not a ZIP archive)");
    }
    LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>();
    long total = 0;
    try (ZipInputStream zip = new ZipInputStream(in, StandardCharsets.UTF_8)) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        String name = entry.getName();
        if (entries.size() >= limits.maxEntries()) {
          throw new InvalidModelException(
              source + ": the archive has more than " + limits.maxEntries() + " entries");
        }
        if (entry.isDirectory()) {
          throw new InvalidModelException(
              source + ": " + name + ": directory entries are not allowed in an encoder file");
        }
        String unsafe = Manifest.EntryNames.unsafe(name);
        if (unsafe != null) {
          throw new InvalidModelException(
              source + ": archive entry \"" + name + "\" has an unsafe name: " + unsafe);
        }
        if (entries.containsKey(name)) {
          throw new InvalidModelException(source + ": " + name + ": duplicate archive entry");
        }
        long cap = name.equals(Manifest.NAME) ? limits.maxManifestBytes() : limits.maxEntryBytes();
        long budget = Math.min(cap, limits.maxTotalBytes() - total);
        // One byte more than allowed tells "too big" apart from "exactly at the limit".
        byte[] data = zip.readNBytes(Math.toIntExact(budget + 1));
        if (data.length > budget) {
          throw new InvalidModelException(
              source
                  + ": "
                  + name
                  + (data.length > cap
                      ? ": entry is larger than the limit of " + cap + " bytes"
                      : ": the archive holds more than the limit of " + totalLimit(limits)));
        }
        total += data.length;
        entries.put(name, data);
      }
      // What follows the last entry should be the central directory; keep it for the check.
      if (capture.drain(CentralDirectory.MAX_TAIL_BYTES + 1L) > CentralDirectory.MAX_TAIL_BYTES) {
        throw new InvalidModelException(
            source + ": corrupt ZIP archive (unexpected data after the last entry)");
      }
    } catch (ZipException | EOFException | IllegalArgumentException e) {
      // ZipInputStream reports malformed data, truncation and bad names in these three ways.
      throw new InvalidModelException(source + ": corrupt ZIP archive (" + e.getMessage() + ")", e);
    }
    String mismatch = CentralDirectory.mismatch(capture.tail(), entries);
    if (mismatch != null) {
      throw new InvalidModelException(source + ": corrupt ZIP archive (" + mismatch + ")");
    }
    return entries;
  }

  /** Verifies each file's checksum the first time a manifest field points to it. */
  private static final class VerifyingSource implements Manifest.TensorSource {
    private final String source;
    private final Map<String, byte[]> entries;
    private final Map<String, String> checksums;
    private final Set<String> used = new LinkedHashSet<>();

    VerifyingSource(String source, Map<String, byte[]> entries, Map<String, String> checksums) {
      this.source = source;
      this.entries = entries;
      this.checksums = checksums;
    }

    @Override
    public FloatTensor floats(String field, String path) throws InvalidModelException {
      byte[] data = verified(field, path);
      try {
        return Npy.readFloat(data);
      } catch (IllegalArgumentException e) {
        throw fail(field, path, e.getMessage(), e);
      }
    }

    @Override
    public IntTensor ints(String field, String path) throws InvalidModelException {
      byte[] data = verified(field, path);
      try {
        return Npy.readInt(data);
      } catch (IllegalArgumentException e) {
        throw fail(field, path, e.getMessage(), e);
      }
    }

    private byte[] verified(String field, String path) throws InvalidModelException {
      String expected = checksums.get(path);
      if (expected == null) {
        throw fail(field, path, "not listed in manifest files", null);
      }
      byte[] data = entries.get(path);
      if (used.add(path)) {
        String actual = sha256(data);
        if (!actual.equals(expected)) {
          throw fail(
              field,
              path,
              "checksum mismatch (manifest says sha256 "
                  + expected
                  + ", the file has "
                  + actual
                  + ")",
              null);
        }
      }
      return data;
    }

    /** A listed file nobody reads would be data whose meaning this reader does not know. */
    void requireAllUsed() throws InvalidModelException {
      for (String path : checksums.keySet()) {
        if (!used.contains(path)) {
          throw new InvalidModelException(
              source
                  + ": "
                  + path
                  + ": listed in manifest files but used by no layer and not a training/<name>.npy"
                  + " tensor");
        }
      }
    }

    private InvalidModelException fail(String field, String path, String why, Throwable cause) {
      return new InvalidModelException(source + ": " + field + " (" + path + "): " + why, cause);
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void putStored(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    // Stored, not deflated: float weights barely compress, and the bytes then do not depend on
    // the zlib version; numpy can also memory-map stored entries.
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(data.length);
    entry.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    entry.setCrc(crc.getValue());
    entry.setTimeLocal(ENTRY_TIME);
    zip.putNextEntry(entry);
    zip.write(data);
    zip.closeEntry();
  }

  /** Lowercase hex SHA-256, the form {@code hashlib.sha256(b).hexdigest()} prints. */
  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  private static String totalLimit(Limits limits) {
    long max = limits.maxTotalBytes();
    return max % (1 << 20) == 0 ? (max >> 20) + " MB" : max + " bytes";
  }
}
