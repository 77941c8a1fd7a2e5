package io.pinwheel.extractor;

/**
 * Whether JPEG and PNG bytes run to the end of the image they start.
 *
 * <p>OpenCV does not say: a JPEG cut in half decodes to a full-size image with grey where the data
 * stopped, and only libjpeg's warning on stderr tells. Both checks walk the file's structure rather
 * than look at the last bytes alone, so data appended after the end marker (motion-photo videos,
 * vendor trailers, zero padding) does not count as truncation.
 */
final class ImageEnds {
  private ImageEnds() {}

  /** Whether {@code b} starts like a JPEG: SOI then the first marker's 0xFF. */
  static boolean isJpeg(byte[] b) {
    return b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
  }

  /** Whether {@code b} starts with the PNG signature. */
  static boolean isPng(byte[] b) {
    return b.length >= 8
        && (b[0] & 0xFF) == 0x89
        && b[1] == 'P'
        && b[2] == 'N'
        && b[3] == 'G'
        && b[4] == 0x0D
        && b[5] == 0x0A
        && b[6] == 0x1A
        && b[7] == 0x0A;
  }

  /**
   * Whether the JPEG in {@code b} reaches its end-of-image marker (FF D9).
   *
   * <p>The common case, FF D9 as the last bytes once trailing zero padding is stripped, costs
   * nothing. Otherwise the marker segments are walked by their lengths and each scan's
   * entropy-coded data is skipped to the next real marker (inside it, 0xFF is always followed by a
   * stuffed 00 or a restart marker), so an FF D9 inside an embedded thumbnail or a table is not
   * mistaken for the end. Linear in the length of {@code b}.
   */
  static boolean jpegComplete(byte[] b) {
    int end = b.length;
    while (end > 0 && b[end - 1] == 0) {
      end--;
    }
    if (end >= 4 && (b[end - 2] & 0xFF) == 0xFF && (b[end - 1] & 0xFF) == 0xD9) {
      return true;
    }
    int pos = 2;
    while (pos < b.length) {
      // Stray bytes between segments are skipped by libjpeg (with a warning); so do we.
      while (pos < b.length && (b[pos] & 0xFF) != 0xFF) {
        pos++;
      }
      while (pos < b.length && (b[pos] & 0xFF) == 0xFF) {
        pos++;
      }
      if (pos >= b.length) {
        return false;
      }
      int marker = b[pos++] & 0xFF;
      if (marker == 0xD9) {
        return true;
      }
      if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
        continue;
      }
      if (pos + 2 > b.length) {
        return false;
      }
      int length = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
      if (length < 2 || pos + length > b.length) {
        return false;
      }
      pos += length;
      if (marker == 0xDA) {
        pos = skipEntropyCodedData(b, pos);
      }
    }
    return false;
  }

  /** The index of the 0xFF that starts the first marker after a scan's data, or b.length. */
  private static int skipEntropyCodedData(byte[] b, int pos) {
    while (pos + 1 < b.length) {
      if ((b[pos] & 0xFF) == 0xFF) {
        int next = b[pos + 1] & 0xFF;
        if (next != 0x00 && next != 0xFF && (next < 0xD0 || next > 0xD7)) {
          return pos;
        }
      }
      pos++;
    }
    return b.length;
  }

  /**
   * Whether the PNG in {@code b} reaches its IEND chunk, walking the chunks by their lengths (a
   * handful of jumps: the check does not read the image data).
   */
  static boolean pngComplete(byte[] b) {
    long pos = 8;
    while (pos + 8 <= b.length) {
      int p = (int) pos;
      long length =
          ((long) (b[p] & 0xFF) << 24)
              | ((b[p + 1] & 0xFF) << 16)
              | ((b[p + 2] & 0xFF) << 8)
              | (b[p + 3] & 0xFF);
      if (b[p + 4] == 'I' && b[p + 5] == 'E' && b[p + 6] == 'N' && b[p + 7] == 'D') {
        // IEND is empty; its CRC follows. A missing CRC is still an image that ended.
        return true;
      }
      // length + type + data + CRC; a chunk longer than the bytes left is where the file was cut.
      pos += 12 + length;
    }
    return false;
  }
}
