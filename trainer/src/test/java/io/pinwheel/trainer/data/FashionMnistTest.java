package io.pinwheel.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.trainer.data.FashionMnist.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

class FashionMnistTest {
  @TempDir Path dir;

  @Test
  void shouldReadGzippedSplit() throws Exception {
    GrayImages images = Idx.images(5, 4, 3);
    Idx.writeSplit(dir, Split.TRAIN, images, true);
    assertThat(FashionMnist.read(dir, Split.TRAIN)).isEqualTo(images);
  }

  @Test
  void shouldReadUncompressedSplit() throws Exception {
    GrayImages images = Idx.images(5, 4, 3);
    Idx.writeSplit(dir, Split.TEST, images, false);
    assertThat(FashionMnist.read(dir, Split.TEST)).isEqualTo(images);
  }

  @Test
  void shouldReadTheFilesOfTheRequestedSplit() throws Exception {
    GrayImages train = Idx.images(5, 4, 3);
    GrayImages test = Idx.images(2, 4, 3).head(1);
    Idx.writeSplit(dir, Split.TRAIN, train, true);
    Idx.writeSplit(dir, Split.TEST, test, true);
    assertThat(FashionMnist.read(dir, Split.TEST)).isEqualTo(test);
  }

  @Test
  void shouldReadOnlyTheFirstLimitImages() throws Exception {
    GrayImages images = Idx.images(5, 4, 3);
    Idx.writeSplit(dir, Split.TRAIN, images, true);
    assertThat(FashionMnist.read(dir, Split.TRAIN, 2)).isEqualTo(images.head(2));
  }

  @Test
  void shouldNotReadPastTheLimit() throws Exception {
    // The header promises 5 images but the file holds 2: a limit of 2 must not notice.
    GrayImages images = Idx.images(5, 4, 3);
    byte[] twoImages = Arrays.copyOf(images.pixels(), 2 * 4 * 3);
    Idx.writeImages(
        dir.resolve("train-images-idx3-ubyte.gz"), FashionMnist.IMAGES_MAGIC, 5, 4, 3, twoImages);
    Idx.writeLabels(
        dir.resolve("train-labels-idx1-ubyte.gz"),
        FashionMnist.LABELS_MAGIC,
        5,
        new byte[] {0, 3, 6, 9, 2});
    assertThat(FashionMnist.read(dir, Split.TRAIN, 2)).isEqualTo(images.head(2));
  }

  @Test
  void shouldReturnAllImagesWhenLimitExceedsCount() throws Exception {
    GrayImages images = Idx.images(3, 2, 2);
    Idx.writeSplit(dir, Split.TRAIN, images, true);
    assertThat(FashionMnist.read(dir, Split.TRAIN, 100)).isEqualTo(images);
  }

