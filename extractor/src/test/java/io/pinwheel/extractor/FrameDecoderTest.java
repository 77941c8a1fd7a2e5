package io.pinwheel.extractor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.extractor.FrameDecodeException.Reason;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.Normalization;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

class FrameDecoderTest {
  private static final Normalization NONE = new Normalization.None();
  private static final java.nio.charset.Charset UTF8 = java.nio.charset.StandardCharsets.UTF_8;

  @BeforeAll
  static void loadOpenCv() {
    // Some tests build Mats before any decoder exists.
    OpenCv.load();
  }

  @Test
  void shouldDecodePngToSpecSizeWithValuesInUnitRange() throws Exception {
    Frame frame = decoder(32, 40, 3).decode(TestImages.colorPng(64, 48));

    assertShape(frame, 3, 32, 40);
    assertInUnitRange(frame);
  }

  @Test
  void shouldDecodeJpegToSpecSizeWithValuesInUnitRange() throws Exception {
    Frame frame = decoder(24, 24, 1).decode(TestImages.colorJpeg(64, 48));

    assertShape(frame, 1, 24, 24);
    assertInUnitRange(frame);
  }

  @Test
  void shouldKeepExactPixelOverTwoFiftyFiveInBgrPlanesWhenSizesMatch() throws Exception {
    byte[] bgr = TestImages.bgr(20, 10);

    Frame frame = decoder(10, 20, 3).decode(TestImages.colorPng(20, 10));

    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 10; y++) {
        for (int x = 0; x < 20; x++) {
          float expected = (bgr[(y * 20 + x) * 3 + c] & 0xFF) / 255f;
          assertThat(frame.get(c, y, x)).as("c%d y%d x%d", c, y, x).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void shouldResizeWithInterAreaWhenSizesDiffer() throws Exception {
    Mat source = TestImages.mat(TestImages.bgr(64, 48), 64, 48, 3);
    Mat resized = new Mat();
    Imgproc.resize(source, resized, new Size(30, 20), 0, 0, Imgproc.INTER_AREA);
    byte[] expected = new byte[20 * 30 * 3];
    resized.get(0, 0, expected);
    source.release();
    resized.release();

    Frame frame = decoder(20, 30, 3).decode(TestImages.colorPng(64, 48));

    assertShape(frame, 3, 20, 30);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 20; y++) {
        for (int x = 0; x < 30; x++) {
          assertThat(frame.get(c, y, x)).isEqualTo((expected[(y * 30 + x) * 3 + c] & 0xFF) / 255f);
        }
      }
    }
  }

