package io.pinwheel.topology.model;

import io.pinwheel.extractor.model.InputSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The synthetic image a new model is warmed up on: a PNG of exactly the model's input size, so the
 * warm-up runs the same decode, normalization and encode path a frame will.
 *
 * <p>Written with the JDK's ImageIO rather than OpenCV so that the canary does not depend on the
 * decoder it is meant to exercise. The content, a ramp under a diagonal grating, varies everywhere:
 * a flat image would leave local contrast normalization dividing by almost nothing, which is not
 * what real frames do.
 */
final class CanaryImage {
  private CanaryImage() {}

  /**
   * Returns the PNG bytes of a canary image for {@code spec}.
   *
   * @param spec the model's input: its size and channel count
   * @return an 8-bit gray (1 channel) or colour (3 channels) PNG of {@code spec}'s size
   */
  static byte[] png(InputSpec spec) {
    int w = spec.width();
    int h = spec.height();
    boolean gray = spec.channels() == 1;
    BufferedImage img =
        new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int ramp = w == 1 ? 0 : 120 * x / (w - 1);
        int wave = (int) Math.round(60 + 60 * Math.sin(2 * Math.PI * (x + 2 * y) / 7.0));
        int v = Math.min(255, ramp + wave);
        if (gray) {
          img.getRaster().setSample(x, y, 0, v);
        } else {
          int r = v;
          int g = 255 - v;
          int b = (x * 37 + y * 11) & 0xff;
          img.setRGB(x, y, (r << 16) | (g << 8) | b);
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, "png", out)) {
        throw new IllegalStateException("this JDK has no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