  @Test
  void shouldRejectLimitBelowOne() {
    assertThatThrownBy(() -> FashionMnist.read(dir, Split.TRAIN, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void shouldNameFullPathAndRemedyWhenFileIsMissing() {
    assertThatThrownBy(() -> FashionMnist.read(dir, Split.TRAIN))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(dir.toAbsolutePath().resolve("train-images-idx3-ubyte.gz").toString())
        .hasMessageContaining("scripts/get-datasets.sh")
        .hasMessageContaining("https://github.com/zalandoresearch/fashion-mnist");
  }

  @Test
  void shouldRejectImageFileWithWrongMagic() throws Exception {
    GrayImages images = Idx.images(2, 2, 2);
    Idx.writeSplit(dir, Split.TRAIN, images, true);
    Path file = dir.resolve("train-images-idx3-ubyte.gz");
    Idx.writeImages(file, 0x00000801, 2, 2, 2, images.pixels());
    assertThatThrownBy(() -> FashionMnist.read(dir, Split.TRAIN))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("0x00000801");
  }

  @Test
  void shouldRejectLabelFileWithWrongMagic() throws Exception {
    GrayImages images = Idx.images(2, 2, 2);
    Idx.writeSplit(dir, Split.TRAIN, images, true);
    Path file = dir.resolve("train-labels-idx1-ubyte.gz");
    Idx.writeLabels(file, 0x12345678, 2, new byte[2]);
    assertThatThrownBy(() -> FashionMnist.read(dir, Split.TRAIN))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("0x12345678");
  }

  @Test
  void shouldRejectTruncatedImageFile() throws Exception {
    GrayImages images = Idx.images(3, 4, 4);
    Idx.writeSplit(dir, Split.TRAIN, images, true);
    Path file = dir.resolve("train-images-idx3-ubyte.gz");
    Idx.writeImages(file, FashionMnist.IMAGES_MAGIC, 3, 4, 4, Arrays.copyOf(images.pixels(), 40));
    assertThatThrownBy(() -> FashionMnist.read(dir, Split.TRAIN))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("truncated");
  }

  @Test
  void shouldRejectCutGzipStreamAsTruncated() throws Exception {
    GrayImages images = Idx.images(50, 10, 10);
    Idx.writeSplit(dir, Split.TRAIN, images, true);
    Path file = dir.resolve("train-images-idx3-ubyte.gz");
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> FashionMnist.read(dir, Split.TRAIN))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("truncated");
  }

  @Test
  void shouldNameAnEmptyGzipFile() throws Exception {
    GrayImages images = Idx.images(5, 10, 10);
    Idx.writeSplit(dir, Split.TRAIN, images, true);
    Path file = dir.resolve("train-images-idx3-ubyte.gz");
    Files.write(file, new byte[0]);
    assertThatThrownBy(() -> FashionMnist.read(dir, Split.TRAIN))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("ends before its header")
        .hasMessageNotContaining("null");
  }

  @Test
  void shouldRejectDifferentImageAndLabelCounts() throws Exception {
    GrayImages images = Idx.images(3, 2, 2);
    Idx.writeSplit(dir, Split.TRAIN, images, true);
    Idx.writeLabels(
        dir.resolve("train-labels-idx1-ubyte.gz"), FashionMnist.LABELS_MAGIC, 2, new byte[2]);
    assertThatThrownBy(() -> FashionMnist.read(dir, Split.TRAIN))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("3 images")
        .hasMessageContaining("2 labels");
  }

  @Test
  void shouldNameTheTenClasses() {
    assertThat(FashionMnist.CLASS_NAMES)
        .hasSize(10)
        .startsWith("T-shirt/top", "Trouser")
        .endsWith("Bag", "Ankle boot");
  }

  @Test
  void shouldScalePixelsToUnitWithoutNormalization() {
    GrayImages images =
        new GrayImages(1, 1, 3, new byte[] {0, (byte) 51, (byte) 255}, new int[] {0});
    FrameSet frames = FashionMnist.frames(images, new Normalization.None());
    assertThat(frames.data()).containsExactly(0f, 51 / 255f, 1f);
    assertThat(frames.channels()).isEqualTo(1);
  }

  @Test
  void shouldMatchFrameDecoderOnPngOfTheSamePixels() throws Exception {
    OpenCv.load();
    GrayImages images = Idx.images(4, 28, 28);
    FrameDecoder decoder = new FrameDecoder(new InputSpec(28, 28, 1, new Normalization.Lcn(2.0)));
    FrameSet frames = FashionMnist.frames(images, decoder.spec().normalize());
    for (int i = 0; i < images.count(); i++) {
      Frame decoded = decoder.decode(png(images, i));
      float[] expected = decoded.toArray();
      float[] actual = frames.frame(i).toArray();
      assertThat(actual).containsExactly(expected, within(1e-6f));
    }
  }

  @Test
  void shouldReadInstalledFashionMnist() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR));
    GrayImages train = FashionMnist.read(FashionMnist.DEFAULT_DIR, Split.TRAIN);
    GrayImages test = FashionMnist.read(FashionMnist.DEFAULT_DIR, Split.TEST);
    assertThat(train.count()).isEqualTo(60000);
    assertThat(test.count()).isEqualTo(10000);
    assertThat(train.height()).isEqualTo(28);
    assertThat(train.width()).isEqualTo(28);
    assertThat(train.classCount()).isEqualTo(10);
    assertThat(test.classCount()).isEqualTo(10);
  }

  /** Image {@code i} encoded as an 8-bit gray PNG by OpenCV. */
  private static byte[] png(GrayImages images, int i) {
    int size = images.height() * images.width();
    Mat mat = new Mat(images.height(), images.width(), CvType.CV_8UC1);
    MatOfByte buf = new MatOfByte();
    try {
      mat.put(0, 0, Arrays.copyOfRange(images.pixels(), i * size, (i + 1) * size));
      assertThat(Imgcodecs.imencode(".png", mat, buf)).isTrue();
      return buf.toArray();
    } finally {
      mat.release();
      buf.release();
    }
  }
}
