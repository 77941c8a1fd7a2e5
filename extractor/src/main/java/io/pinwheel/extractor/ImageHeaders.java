package io.pinwheel.extractor;

import java.util.Optional;

/**
 * Reads an image's width and height from its header without decoding it.
 *
 * <p>This is what lets {@link FrameDecoder} refuse a decompression bomb (a few kilobytes claiming
 * to be 100000x100000 pixels) before OpenCV allocates anything. Every parser reads a bounded number
 * of bytes, checks every index against the array length and gives up on anything it does not
 * understand: the bytes come from strangers.
 */
public final class ImageHeaders {
  /**
   * JPEG segments scanned before giving up; real files have a few dozen before the frame header.
   */
  private static final int MAX_JPEG_SEGMENTS = 4096;

  /** PNM header bytes read; a header longer than this is a comment flood, not an image. */
  private static final int MAX_PNM_HEADER = 4096;

  /** TIFF directory entries read; the first directory of a real file has a few dozen. */
  private static final int MAX_TIFF_ENTRIES = 4096;

  private ImageHeaders() {}

  /**
   * An image's size as its header states it.
   *
   * @param width columns, positive
   * @param height rows, positive
   * @param format the format's lowercase name: {@code png}, {@code jpeg}, {@code gif}, {@code bmp},
   *     {@code webp}, {@code pnm} (P1 to P6), {@code pam} (P7), {@code pfm}, {@code tiff}, {@code
   *     sunraster}, {@code hdr} (Radiance) or {@code jpeg2000}
   */
  public record Size(int width, int height, String format) {
    /** Validates the dimensions. */
    public Size {
      if (width < 1 || height < 1) {
        throw new IllegalArgumentException(
            "image size must be positive, got " + width + "x" + height);
      }
      java.util.Objects.requireNonNull(format, "format");
    }

    /** Width times height, without overflow. */
    public long pixels() {
      return (long) width * height;
    }
  }

  /**
   * The size stated by the header of {@code bytes}, or empty when the format is unknown, the header
   * is damaged or it states a size that is not positive. Never throws, whatever the bytes.
   *
   * <p>An empty result says nothing about whether OpenCV can decode the bytes; a present one says
   * nothing about whether the rest of the file is intact.
   */
  public static Optional<Size> probe(byte[] bytes) {
    if (bytes == null || bytes.length < 2) {
      return Optional.empty();
    }
    return Optional.ofNullable(probeFormats(bytes));
  }

