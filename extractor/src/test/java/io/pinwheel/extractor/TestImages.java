package io.pinwheel.extractor;

import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;

/**
 * Real encoded images made on the fly with OpenCV's encoders from synthetic content, so no image
 * file is committed and every test knows the exact pixels it started from. In the extractor's
 * test-jar: the other modules' tests make their images here too.
 */
public final class TestImages {
  static {
    OpenCv.load();
  }

  private TestImages() {}

  /**
   * Interleaved BGR pixels: blue a horizontal ramp, green a vertical ramp, red a diagonal grating
   * with a period of 8 pixels. Smooth enough for JPEG, varied enough that a wrong plane order, a
   * transposition or a shift shows.
   */
  public static byte[] bgr(int width, int height) {
    byte[] p = new byte[width * height * 3];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = (y * width + x) * 3;
        p[i] = (byte) (width == 1 ? 0 : x * 255 / (width - 1));
        p[i + 1] = (byte) (height == 1 ? 0 : y * 255 / (height - 1));
        p[i + 2] = (byte) Math.round(127.5 + 127.5 * Math.sin(2 * Math.PI * (x + y) / 8.0));
      }
    }
    return p;
  }

  /** Gray pixels: a vertical grating with a period of 6 pixels over a horizontal ramp. */
  public static byte[] gray(int width, int height) {
    byte[] p = new byte[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double ramp = width == 1 ? 0 : 160.0 * x / (width - 1);
        p[y * width + x] = (byte) Math.round(ramp + 47.5 + 47.5 * Math.sin(2 * Math.PI * y / 6.0));
      }
    }
    return p;
  }

  /** A Mat of type CV_8UC(channels) holding {@code pixels}; the caller releases it. */
  public static Mat mat(byte[] pixels, int width, int height, int channels) {
    Mat m = new Mat(height, width, CvType.CV_8UC(channels));
    m.put(0, 0, pixels);
    return m;
  }

  /** {@code pixels} encoded by OpenCV as {@code extension} (".png", ".jpg", ...). */
  public static byte[] encode(
      String extension, byte[] pixels, int width, int height, int channels, int... params) {
    Mat m = mat(pixels, width, height, channels);
    MatOfByte out = new MatOfByte();
    MatOfInt flags = new MatOfInt(params);
    try {
      if (!org.opencv.imgcodecs.Imgcodecs.imencode(extension, m, out, flags)) {
        throw new IllegalStateException("OpenCV cannot encode " + extension);
      }
      return out.toArray();
    } finally {
      m.release();
      out.release();
      flags.release();
    }
  }

  /**
   * A 160x120 colour picture of oblique gratings and a bright disc, encoded as {@code extension}
   * (".png", ".jpg", ...): edges in many orientations, so that every orientation-selective encoder
   * has something to answer.
   */
  public static byte[] gratingsAndDisc(String extension) {
    int h = 120;
    int w = 160;
    byte[] pixels = new byte[h * w * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double v = 0.5 + 0.25 * Math.sin(2 * Math.PI * (x * 0.8 + y * 0.6) / 7);
        v += 0.2 * Math.sin(2 * Math.PI * (x * 0.2 - y * 0.98) / 11);
        if (Math.hypot(x - 100, y - 50) < 25) {
          v = 0.95;
        }
        int value = (int) Math.round(255 * Math.max(0, Math.min(1, v)));
        for (int c = 0; c < 3; c++) {
          pixels[(y * w + x) * 3 + c] = (byte) (c == 2 ? 255 - value : value);
        }
      }
    }
    return encode(extension, pixels, w, h, 3);
  }

  /** A colour PNG of {@link #bgr}. */
  public static byte[] colorPng(int width, int height) {
    return encode(".png", bgr(width, height), width, height, 3);
  }

  /** A gray PNG of {@link #gray}. */
  public static byte[] grayPng(int width, int height) {
    return encode(".png", gray(width, height), width, height, 1);
  }

  /** A colour baseline JPEG of {@link #bgr} at quality 95. */
  public static byte[] colorJpeg(int width, int height) {
    return encode(
        ".jpg",
        bgr(width, height),
        width,
        height,
        3,
        org.opencv.imgcodecs.Imgcodecs.IMWRITE_JPEG_QUALITY,
        95);
  }

  /** A colour progressive JPEG of {@link #bgr} at quality 90. */
  public static byte[] progressiveJpeg(int width, int height) {
    return encode(
        ".jpg",
        bgr(width, height),
        width,
        height,
        3,
        org.opencv.imgcodecs.Imgcodecs.IMWRITE_JPEG_PROGRESSIVE,
        1);
  }

  /** A colour BMP of {@link #bgr}. */
  public static byte[] colorBmp(int width, int height) {
    return encode(".bmp", bgr(width, height), width, height, 3);
  }

  /** The first {@code length} bytes of {@code bytes}. */
  public static byte[] prefix(byte[] bytes, int length) {
    return java.util.Arrays.copyOf(bytes, length);
  }

  /** Big-endian 32-bit {@code value} written at {@code offset}. */
  public static void putBe32(byte[] b, int offset, long value) {
    b[offset] = (byte) (value >>> 24);
    b[offset + 1] = (byte) (value >>> 16);
    b[offset + 2] = (byte) (value >>> 8);
    b[offset + 3] = (byte) value;
  }

  /** Big-endian 16-bit {@code value} written at {@code offset}. */
  public static void putBe16(byte[] b, int offset, int value) {
    b[offset] = (byte) (value >>> 8);
    b[offset + 1] = (byte) value;
  }

  /** The offset of the first SOF0/SOF2 marker (FF C0 or FF C2) in an OpenCV-written JPEG. */
  public static int sofOffset(byte[] jpeg) {
    for (int i = 2; i + 1 < jpeg.length; i++) {
      int m = jpeg[i + 1] & 0xFF;
      if ((jpeg[i] & 0xFF) == 0xFF && (m == 0xC0 || m == 0xC2)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no SOF0/SOF2 marker");
  }

  /** A copy of {@code jpeg} whose frame header claims {@code width} x {@code height}. */
  public static byte[] withJpegSize(byte[] jpeg, int width, int height) {
    byte[] b = jpeg.clone();
    int sof = sofOffset(b);
    // marker(2) length(2) precision(1) height(2) width(2)
    putBe16(b, sof + 5, height);
    putBe16(b, sof + 7, width);
    return b;
  }

  /**
   * A structurally complete PNG (signature, IHDR, one empty IDAT, IEND; CRCs not checked here)
   * whose header claims {@code width} x {@code height}.
   */
  public static byte[] pngHeaderOnly(long width, long height) {
    byte[] b = new byte[8 + 25 + 12 + 12];
    byte[] sig = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    System.arraycopy(sig, 0, b, 0, 8);
    putBe32(b, 8, 13);
    b[12] = 'I';
    b[13] = 'H';
    b[14] = 'D';
    b[15] = 'R';
    putBe32(b, 16, width);
    putBe32(b, 20, height);
    b[24] = 8; // bit depth
    b[25] = 2; // colour type: RGB
    putBe32(b, 33, 0);
    b[37] = 'I';
    b[38] = 'D';
    b[39] = 'A';
    b[40] = 'T';
    putBe32(b, 45, 0);
    b[49] = 'I';
    b[50] = 'E';
    b[51] = 'N';
    b[52] = 'D';
    return b;
  }

  /**
   * {@code seed} damaged the ways real uploads and attackers damage files: bytes flipped or set to
   * boundary values, cut short, spliced with random bytes, or a stretch repeated.
   */
  public static byte[] mutate(byte[] seed, java.util.Random rnd) {
    byte[] b = seed.clone();
    int edits = 1 + rnd.nextInt(6);
    for (int e = 0; e < edits && b.length > 0; e++) {
      int at = rnd.nextInt(b.length);
      switch (rnd.nextInt(6)) {
        case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
        case 1 -> b[at] = (byte) new int[] {0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE}[rnd.nextInt(6)];
        case 2 -> b = java.util.Arrays.copyOf(b, Math.max(1, at));
        case 3 -> {
          byte[] junk = new byte[1 + rnd.nextInt(16)];
          rnd.nextBytes(junk);
          byte[] out = new byte[b.length + junk.length];
          System.arraycopy(b, 0, out, 0, at);
          System.arraycopy(junk, 0, out, at, junk.length);
          System.arraycopy(b, at, out, at + junk.length, b.length - at);
          b = out;
        }
        case 4 -> {
          int len = Math.min(b.length - at, 1 + rnd.nextInt(64));
          byte[] out = new byte[b.length + len];
          System.arraycopy(b, 0, out, 0, at + len);
          System.arraycopy(b, at, out, at + len, b.length - at);
          b = out;
        }
        default -> {
          // A header field set to an extreme: width, height or a length.
          int v = rnd.nextBoolean() ? 0xFF : 0x00;
          for (int i = at; i < Math.min(b.length, at + 4); i++) {
            b[i] = (byte) v;
          }
        }
      }
    }
    return b;
  }

  /** {@code length} random bytes, half the time behind a random known magic number. */
  public static byte[] randomBytes(java.util.Random rnd, int length) {
    byte[] b = new byte[length];
    rnd.nextBytes(b);
    if (rnd.nextBoolean()) {
      byte[][] magics = {
        {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A},
        {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF},
        {'G', 'I', 'F', '8', '9', 'a'},
        {'B', 'M'},
        {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8'},
        {'P', '6', ' '},
        {'P', '7', '\n'},
        {'I', 'I', 42, 0},
        {'M', 'M', 0, 42},
        {'#', '?', 'R', 'A', 'D', 'I', 'A', 'N', 'C', 'E', '\n'},
        {(byte) 0xFF, 0x4F, (byte) 0xFF, 0x51},
        {0x59, (byte) 0xA6, 0x6A, (byte) 0x95}
      };
      byte[] magic = magics[rnd.nextInt(magics.length)];
      System.arraycopy(magic, 0, b, 0, Math.min(magic.length, b.length));
    }
    return b;
  }
}
