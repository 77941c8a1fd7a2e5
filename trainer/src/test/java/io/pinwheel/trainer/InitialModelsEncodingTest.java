package io.pinwheel.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.extractor.model.EncoderModel;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/** The initial model through the real extractor. */
class InitialModelsEncodingTest {

  @Test
  void aGratingGivesANonEmptySparseCode() throws Exception {
    EncoderModel model = InitialModels.gabor();
    float[] grating = new float[96 * 96];
    double theta = Math.PI / 8;
    for (int y = 0; y < 96; y++) {
      for (int x = 0; x < 96; x++) {
        grating[y * 96 + x] =
            (float) Math.sin(2 * Math.PI * (x * Math.cos(theta) + y * Math.sin(theta)) / 6);
      }
    }
    try (Encoder encoder = new Encoder(model)) {
      SparseCode code = encoder.encode(Frame.of(1, 96, 96, grating));
      assertThat(code.nnz()).isPositive();
    }
  }

  @Test
  void codeDensityOnPinkNoiseImagesIsSparseButNotEmpty() throws Exception {
    OpenCv.load();
    EncoderModel model = InitialModels.gabor();
    FrameDecoder decoder = new FrameDecoder(model.input());
    Random rnd = new Random(7);
    double density = 0;
    int images = 4;
    try (Encoder encoder = new Encoder(model)) {
      for (int i = 0; i < images; i++) {
        density += encoder.encode(decoder.decode(pinkNoisePng(96, rnd))).density();
      }
    }
    // The default threshold keeps about 30% on such noise, which is texture everywhere.
    assertThat(density / images).isBetween(0.02, 0.40);
  }

  /** A gray PNG whose amplitude spectrum falls as 1/f, like natural images'. */
  private static byte[] pinkNoisePng(int n, Random rnd) {
    double[] img = new double[n * n];
    // Sum of random-phase sinusoids with amplitude 1/f: slow but simple and exact enough.
    for (int fy = -n / 4; fy <= n / 4; fy++) {
      for (int fx = 0; fx <= n / 4; fx++) {
        if (fx == 0 && fy <= 0) {
          continue;
        }
        double f = Math.hypot(fx, fy);
        double amp = rnd.nextGaussian() / f;
        double phase = rnd.nextDouble() * 2 * Math.PI;
        for (int y = 0; y < n; y++) {
          for (int x = 0; x < n; x++) {
            img[y * n + x] += amp * Math.cos(2 * Math.PI * (fx * x + fy * y) / n + phase);
          }
        }
      }
    }
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (double v : img) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    byte[] pixels = new byte[n * n];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) Math.round(255 * (img[i] - min) / (max - min));
    }
    Mat mat = new Mat(n, n, CvType.CV_8UC1);
    MatOfByte png = new MatOfByte();
    try {
      mat.put(0, 0, pixels);
      Imgcodecs.imencode(".png", mat, png);
      return png.toArray();
    } finally {
      mat.release();
      png.release();
    }
  }
}