  private static Size probeFormats(byte[] b) {
    if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return png(b);
    }
    if (startsWith(b, 0xFF, 0xD8)) {
      return jpeg(b);
    }
    if (startsWith(b, 'G', 'I', 'F', '8')) {
      return gif(b);
    }
    if (startsWith(b, 'B', 'M')) {
      return bmp(b);
    }
    if (startsWith(b, 'R', 'I', 'F', 'F') && matches(b, 8, 'W', 'E', 'B', 'P')) {
      return webp(b);
    }
    if (b[0] == 'P' && b[1] >= '1' && b[1] <= '6') {
      return pnm(b, "pnm");
    }
    if (b[0] == 'P' && (b[1] == 'F' || b[1] == 'f')) {
      return pnm(b, "pfm");
    }
    if (startsWith(b, 'P', '7')) {
      return pam(b);
    }
    if (startsWith(b, 0x59, 0xA6, 0x6A, 0x95)) {
      return b.length < 12 ? null : size(be32(b, 4), be32(b, 8), "sunraster");
    }
    if (startsWith(b, '#', '?')) {
      return hdr(b);
    }
    if (startsWith(b, 0xFF, 0x4F, 0xFF, 0x51)) {
      return j2kCodestream(b, 0);
    }
    if (startsWith(b, 0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A)) {
      return jp2(b);
    }
    if (startsWith(b, 'I', 'I', 42, 0)) {
      return tiff(b, true);
    }
    if (startsWith(b, 'M', 'M', 0, 42)) {
      return tiff(b, false);
    }
    return null;
  }

  /** The IHDR chunk must come first and holds big-endian width and height. */
  private static Size png(byte[] b) {
    if (b.length < 24 || !matches(b, 12, 'I', 'H', 'D', 'R')) {
      return null;
    }
    return size(be32(b, 16), be32(b, 20), "png");
  }

  /**
   * Walks the marker segments up to the first start-of-frame. SOF0..SOF15 are C0..CF except C4
   * (DHT), C8 (JPG) and CC (DAC), which share the range but carry tables.
   */
  private static Size jpeg(byte[] b) {
    int pos = 2;
    for (int segments = 0; segments < MAX_JPEG_SEGMENTS; segments++) {
      // Decoders skip stray bytes before a marker, and any number of 0xFF fill bytes.
      while (pos < b.length && (b[pos] & 0xFF) != 0xFF) {
        pos++;
      }
      while (pos < b.length && (b[pos] & 0xFF) == 0xFF) {
        pos++;
      }
      if (pos >= b.length) {
        return null;
      }
      int marker = b[pos] & 0xFF;
      pos++;
      if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {
        continue; // standalone markers have no length; 00 is a stuffed byte, garbage here
      }
      if (marker == 0xD9 || marker == 0xDA) {
        return null; // end of image or start of scan before any frame header
      }
      if (pos + 2 > b.length) {
        return null;
      }
      int length = be16(b, pos);
      if (length < 2) {
        return null;
      }
      boolean sof =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (sof) {
        // length(2) precision(1) height(2) width(2); height 0 means "set later by DNL": unknown.
        if (length < 7 || pos + 7 > b.length) {
          return null;
        }
        return size(be16(b, pos + 5), be16(b, pos + 3), "jpeg");
      }
      pos += length;
    }
    return null;
  }

  /** The logical screen size; frames cannot be larger in any decoder that matters. */
  private static Size gif(byte[] b) {
    if (b.length < 10
        || !(matches(b, 0, 'G', 'I', 'F', '8', '7', 'a')
            || matches(b, 0, 'G', 'I', 'F', '8', '9', 'a'))) {
      return null;
    }
    return size(le16(b, 6), le16(b, 8), "gif");
  }

  /**
   * BITMAPCOREHEADER (12 bytes) has 16-bit sizes; every later header (40 bytes and up) has signed
   * 32-bit ones, where a negative height means the rows are stored top-down.
   */
  private static Size bmp(byte[] b) {
    if (b.length < 18) {
      return null;
    }
    long headerSize = le32(b, 14);
    if (headerSize == 12) {
      return b.length < 22 ? null : size(le16(b, 18), le16(b, 20), "bmp");
    }
    if (headerSize < 40 || b.length < 26) {
      return null;
    }
    long width = (int) le32(b, 18);
    long height = Math.abs((long) (int) le32(b, 22));
    return size(width, height, "bmp");
  }

  /** The first chunk is VP8 (lossy), VP8L (lossless) or VP8X (extended, with the canvas size). */
  private static Size webp(byte[] b) {
    if (b.length < 30) {
      return null;
    }
    if (matches(b, 12, 'V', 'P', '8', ' ')) {
      // frame tag (3 bytes) then the key-frame start code 9D 01 2A, then 14-bit sizes.
      if (!matches(b, 23, 0x9D, 0x01, 0x2A)) {
        return null;
      }
      return size(le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF, "webp");
    }
    if (matches(b, 12, 'V', 'P', '8', 'L')) {
      if ((b[20] & 0xFF) != 0x2F) {
        return null;
      }
      long bits = le32(b, 21);
      return size((bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1, "webp");
    }
    if (matches(b, 12, 'V', 'P', '8', 'X')) {
      return size(le24(b, 24) + 1, le24(b, 27) + 1, "webp");
    }
    return null;
  }

  /**
   * "P1".."P6" (or PFM's "PF"/"Pf"), whitespace, then ASCII width and height, with '#' comments to
   * end of line.
   */
  private static Size pnm(byte[] b, String format) {
    int limit = Math.min(b.length, MAX_PNM_HEADER);
    int pos = 2;
    long[] dims = new long[2];
    for (int i = 0; i < 2; i++) {
      int start = pos;
      // Skip whitespace and comments; the magic number must be followed by whitespace.
      while (pos < limit) {
        int c = b[pos] & 0xFF;
        if (c == '#') {
          while (pos < limit && b[pos] != '\n' && b[pos] != '\r') {
            pos++;
          }
        } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C) {
          pos++;
        } else {
          break;
        }
      }
      if (pos == start || pos >= limit) {
        return null;
      }
      long value = 0;
      int digits = 0;
      while (pos < limit && b[pos] >= '0' && b[pos] <= '9') {
        value = value * 10 + (b[pos] - '0');
        pos++;
        if (++digits > 10) {
          return null;
        }
      }
      if (digits == 0) {
        return null;
      }
      dims[i] = value;
    }
    return size(dims[0], dims[1], format);
  }

  /** PAM: "P7", then lines of "TOKEN value" (WIDTH, HEIGHT, DEPTH, ...) up to ENDHDR. */
  private static Size pam(byte[] b) {
    String header = ascii(b, Math.min(b.length, MAX_PNM_HEADER));
    long width = -1;
    long height = -1;
    for (String line : header.split("\n", -1)) {
      String[] tokens = line.trim().split("[ \t\r]+");
      if (tokens[0].equals("ENDHDR")) {
        break;
      }
      if (tokens.length == 2 && tokens[0].equals("WIDTH")) {
        width = decimal(tokens[1]);
      } else if (tokens.length == 2 && tokens[0].equals("HEIGHT")) {
        height = decimal(tokens[1]);
      }
    }
    return size(width, height, "pam");
  }

  /**
   * Radiance HDR: "#?RADIANCE" (or "#?RGBE") and header lines up to an empty line, then the
   * resolution line, "-Y rows +X columns" in the standard orientation; the axes may be swapped.
   */
  private static Size hdr(byte[] b) {
    String header = ascii(b, Math.min(b.length, MAX_PNM_HEADER));
    if (!header.startsWith("#?RADIANCE") && !header.startsWith("#?RGBE")) {
      return null;
    }
    int blank = header.indexOf("\n\n");
    if (blank < 0) {
      return null;
    }
    int eol = header.indexOf('\n', blank + 2);
    if (eol < 0) {
      return null;
    }
    String[] t = header.substring(blank + 2, eol).trim().split(" +");
    if (t.length != 4 || t[0].length() != 2 || t[2].length() != 2) {
      return null;
    }
    long first = decimal(t[1]);
    long second = decimal(t[3]);
    char axis = t[0].charAt(1);
    if (axis == 'Y' && t[2].charAt(1) == 'X') {
      return size(second, first, "hdr");
    }
    if (axis == 'X' && t[2].charAt(1) == 'Y') {
      return size(first, second, "hdr");
    }
    return null;
  }

  /** JP2 boxes: the image header box (ihdr: height, width) inside the jp2h super-box. */
  private static Size jp2(byte[] b) {
    long pos = 0;
    long end = b.length;
    for (int boxes = 0; boxes < MAX_JPEG_SEGMENTS && pos + 8 <= end; boxes++) {
      int p = (int) pos;
      long length = be32(b, p);
      int header = 8;
      if (length == 1) {
        if (p + 16 > end) {
          return null;
        }
        length = (be32(b, p + 8) << 32) | be32(b, p + 12);
        header = 16;
      } else if (length == 0) {
        length = end - pos; // the box runs to the end of its container
      }
      if (length < header) {
        return null;
      }
      if (matches(b, p + 4, 'j', 'p', '2', 'h')) {
        // Descend: the super-box's children follow its header, within its length.
        end = Math.min(end, pos + length);
        pos += header;
        continue;
      }
      if (matches(b, p + 4, 'i', 'h', 'd', 'r')) {
        int q = p + header;
        return q + 8 > b.length ? null : size(be32(b, q + 4), be32(b, q), "jpeg2000");
      }
      if (matches(b, p + 4, 'j', 'p', '2', 'c')) {
        return p + header + 24 > b.length ? null : j2kCodestream(b, p + header);
      }
      pos += length;
    }
    return null;
  }

  /** A JPEG 2000 codestream's SIZ segment: Xsiz, Ysiz and the image offsets XOsiz, YOsiz. */
  private static Size j2kCodestream(byte[] b, int p) {
    if (p + 24 > b.length || !matches(b, p, 0xFF, 0x4F, 0xFF, 0x51)) {
      return null;
    }
    long width = be32(b, p + 8) - be32(b, p + 16);
    long height = be32(b, p + 12) - be32(b, p + 20);
    return size(width, height, "jpeg2000");
  }

  private static String ascii(byte[] b, int length) {
    return new String(b, 0, length, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** A non-negative decimal of at most 10 digits, or -1. */
  private static long decimal(String s) {
    if (s.isEmpty() || s.length() > 10) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** The ImageWidth (256) and ImageLength (257) entries of the first image file directory. */
  private static Size tiff(byte[] b, boolean little) {
    if (b.length < 8) {
      return null;
    }
    long ifd = u32(b, 4, little);
    if (ifd < 8 || ifd + 2 > b.length) {
      return null;
    }
    int pos = (int) ifd;
    int count = Math.min(u16(b, pos, little), MAX_TIFF_ENTRIES);
    pos += 2;
    long width = -1;
    long height = -1;
    for (int i = 0; i < count && pos + 12 <= b.length; i++, pos += 12) {
      int tag = u16(b, pos, little);
      int type = u16(b, pos + 2, little);
      if (tag != 256 && tag != 257) {
        continue;
      }
      long value;
      if (type == 3) { // SHORT: left-justified in the 4-byte value field
        value = u16(b, pos + 8, little);
      } else if (type == 4) { // LONG
        value = u32(b, pos + 8, little);
      } else {
        return null;
      }
      if (tag == 256) {
        width = value;
      } else {
        height = value;
      }
    }
    return size(width, height, "tiff");
  }

  private static Size size(long width, long height, String format) {
    if (width < 1 || height < 1 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
      return null;
    }
    return new Size((int) width, (int) height, format);
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    return matches(b, 0, prefix);
  }

  private static boolean matches(byte[] b, int offset, int... expected) {
    if (offset < 0 || offset + expected.length > b.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if ((b[offset + i] & 0xFF) != (expected[i] & 0xFF)) {
        return false;
      }
    }
    return true;
  }

  private static int be16(byte[] b, int p) {
    return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
  }

  private static long be32(byte[] b, int p) {
    return ((long) be16(b, p) << 16) | be16(b, p + 2);
  }

  private static int le16(byte[] b, int p) {
    return (b[p] & 0xFF) | ((b[p + 1] & 0xFF) << 8);
  }

  private static long le24(byte[] b, int p) {
    return le16(b, p) | ((long) (b[p + 2] & 0xFF) << 16);
  }

  private static long le32(byte[] b, int p) {
    return le16(b, p) | ((long) le16(b, p + 2) << 16);
  }

  private static int u16(byte[] b, int p, boolean little) {
    return little ? le16(b, p) : be16(b, p);
  }

  private static long u32(byte[] b, int p, boolean little) {
    return little ? le32(b, p) : be32(b, p);
  }
}
