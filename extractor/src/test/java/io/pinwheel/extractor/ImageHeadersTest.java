package io.pinwheel.extractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.pinwheel.extractor.ImageHeaders.Size;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opencv.imgcodecs.Imgcodecs;

class ImageHeadersTest {

  @Test
  void shouldReadPngSize() {
    assertThat(ImageHeaders.probe(TestImages.colorPng(37, 21))).contains(new Size(37, 21, "png"));
  }

  @Test
  void shouldReadBaselineJpegSize() {
    assertThat(ImageHeaders.probe(TestImages.colorJpeg(45, 19))).contains(new Size(45, 19, "jpeg"));
  }

  @Test
  void shouldReadProgressiveJpegSize() {
    assertThat(ImageHeaders.probe(TestImages.progressiveJpeg(45, 19)))
        .contains(new Size(45, 19, "jpeg"));
  }

  @Test
  void shouldNotTakeDhtJpgOrDacMarkersForFrameHeaders() {
    byte[] jpeg =
        bytes(
            0xFF, 0xD8, // SOI
            0xFF, 0xC4, 0x00, 0x09, 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, // DHT
            0xFF, 0xC8, 0x00, 0x09, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, // JPG
            0xFF, 0xCC, 0x00, 0x09, 0x08, 0x00, 0x02, 0x00, 0x02, 0x01, 0x01, // DAC
            0xFF, 0xC1, 0x00, 0x0B, 0x08, 0x01, 0x2C, 0x01, 0x90, 0x01, 0x01, 0x11, 0x00); // SOF1

    assertThat(ImageHeaders.probe(jpeg)).contains(new Size(400, 300, "jpeg"));
  }

  @Test
  void shouldSkipApplicationSegmentsByTheirLength() {
    // The APP1 payload holds bytes that look like a SOF0 claiming 1x1: they must be skipped.
    byte[] jpeg =
        bytes(
            0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x0D, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x01, 0x00,
            0x01, 0x03, 0x00, 0xFF, 0xFF, // fill bytes before a marker are allowed
            0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x20, 0x00, 0x30, 0x03, 0x01, 0x22, 0x00, 0x02,
            0x11, 0x01, 0x03, 0x11, 0x01);

    assertThat(ImageHeaders.probe(jpeg)).contains(new Size(48, 32, "jpeg"));
  }

  @Test
  void shouldReadGifLogicalScreenSize() {
    byte[] gif = bytes('G', 'I', 'F', '8', '9', 'a', 0x40, 0x01, 0xF0, 0x00, 0x00, 0x00, 0x00);

    assertThat(ImageHeaders.probe(gif)).contains(new Size(320, 240, "gif"));
  }

  @Test
  void shouldReadBmpSize() {
    assertThat(ImageHeaders.probe(TestImages.colorBmp(33, 17))).contains(new Size(33, 17, "bmp"));
  }

  @Test
  void shouldReadTopDownBmpHeightAsPositive() {
    byte[] bmp = TestImages.colorBmp(33, 17);
    // BITMAPINFOHEADER height at offset 22, little-endian: -17 means rows stored top-down.
    int negative = -17;
    for (int i = 0; i < 4; i++) {
      bmp[22 + i] = (byte) (negative >>> (8 * i));
    }

    assertThat(ImageHeaders.probe(bmp)).contains(new Size(33, 17, "bmp"));
  }