  @Test
  void shouldReplicateGrayPngIntoThreeEqualChannels() throws Exception {
    byte[] gray = TestImages.gray(20, 10);

    Frame frame = decoder(10, 20, 3).decode(TestImages.grayPng(20, 10));

    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 20; x++) {
        float expected = (gray[y * 20 + x] & 0xFF) / 255f;
        for (int c = 0; c < 3; c++) {
          assertThat(frame.get(c, y, x)).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void shouldConvertColorImageToItsGrayConversionForOneChannelSpec() throws Exception {
    Mat source = TestImages.mat(TestImages.bgr(20, 10), 20, 10, 3);
    Mat gray = new Mat();
    Imgproc.cvtColor(source, gray, Imgproc.COLOR_BGR2GRAY);
    byte[] expected = new byte[200];
    gray.get(0, 0, expected);
    source.release();
    gray.release();

    Frame frame = decoder(10, 20, 1).decode(TestImages.colorPng(20, 10));

    // libpng's own RGB-to-gray uses the same weights as cvtColor but may round differently.
    for (int y = 0; y < 10; y++) {
      for (int x = 0; x < 20; x++) {
        assertThat(frame.get(0, y, x))
            .isCloseTo((expected[y * 20 + x] & 0xFF) / 255f, within(1.01f / 255));
      }
    }
  }

  @Test
  void shouldApplyTheSpecNormalization() throws Exception {
    byte[] gray = TestImages.gray(8, 6);
    InputSpec spec = new InputSpec(6, 8, 1, new Normalization.Standardize(0.5f, 0.25f));

    Frame frame = new FrameDecoder(spec).decode(TestImages.grayPng(8, 6));

    assertThat(frame.get(0, 3, 5)).isEqualTo(((gray[3 * 8 + 5] & 0xFF) / 255f - 0.5f) / 0.25f);
  }

  static Stream<String> losslessFormats() {
    return Stream.of(".bmp", ".tiff", ".ppm", ".ras", ".webp");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("losslessFormats")
  void shouldDecodeOtherLosslessFormatsExactly(String extension) throws Exception {
    byte[] bgr = TestImages.bgr(12, 8);
    int[] params =
        extension.equals(".webp") ? new int[] {Imgcodecs.IMWRITE_WEBP_QUALITY, 101} : new int[0];

    Frame frame = decoder(8, 12, 3).decode(TestImages.encode(extension, bgr, 12, 8, 3, params));

    assertThat(frame.get(2, 5, 7)).isEqualTo((bgr[(5 * 12 + 7) * 3 + 2] & 0xFF) / 255f);
    assertThat(frame.get(0, 7, 11)).isEqualTo((bgr[(7 * 12 + 11) * 3] & 0xFF) / 255f);
  }

  @Test
  void shouldKeepTheHighByteOfSixteenBitPng() throws Exception {
    Mat wide = new Mat(4, 5, CvType.CV_16UC1, new Scalar(200 * 257));
    byte[] png = encode(".png", wide);

    Frame frame = decoder(4, 5, 1).decode(png);

    assertThat(frame.toArray()).containsOnly(200 / 255f);
  }

  @Test
  void shouldDropTheAlphaChannel() throws Exception {
    Mat bgra = new Mat(4, 5, CvType.CV_8UC4, new Scalar(10, 20, 30, 0));
    byte[] png = encode(".png", bgra);

    Frame frame = decoder(4, 5, 3).decode(png);

    assertThat(frame.get(0, 1, 1)).isEqualTo(10 / 255f);
    assertThat(frame.get(1, 1, 1)).isEqualTo(20 / 255f);
    assertThat(frame.get(2, 1, 1)).isEqualTo(30 / 255f);
  }

  @Test
  void shouldRefuseEmptyBytes() {
    assertRefused(decoder(8, 8, 1), new byte[0], Reason.EMPTY, "no image bytes (0 bytes)");
  }

  @Test
  void shouldRefuseNullBytes() {
    assertRefused(decoder(8, 8, 1), null, Reason.EMPTY, "no image bytes");
  }

  @Test
  void shouldRefuseRandomBytesAsUndecodable() {
    byte[] random = new byte[123];
    new Random(5).nextBytes(random);
    random[0] = 0x12;
    random[1] = 0x34;

    FrameDecodeException e = refusal(decoder(8, 8, 1), random);

    assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE);
    assertThat(e.getMessage())
        .startsWith("cannot decode 123 bytes as an image (starts with 0x12 0x34 ")
        .contains("OpenCV reads JPEG, PNG");
  }

  @Test
  void shouldRefuseGifSayingWhatItIs() {
    byte[] gif = {'G', 'I', 'F', '8', '9', 'a', 0x40, 0x01, (byte) 0xF0, 0x00, 0, 0, 0, 0x3B};

    FrameDecodeException e = refusal(decoder(8, 8, 1), gif);

    assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE);
    assertThat(e.getMessage()).contains("a 320x240 GIF header").contains("not GIF");
  }

  @Test
  void shouldRefuseTruncatedJpeg() {
    byte[] jpeg = TestImages.colorJpeg(64, 48);
    byte[] cut = TestImages.prefix(jpeg, jpeg.length / 2);

    assertRefused(
        decoder(16, 16, 3),
        cut,
        Reason.TRUNCATED,
        "JPEG ends without its end-of-image marker: truncated after " + cut.length + " bytes");
  }

  @Test
  void shouldDecodeTruncatedJpegWhenAccepted() throws Exception {
    byte[] jpeg = TestImages.colorJpeg(64, 48);
    FrameDecoder lenient =
        new FrameDecoder(
            new InputSpec(16, 16, 3, NONE),
            DecoderOptions.defaults().withAcceptTruncatedJpeg(true));

    Frame frame = lenient.decode(TestImages.prefix(jpeg, jpeg.length / 2));

    assertShape(frame, 3, 16, 16);
  }

  @Test
  void shouldAcceptJpegWithDataAfterTheEndMarker() throws Exception {
    byte[] jpeg = TestImages.colorJpeg(64, 48);
    ByteArrayOutputStream withTrailer = new ByteArrayOutputStream();
    withTrailer.writeBytes(jpeg);
    withTrailer.writeBytes("ftypmp42 an appended motion-photo video".getBytes(UTF8));
    FrameDecoder decoder = decoder(16, 16, 3);

    assertThat(decoder.decode(withTrailer.toByteArray())).isEqualTo(decoder.decode(jpeg));
  }

  @Test
  void shouldAcceptJpegPaddedWithZeros() throws Exception {
    byte[] jpeg = TestImages.colorJpeg(64, 48);
    FrameDecoder decoder = decoder(16, 16, 3);

    assertThat(decoder.decode(Arrays.copyOf(jpeg, jpeg.length + 300)))
        .isEqualTo(decoder.decode(jpeg));
  }

  @Test
  void shouldRefuseTruncatedPng() {
    byte[] png = TestImages.colorPng(64, 48);

    assertRefused(
        decoder(16, 16, 3),
        TestImages.prefix(png, png.length * 3 / 5),
        Reason.TRUNCATED,
        "PNG ends without its IEND chunk");
  }

  @Test
  void shouldRefusePngCutJustBeforeItsIendChunk() {
    byte[] png = TestImages.colorPng(64, 48);

    assertRefused(
        decoder(16, 16, 3),
        TestImages.prefix(png, png.length - 12),
        Reason.TRUNCATED,
        "PNG ends without its IEND chunk: truncated after " + (png.length - 12) + " bytes");
  }

  @Test
  void shouldRefuseBareJpegMarker() {
    assertRefused(
        decoder(8, 8, 1),
        new byte[] {(byte) 0xFF, (byte) 0xD8},
        Reason.UNDECODABLE,
        "cannot decode 2 bytes as an image (starts with 0xFF 0xD8;");
  }

  @Test
  void shouldRefuseHugePngHeaderWithoutDecoding() {
    // The bytes hold no image data: a full decode would fail as UNDECODABLE, so TOO_LARGE with
    // the header's size proves the refusal came from the header alone.
    assertRefused(
        decoder(8, 8, 1),
        TestImages.pngHeaderOnly(100_000, 100_000),
        Reason.TOO_LARGE,
        "image is 100000x100000 = 10000.0 megapixels, over the 50.0 megapixel limit");
  }

  @Test
  void shouldRefuseJpegFrameHeaderClaimingSixtyThousandSquare() {
    byte[] bomb = TestImages.withJpegSize(TestImages.colorJpeg(64, 48), 60_000, 60_000);

    assertRefused(
        decoder(8, 8, 1),
        bomb,
        Reason.TOO_LARGE,
        "image is 60000x60000 = 3600.0 megapixels, over the 50.0 megapixel limit");
  }

  @Test
  void shouldRefuseBytesOverMaxBytes() {
    FrameDecoder small =
        new FrameDecoder(new InputSpec(8, 8, 1, NONE), DecoderOptions.defaults().withMaxBytes(100));
    byte[] png = TestImages.colorPng(64, 48);

    assertRefused(
        small,
        png,
        Reason.TOO_LARGE,
        "image is " + png.length + " bytes, over the 100-byte limit (maxBytes)");
  }

  @Test
  void shouldRefuseDecodedImageOverMaxPixelsWhenTheHeaderIsUnreadable() {
    // 5000 empty comment segments before the frame header: more than the header probe reads,
    // nothing libjpeg minds. Only the size after decoding can catch this one.
    byte[] jpeg = TestImages.colorJpeg(64, 48);
    ByteArrayOutputStream padded = new ByteArrayOutputStream();
    padded.write(jpeg, 0, 2);
    for (int i = 0; i < 5000; i++) {
      padded.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE, 0x00, 0x02});
    }
    padded.write(jpeg, 2, jpeg.length - 2);
    byte[] bytes = padded.toByteArray();
    assertThat(ImageHeaders.probe(bytes)).isEmpty();
    FrameDecoder strict =
        new FrameDecoder(
            new InputSpec(8, 8, 1, NONE), DecoderOptions.defaults().withMaxPixels(1000));

