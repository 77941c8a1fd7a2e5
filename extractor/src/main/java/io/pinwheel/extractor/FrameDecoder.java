package io.pinwheel.extractor;

import io.pinwheel.extractor.FrameDecodeException.Reason;
import io.pinwheel.extractor.model.InputSpec;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.opencv.core.CvException;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Image bytes to normalized frames of one {@link InputSpec}.
 *
 * <p>The pipeline, in order:
 *
 * <ol>
 *   <li>Cheap checks, before OpenCV sees the bytes: not empty, at most {@link
 *       DecoderOptions#maxBytes()} bytes, a header size ({@link ImageHeaders#probe}) of at most
 *       {@link DecoderOptions#maxPixels()} pixels (so a decompression bomb costs a header parse),
 *       and JPEG and PNG structure that reaches the end-of-image marker or IEND chunk (OpenCV fills
 *       a cut JPEG with grey and says nothing). Every format OpenCV reads here has a header the
 *       probe parses; for bytes whose header it cannot read but OpenCV can, the pixel limit is
 *       checked after decoding, and only OpenCV's own limit (2^30 pixels unless the
 *       OPENCV_IO_MAX_IMAGE_PIXELS environment variable says otherwise) bounds the decode.
 *   <li>{@code Imgcodecs.imdecode} with IMREAD_GRAYSCALE for 1-channel specs or IMREAD_COLOR (BGR)
 *       for 3-channel ones. Both give 8 bits per channel whatever the file holds: 16-bit PNG and
 *       TIFF keep their high byte, alpha is dropped (not composited: transparent pixels keep
 *       whatever colour they store), a gray image is replicated into three equal channels and a
 *       colour image is converted to gray by OpenCV (libjpeg's or libpng's own conversion). JPEG
 *       EXIF orientation is applied, as OpenCV does by default.
 *   <li>When the image is not already the spec's width x height, {@code Imgproc.resize} with
 *       INTER_AREA on the 8-bit image (an area average when shrinking, bilinear when enlarging; the
 *       aspect ratio is not kept).
 *   <li>x = pixel / 255 in float32 (exactly rounded, as numpy's {@code img / np.float32(255)}),
 *       laid out planar [C, H, W]; colour planes in OpenCV's B, G, R order.
 *   <li>{@link Normalizer#apply} with the spec's normalization.
 * </ol>
 *
 * <p>Reduced JPEG decoding ({@link DecoderOptions#reducedJpegDecode()}, on by default): libjpeg can
 * decode at 1/2, 1/4 or 1/8 scale (IMREAD_REDUCED_*, DCT scaling), which skips most of the inverse
 * DCT and colour work and makes the resize far cheaper. It is used only for JPEG (for other formats
 * OpenCV decodes in full and then shrinks with INTER_LINEAR_EXACT, which is no faster and aliases),
 * and only with the largest factor f for which both sides of the stored image are at least f times
 * the larger side of the frame: the reduced image is never smaller than the frame on either axis,
 * so the INTER_AREA resize after it still only shrinks, and an EXIF rotation cannot turn it into an
 * enlargement. A 1920x1080 camera frame into a 96x96 model decodes at 1/8, a 1280x720 one at 1/4.
 *
 * <p>The pixels differ from a full decode followed by INTER_AREA (libjpeg's scaled inverse DCT is
 * not a box average, and an odd side is rounded up): on smooth synthetic content at integer ratios
 * gray differed by at most 1 level in 255 and colour by up to 17 (chroma upsampling differs); on a
 * detailed 720x477 photo, decoding at 1/2 then resizing to 256x192 differed by 4.7 levels on
 * average. What matters is the code, so that is what was measured: the cosine between the dense
 * codes of a full and a reduced decode of the 43 camera frames of {@code data/camera} (1280x720 and
 * 1920x1080 JPEGs of photographs, quality 90), for every model in {@code models/}: mean 0.9990 and
 * worst frame 0.9905 for natural.pwe at 1080p (0.9995 and 0.9944 at 720p), at least 0.9999 mean for
 * fashion-mnist.pwe and drsae.pwe, and 0.9950 mean, worst 0.9672, for lateral.pwe's 192x192 frames
 * at 1080p. {@code bench decode} reproduces these figures. The trainer decodes at full resolution
 * ({@link DecoderOptions#fullResolution()}): those are the reference pixels.
 *
 * <p>Thread-safe and stateless: one decoder can serve every thread.
 */
public final class FrameDecoder {
  /** What the UNDECODABLE message lists, so a reader knows which formats would have worked. */
  private static final String FORMATS =
      "OpenCV reads JPEG, PNG, BMP, TIFF, WebP, JPEG 2000, PPM/PGM/PBM/PAM/PFM, Sun raster and"
          + " Radiance HDR";

  /** Bytes shown at the start of an undecodable input: enough to recognize a magic number. */
  private static final int SHOWN_BYTES = 8;

  /** pixel / 255 for every 8-bit value, each exactly rounded to float. */
  private static final float[] UNIT = new float[256];

  static {
    for (int i = 0; i < 256; i++) {
      UNIT[i] = i / 255f;
    }
  }

  private final InputSpec spec;
  private final DecoderOptions options;

  /**
   * A decoder with {@link DecoderOptions#defaults()}.
   *
   * @throws IllegalStateException if OpenCV cannot be loaded
   */
  public FrameDecoder(InputSpec spec) {
    this(spec, DecoderOptions.defaults());
  }

  /**
   * A decoder with the given options.
   *
   * @throws IllegalStateException if OpenCV cannot be loaded
   */
  public FrameDecoder(InputSpec spec, DecoderOptions options) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.options = Objects.requireNonNull(options, "options");
    OpenCv.load();
  }

  /** The input specification frames are decoded for. */
  public InputSpec spec() {
    return spec;
  }

  /** The limits and tolerances this decoder applies. */
  public DecoderOptions options() {
    return options;
  }

  /**
   * Decodes {@code bytes} into a frame of the spec's size and channels, normalized.
   *
   * <p>Nothing but a {@link FrameDecodeException} leaves for bad bytes, whatever they are.
   *
   * @throws FrameDecodeException EMPTY for null or zero bytes; TOO_LARGE for more than {@link
   *     DecoderOptions#maxBytes()} bytes or more than {@link DecoderOptions#maxPixels()} pixels;
   *     TRUNCATED for a JPEG without its end-of-image marker (unless {@link
   *     DecoderOptions#acceptTruncatedJpeg()}) or a PNG without its IEND chunk; UNDECODABLE for
   *     anything OpenCV cannot decode
   */
  public Frame decode(byte[] bytes) throws FrameDecodeException {
    if (bytes == null || bytes.length == 0) {
      throw new FrameDecodeException(
          Reason.EMPTY, "no image bytes (" + (bytes == null ? "null" : "0 bytes") + ")");
    }
    if (bytes.length > options.maxBytes()) {
      throw new FrameDecodeException(
          Reason.TOO_LARGE,
          "image is "
              + bytes.length
              + " bytes, over the "
              + options.maxBytes()
              + "-byte limit (maxBytes)");
    }
    int channels = spec.channels();
    int height = spec.height();
    int width = spec.width();
    Optional<ImageHeaders.Size> header = Optional.empty();
    try {
      header = ImageHeaders.probe(bytes);
      if (header.isPresent()) {
        checkPixels(header.get().width(), header.get().height());
      }
      boolean truncated = isTruncated(bytes);
      float[] planar = decodePlanar(bytes, header, truncated);
      Normalizer.apply(spec.normalize(), planar, channels, height, width);
      return Frame.wrap(channels, height, width, planar);
    } catch (CvException e) {
      throw new FrameDecodeException(
          Reason.UNDECODABLE, undecodable(bytes, header) + ": OpenCV failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // Our own parsing and arithmetic are fuzzed, but a stream thread must not die on one image.
      throw new FrameDecodeException(Reason.UNDECODABLE, undecodable(bytes, header) + ": " + e, e);
    }
  }

  private void checkPixels(long width, long height) throws FrameDecodeException {
    if (width * height > options.maxPixels()) {
      throw new FrameDecodeException(
          Reason.TOO_LARGE,
          "image is "
              + width
              + "x"
              + height
              + " = "
              + megapixels(width * height)
              + " megapixels, over the "
              + megapixels(options.maxPixels())
              + " megapixel limit");
    }
  }

  /** One decimal, as people write megapixels; three below one, so small limits do not read 0. */
  private static String megapixels(long pixels) {
    return String.format(Locale.ROOT, pixels >= 1_000_000 ? "%.1f" : "%.3f", pixels / 1e6);
  }

  /** Refuses cut JPEGs and PNGs; returns true for a cut JPEG the options let through. */
  private boolean isTruncated(byte[] bytes) throws FrameDecodeException {
    if (ImageEnds.isJpeg(bytes) && !ImageEnds.jpegComplete(bytes)) {
      if (options.acceptTruncatedJpeg()) {
        return true;
      }
      throw new FrameDecodeException(
          Reason.TRUNCATED,
          "JPEG ends without its end-of-image marker: truncated after " + bytes.length + " bytes");
    }
    if (ImageEnds.isPng(bytes) && !ImageEnds.pngComplete(bytes)) {
      throw new FrameDecodeException(
          Reason.TRUNCATED,
          "PNG ends without its IEND chunk: truncated after " + bytes.length + " bytes");
    }
    return false;
  }

  private float[] decodePlanar(byte[] bytes, Optional<ImageHeaders.Size> header, boolean truncated)
      throws FrameDecodeException {
    int channels = spec.channels();
    int height = spec.height();
    int width = spec.width();
    MatOfByte buffer = new MatOfByte(bytes);
    Mat decoded = null;
    Mat resized = null;
    try {
      decoded = Imgcodecs.imdecode(buffer, readFlags(header));
      if (decoded.empty()) {
        if (truncated) {
          throw new FrameDecodeException(
              Reason.TRUNCATED,
              "JPEG ends without its end-of-image marker after "
                  + bytes.length
                  + " bytes, and too little of it is left to decode");
        }
        throw new FrameDecodeException(Reason.UNDECODABLE, undecodable(bytes, header));
      }
      if (header.isEmpty()) {
        checkPixels(decoded.cols(), decoded.rows());
      }
      if (decoded.type() != CvType.CV_8UC(channels)) {
        // imdecode without IMREAD_ANYDEPTH always gives 8 bits; this guards the copy below.
        throw new FrameDecodeException(
            Reason.WRONG_SHAPE,
            "OpenCV decoded a "
                + CvType.typeToString(decoded.type())
                + " image where "
                + CvType.typeToString(CvType.CV_8UC(channels))
                + " was asked for");
      }
      Mat pixels = decoded;
      if (decoded.cols() != width || decoded.rows() != height) {
        resized = new Mat();
        Imgproc.resize(decoded, resized, new Size(width, height), 0, 0, Imgproc.INTER_AREA);
        pixels = resized;
      }
      byte[] interleaved = new byte[channels * height * width];
      pixels.get(0, 0, interleaved);
      return toPlanar(interleaved, channels, height * width);
    } finally {
      buffer.release();
      if (decoded != null) {
        decoded.release();
      }
      if (resized != null) {
        resized.release();
      }
    }
  }

  /** Scales to [0, 1] and splits interleaved BGR into B, G and R planes. */
  private static float[] toPlanar(byte[] interleaved, int channels, int plane) {
    float[] planar = new float[interleaved.length];
    if (channels == 1) {
      for (int i = 0; i < plane; i++) {
        planar[i] = UNIT[interleaved[i] & 0xFF];
      }
      return planar;
    }
    for (int i = 0, j = 0; i < plane; i++) {
      for (int c = 0; c < channels; c++, j++) {
        planar[c * plane + i] = UNIT[interleaved[j] & 0xFF];
      }
    }
    return planar;
  }

  /**
   * The scale libjpeg decodes a JPEG stored at {@code width} x {@code height} at, as a divisor: 8,
   * 4, 2, or 1 for a full decode (always 1 when {@link DecoderOptions#reducedJpegDecode()} is off).
   * The largest factor f for which both sides are at least f times the larger side of the frame:
   * see the class comment.
   */
  public int jpegReduction(int width, int height) {
    if (!options.reducedJpegDecode()) {
      return 1;
    }
    long shortSide = Math.min(width, height);
    int longTarget = Math.max(spec.width(), spec.height());
    for (int f = 8; f >= 2; f /= 2) {
      if (shortSide >= (long) f * longTarget) {
        return f;
      }
    }
    return 1;
  }

  /**
   * IMREAD_GRAYSCALE or IMREAD_COLOR, or their REDUCED variants for a JPEG when {@link
   * #jpegReduction} allows it.
   */
  private int readFlags(Optional<ImageHeaders.Size> header) {
    boolean gray = spec.channels() == 1;
    int factor = 1;
    if (header.isPresent() && header.get().format().equals("jpeg")) {
      factor = jpegReduction(header.get().width(), header.get().height());
    }
    return switch (factor) {
      case 8 -> gray ? Imgcodecs.IMREAD_REDUCED_GRAYSCALE_8 : Imgcodecs.IMREAD_REDUCED_COLOR_8;
      case 4 -> gray ? Imgcodecs.IMREAD_REDUCED_GRAYSCALE_4 : Imgcodecs.IMREAD_REDUCED_COLOR_4;
      case 2 -> gray ? Imgcodecs.IMREAD_REDUCED_GRAYSCALE_2 : Imgcodecs.IMREAD_REDUCED_COLOR_2;
      default -> gray ? Imgcodecs.IMREAD_GRAYSCALE : Imgcodecs.IMREAD_COLOR;
    };
  }

  /** "cannot decode N bytes as an image (...)", saying what the bytes look like. */
  private static String undecodable(byte[] bytes, Optional<ImageHeaders.Size> header) {
    StringBuilder s =
        new StringBuilder("cannot decode ").append(bytes.length).append(" bytes as an image (");
    if (header.isPresent()) {
      ImageHeaders.Size h = header.get();
      s.append("a ")
          .append(h.width())
          .append('x')
          .append(h.height())
          .append(' ')
          .append(h.format().toUpperCase(Locale.ROOT))
          .append(" header; ");
    }
    s.append("starts with");
    for (int i = 0; i < Math.min(bytes.length, SHOWN_BYTES); i++) {
      s.append(String.format(Locale.ROOT, " 0x%02X", bytes[i] & 0xFF));
    }
    if (bytes.length > SHOWN_BYTES) {
      s.append(" …");
    }
    return s.append("; ").append(FORMATS).append(", not GIF)").toString();
  }
}