  @Test
  void shouldReadLossyWebpSize() {
    byte[] webp =
        TestImages.encode(
            ".webp", TestImages.bgr(41, 23), 41, 23, 3, Imgcodecs.IMWRITE_WEBP_QUALITY, 80);

    assertThat(new String(webp, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("VP8 ");
    assertThat(ImageHeaders.probe(webp)).contains(new Size(41, 23, "webp"));
  }

  @Test
  void shouldReadLosslessWebpSize() {
    byte[] webp =
        TestImages.encode(
            ".webp", TestImages.bgr(41, 23), 41, 23, 3, Imgcodecs.IMWRITE_WEBP_QUALITY, 101);

    assertThat(new String(webp, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("VP8L");
    assertThat(ImageHeaders.probe(webp)).contains(new Size(41, 23, "webp"));
  }

  @Test
  void shouldReadExtendedWebpCanvasSize() {
    byte[] webp = new byte[30];
    System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, webp, 0, 4);
    System.arraycopy("WEBPVP8X".getBytes(StandardCharsets.US_ASCII), 0, webp, 8, 8);
    // canvas width - 1 and height - 1, 24-bit little-endian, at 24 and 27.
    webp[24] = (byte) 0x7F;
    webp[25] = (byte) 0x07; // 1919 + 1 = 1920
    webp[27] = (byte) 0x37;
    webp[28] = (byte) 0x04; // 1079 + 1 = 1080

    assertThat(ImageHeaders.probe(webp)).contains(new Size(1920, 1080, "webp"));
  }

  @Test
  void shouldReadPnmSizeAcrossComments() {
    byte[] pgm = ascii("P5\n# made by hand\n  12\t# width\n7\n255\n");

    assertThat(ImageHeaders.probe(pgm)).contains(new Size(12, 7, "pnm"));
  }

  @Test
  void shouldReadPpmWrittenByOpenCv() {
    assertThat(ImageHeaders.probe(TestImages.encode(".ppm", TestImages.bgr(9, 5), 9, 5, 3)))
        .contains(new Size(9, 5, "pnm"));
  }

  @Test
  void shouldReadPamSize() {
    assertThat(ImageHeaders.probe(TestImages.encode(".pam", TestImages.bgr(9, 5), 9, 5, 3)))
        .contains(new Size(9, 5, "pam"));
  }

  @Test
  void shouldReadPfmSize() {
    assertThat(ImageHeaders.probe(TestImages.encode(".pfm", TestImages.bgr(9, 5), 9, 5, 3)))
        .contains(new Size(9, 5, "pfm"));
  }

  @Test
  void shouldReadSunRasterSize() {
    assertThat(ImageHeaders.probe(TestImages.encode(".ras", TestImages.bgr(9, 5), 9, 5, 3)))
        .contains(new Size(9, 5, "sunraster"));
  }

  @Test
  void shouldReadRadianceHdrSize() {
    assertThat(ImageHeaders.probe(TestImages.encode(".hdr", TestImages.bgr(9, 5), 9, 5, 3)))
        .contains(new Size(9, 5, "hdr"));
  }

  @Test
  void shouldReadLittleEndianTiffSize() {
    assertThat(ImageHeaders.probe(TestImages.encode(".tiff", TestImages.bgr(9, 5), 9, 5, 3)))
        .contains(new Size(9, 5, "tiff"));
  }

  @Test
  void shouldReadBigEndianTiffSize() {
    byte[] tiff =
        bytes(
            'M', 'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // header, first IFD at 8
            0x00, 0x02, // two entries
            0x01, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x02, 0x80, 0x00, 0x00, // width 640
            0x01, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0xE0, // height 480
            0x00, 0x00, 0x00, 0x00);

    assertThat(ImageHeaders.probe(tiff)).contains(new Size(640, 480, "tiff"));
  }

  @Test
  void shouldReadJpeg2000CodestreamSize() {
    byte[] j2k =
        bytes(
            0xFF, 0x4F, 0xFF, 0x51, 0x00, 0x29, 0x00, 0x00, // SOC, SIZ, Lsiz, Rsiz
            0x00, 0x00, 0x03, 0x20, 0x00, 0x00, 0x02, 0x58, // Xsiz 800, Ysiz 600
            0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x32); // XOsiz 100, YOsiz 50

    assertThat(ImageHeaders.probe(j2k)).contains(new Size(700, 550, "jpeg2000"));
  }

  @Test
  void shouldReadJp2ImageHeaderBox() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(bytes(0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A));
    out.writeBytes(bytes(0, 0, 0, 0x14, 'f', 't', 'y', 'p', 'j', 'p', '2', ' ', 0, 0, 0, 0));
    out.writeBytes(bytes('j', 'p', '2', ' '));
    out.writeBytes(bytes(0, 0, 0, 0x1E, 'j', 'p', '2', 'h'));
    out.writeBytes(bytes(0, 0, 0, 0x16, 'i', 'h', 'd', 'r'));
    out.writeBytes(bytes(0, 0, 0x04, 0x38, 0, 0, 0x07, 0x80, 0, 3, 7, 7, 0, 0));

    assertThat(ImageHeaders.probe(out.toByteArray())).contains(new Size(1920, 1080, "jpeg2000"));
  }

  @Test
  void shouldReturnEmptyForUnknownFormat() {
    assertThat(ImageHeaders.probe(ascii("hello, this is not an image"))).isEmpty();
  }

  @Test
  void shouldReturnEmptyForNullAndTooShortInput() {
    assertThat(ImageHeaders.probe(null)).isEmpty();
    assertThat(ImageHeaders.probe(new byte[0])).isEmpty();
    assertThat(ImageHeaders.probe(new byte[] {(byte) 0xFF})).isEmpty();
  }

  @Test
  void shouldReturnEmptyForZeroWidth() {
    assertThat(ImageHeaders.probe(TestImages.pngHeaderOnly(0, 10))).isEmpty();
  }

  @Test
  void shouldReturnEmptyForEveryPrefixShorterThanTheHeader() {
    for (byte[] image : samples()) {
      Optional<Size> full = ImageHeaders.probe(image);
      assertThat(full).isPresent();
      for (int n = 0; n < Math.min(image.length, 64); n++) {
        Optional<Size> cut = ImageHeaders.probe(TestImages.prefix(image, n));
        assertThat(cut.isEmpty() || cut.equals(full))
            .as("a %d-byte prefix of %s", n, full.get())
            .isTrue();
      }
    }
  }

  @Test
  void shouldNeverThrowOnRandomOrMutatedBytes() {
    List<byte[]> seeds = samples();
    Random rnd = new Random(20240611);
    for (int i = 0; i < 20_000; i++) {
      byte[] input =
          i % 4 == 0
              ? TestImages.randomBytes(rnd, rnd.nextInt(64))
              : TestImages.mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
      assertThatCode(() -> ImageHeaders.probe(input)).doesNotThrowAnyException();
    }
  }

  /** One small image of every format OpenCV encodes here. */
  private static List<byte[]> samples() {
    byte[] bgr = TestImages.bgr(12, 8);
    return List.of(
        TestImages.colorPng(12, 8),
        TestImages.colorJpeg(12, 8),
        TestImages.progressiveJpeg(12, 8),
        TestImages.colorBmp(12, 8),
        TestImages.encode(".webp", bgr, 12, 8, 3, Imgcodecs.IMWRITE_WEBP_QUALITY, 80),
        TestImages.encode(".webp", bgr, 12, 8, 3, Imgcodecs.IMWRITE_WEBP_QUALITY, 101),
        TestImages.encode(".ppm", bgr, 12, 8, 3),
        TestImages.encode(".pam", bgr, 12, 8, 3),
        TestImages.encode(".pfm", bgr, 12, 8, 3),
        TestImages.encode(".ras", bgr, 12, 8, 3),
        TestImages.encode(".hdr", bgr, 12, 8, 3),
        TestImages.encode(".tiff", bgr, 12, 8, 3));
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