    assertRefused(
        strict,
        bytes,
        Reason.TOO_LARGE,
        "image is 64x48 = 0.003 megapixels, over the 0.001 megapixel limit");
  }

  @Test
  void shouldDecodeReducedJpegCloseToFullDecode() throws Exception {
    byte[] jpeg = TestImages.colorJpeg(512, 384);
    InputSpec spec = new InputSpec(48, 64, 1, NONE);
    FrameDecoder full = new FrameDecoder(spec, DecoderOptions.fullResolution());
    FrameDecoder reduced =
        new FrameDecoder(spec, DecoderOptions.defaults().withReducedJpegDecode(true));

    float[] a = full.decode(jpeg).toArray();
    float[] b = reduced.decode(jpeg).toArray();

    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs(a[i] - b[i]);
    }
    assertThat(sum / a.length).isLessThan(1.0 / 255);
  }

  @Test
  void shouldDecodeLargeJpegAtReducedScaleByDefault() throws Exception {
    byte[] jpeg = TestImages.colorJpeg(512, 384);
    InputSpec spec = new InputSpec(48, 64, 1, NONE);
    float[] reduced =
        new FrameDecoder(spec, DecoderOptions.defaults().withReducedJpegDecode(true))
            .decode(jpeg)
            .toArray();
    float[] full = new FrameDecoder(spec, DecoderOptions.fullResolution()).decode(jpeg).toArray();

    float[] byDefault = new FrameDecoder(spec).decode(jpeg).toArray();

    assertThat(byDefault).containsExactly(reduced);
    assertThat(byDefault).isNotEqualTo(full);
  }

  @Test
  void shouldReduceByTheLargestFactorThatKeepsBothSidesAtLeastTheFrame() {
    FrameDecoder decoder = new FrameDecoder(new InputSpec(96, 96, 1, NONE));

    assertThat(decoder.jpegReduction(1920, 1080)).isEqualTo(8);
    assertThat(decoder.jpegReduction(1280, 720)).isEqualTo(4);
    assertThat(decoder.jpegReduction(640, 480)).isEqualTo(4);
    assertThat(decoder.jpegReduction(300, 200)).isEqualTo(2);
    assertThat(decoder.jpegReduction(1000, 191)).isEqualTo(1);
  }

  @Test
  void shouldNotReduceWhenReducedDecodingIsOff() {
    FrameDecoder decoder =
        new FrameDecoder(new InputSpec(96, 96, 1, NONE), DecoderOptions.fullResolution());

    assertThat(decoder.jpegReduction(1920, 1080)).isEqualTo(1);
  }

  @Test
  void shouldDecodeTheSameFrameFromManyThreads() throws Exception {
    FrameDecoder decoder = new FrameDecoder(new InputSpec(24, 32, 3, new Normalization.Lcn(2)));
    byte[] jpeg = TestImages.colorJpeg(200, 150);
    Frame expected = decoder.decode(jpeg);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Frame>> frames = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        frames.add(pool.submit(() -> decoder.decode(jpeg)));
      }
      for (Future<Frame> f : frames) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldThrowNothingButFrameDecodeExceptionOnRandomOrMutatedInput() {
    FrameDecoder gray =
        new FrameDecoder(
            new InputSpec(16, 16, 1, new Normalization.Lcn(1)),
            DecoderOptions.defaults().withMaxPixels(4_000_000));
    FrameDecoder color =
        new FrameDecoder(
            new InputSpec(16, 16, 3, NONE),
            DecoderOptions.defaults().withMaxPixels(4_000_000).withAcceptTruncatedJpeg(true));
    byte[] bgr = TestImages.bgr(24, 16);
    List<byte[]> seeds =
        List.of(
            TestImages.colorPng(24, 16),
            TestImages.grayPng(24, 16),
            TestImages.colorJpeg(24, 16),
            TestImages.progressiveJpeg(24, 16),
            TestImages.colorBmp(24, 16),
            TestImages.encode(".webp", bgr, 24, 16, 3, Imgcodecs.IMWRITE_WEBP_QUALITY, 80),
            TestImages.encode(".tiff", bgr, 24, 16, 3),
            TestImages.encode(".ppm", bgr, 24, 16, 3),
            TestImages.encode(".pam", bgr, 24, 16, 3),
            TestImages.encode(".ras", bgr, 24, 16, 3),
            TestImages.encode(".hdr", bgr, 24, 16, 3));
    Random rnd = new Random(77);
    int decoded = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] input =
          i % 5 == 0
              ? TestImages.randomBytes(rnd, rnd.nextInt(200))
              : TestImages.mutate(seeds.get(rnd.nextInt(seeds.size())), rnd);
      FrameDecoder decoder = i % 2 == 0 ? gray : color;
      Throwable thrown = catchThrowable(() -> decoder.decode(input));
      assertThat(thrown)
          .as(
              "input %d: %s",
              i, Arrays.toString(TestImages.prefix(input, Math.min(16, input.length))))
          .satisfiesAnyOf(
              t -> assertThat(t).isNull(),
              t -> assertThat(t).isInstanceOf(FrameDecodeException.class));
      if (thrown == null) {
        decoded++;
      }
    }
    // Some mutations are harmless; if none decoded, the test would be fuzzing only the checks.
    assertThat(decoded).isPositive();
  }

  private static FrameDecoder decoder(int height, int width, int channels) {
    return new FrameDecoder(new InputSpec(height, width, channels, NONE));
  }

  private static void assertShape(Frame frame, int channels, int height, int width) {
    assertThat(frame.channels()).isEqualTo(channels);
    assertThat(frame.height()).isEqualTo(height);
    assertThat(frame.width()).isEqualTo(width);
  }

  private static void assertInUnitRange(Frame frame) {
    for (float v : frame.toArray()) {
      assertThat(v).isBetween(0f, 1f);
    }
  }

  private static FrameDecodeException refusal(FrameDecoder decoder, byte[] bytes) {
    Throwable t = catchThrowable(() -> decoder.decode(bytes));
    assertThat(t).isInstanceOf(FrameDecodeException.class);
    return (FrameDecodeException) t;
  }

  private static void assertRefused(
      FrameDecoder decoder, byte[] bytes, Reason reason, String messageStart) {
    assertThatThrownBy(() -> decoder.decode(bytes))
        .isInstanceOfSatisfying(
            FrameDecodeException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageStartingWith(messageStart);
  }

  private static byte[] encode(String extension, Mat mat) {
    org.opencv.core.MatOfByte out = new org.opencv.core.MatOfByte();
    try {
      assertThat(Imgcodecs.imencode(extension, mat, out)).isTrue();
      return out.toArray();
    } finally {
      mat.release();
      out.release();
    }
  }
}
