package io.pinwheel.extractor.model;

import java.io.IOException;
import java.nio.file.Path;

/** Reads and writes encoder files (format v1, docs/encoder-format.md). SKELETON: being written. */
public final class EncoderFile {
  private EncoderFile() {}

  /** Reads and fully verifies the encoder file at {@code path}. */
  public static EncoderModel read(Path path) throws IOException, InvalidModelException {
    throw new UnsupportedOperationException("skeleton");
  }

  /** Reads and fully verifies an encoder file held in memory; {@code source} names it in errors. */
  public static EncoderModel read(byte[] bytes, String source) throws InvalidModelException {
    throw new UnsupportedOperationException("skeleton");
  }

  /** The encoder file bytes of {@code model}. */
  public static byte[] toBytes(EncoderModel model) {
    throw new UnsupportedOperationException("skeleton");
  }

  /** Writes {@code model} to {@code path} atomically (temp file + rename). */
  public static void write(EncoderModel model, Path path) throws IOException {
    throw new UnsupportedOperationException("skeleton");
  }
}
