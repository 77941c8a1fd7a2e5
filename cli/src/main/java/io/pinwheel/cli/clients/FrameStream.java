package io.pinwheel.cli.clients;

import java.io.IOException;

/** A source of encoded frames, read one at a time on the producing thread. Not thread-safe. */
public interface FrameStream extends AutoCloseable {
  /**
   * One frame as its image file's bytes, not yet decoded (an {@code io.pinwheel.extractor.Frame} is
   * what the decoder makes of them).
   *
   * @param bytes the encoded image (JPEG, PNG, ...), as it goes on the topic
   * @param captureTimeMs when it was captured or read, ms since the epoch
   */
  record EncodedFrame(byte[] bytes, long captureTimeMs) {}

  /**
   * Reads the next frame.
   *
   * @return the frame, or null at the end of the stream
   * @throws IOException if a file cannot be read
   */
  EncodedFrame next() throws IOException;

  /**
   * Says what is streamed, for messages.
   *
   * @return e.g. {@code 8 image files under samples/images}
   */
  String description();

  /** Releases the capture device or file; never throws. */
  @Override
  void close();
}
