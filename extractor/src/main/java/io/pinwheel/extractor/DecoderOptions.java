package io.pinwheel.extractor;

/**
 * Limits and tolerances of a {@link FrameDecoder}.
 *
 * @param maxPixels the largest source image accepted, in pixels (width times height of the image as
 *     stored, before any resize); positive. The default, 50 megapixels, is well above any camera
 *     photo and well below what fills a heap.
 * @param maxBytes the largest encoded image accepted, in bytes; positive. Default 64 MiB.
 * @param acceptTruncatedJpeg decode a JPEG that ends before its end-of-image marker instead of
 *     refusing it. OpenCV then returns the full-size image with the missing part filled with grey,
 *     which is rarely what a feature extractor should see. Default false.
 * @param reducedJpegDecode let libjpeg decode a JPEG at 1/2, 1/4 or 1/8 scale (DCT scaling) when it
 *     is that many times larger than the frame, before the INTER_AREA resize. Three to four times
 *     faster for camera frames, and not the same pixels as a full decode followed by the resize,
 *     but codes within cosine 0.998 of a full decode's on average for every shipped model: see
 *     {@link FrameDecoder}. Default true; {@link #fullResolution()} turns it off.
 */
public record DecoderOptions(
    long maxPixels, int maxBytes, boolean acceptTruncatedJpeg, boolean reducedJpegDecode) {

  /** The default {@link #maxPixels}: 50 megapixels. */
  public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

  /** The default {@link #maxBytes}: 64 MiB. */
  public static final int DEFAULT_MAX_BYTES = 64 << 20;

  /** Validates every field. */
  public DecoderOptions {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be positive, got " + maxBytes);
    }
  }

  /** 50 megapixels, 64 MiB, truncated JPEGs refused, reduced JPEG decoding where it applies. */
  public static DecoderOptions defaults() {
    return new DecoderOptions(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES, false, true);
  }

  /**
   * The defaults with every image decoded at full resolution before the resize: the reference
   * pixels, which the trainer learns from and reduced decoding is measured against.
   */
  public static DecoderOptions fullResolution() {
    return defaults().withReducedJpegDecode(false);
  }

  /** These options with {@link #maxPixels} replaced. */
  public DecoderOptions withMaxPixels(long maxPixels) {
    return new DecoderOptions(maxPixels, maxBytes, acceptTruncatedJpeg, reducedJpegDecode);
  }

  /** These options with {@link #maxBytes} replaced. */
  public DecoderOptions withMaxBytes(int maxBytes) {
    return new DecoderOptions(maxPixels, maxBytes, acceptTruncatedJpeg, reducedJpegDecode);
  }

  /** These options with {@link #acceptTruncatedJpeg} replaced. */
  public DecoderOptions withAcceptTruncatedJpeg(boolean acceptTruncatedJpeg) {
    return new DecoderOptions(maxPixels, maxBytes, acceptTruncatedJpeg, reducedJpegDecode);
  }

  /** These options with {@link #reducedJpegDecode} replaced. */
  public DecoderOptions withReducedJpegDecode(boolean reducedJpegDecode) {
    return new DecoderOptions(maxPixels, maxBytes, acceptTruncatedJpeg, reducedJpegDecode);
  }
}
