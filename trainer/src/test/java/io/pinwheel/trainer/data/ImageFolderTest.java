package io.pinwheel.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.Normalization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

class ImageFolderTest {
  @TempDir Path dir;

  private final FrameDecoder decoder =
      new FrameDecoder(new InputSpec(8, 8, 3, new Normalization.Lcn(1.0)));

  @Test
  void shouldListFilesRecursivelySortedByRelativePath() throws Exception {
    touch("b.png");
    touch("a/z.png");
    touch("a/c/d.jpg");
    touch("0.txt");
    assertThat(ImageFolder.scan(dir).files())
        .containsExactly(
            dir.resolve("0.txt"),
            dir.resolve("a/c/d.jpg"),
            dir.resolve("a/z.png"),
            dir.resolve("b.png"));
  }

  @Test
  void shouldSkipHiddenFilesAndFolders() throws Exception {
    touch(".DS_Store");
    touch(".git/objects/x.png");
    touch("sub/.hidden.png");
    touch("sub/seen.png");
    assertThat(ImageFolder.scan(dir).files()).containsExactly(dir.resolve("sub/seen.png"));
  }

  @Test
  void shouldRejectMissingFolderNamingIt() {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> ImageFolder.scan(missing))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("not found");
  }

  @Test
  void shouldRejectFileGivenAsFolder() throws Exception {
    Path file = touch("x.png");
    assertThatThrownBy(() -> ImageFolder.scan(file))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a directory");
  }

  @Test
  void shouldDecodeEveryImageExactlyAsTheDecoderDoes() throws Exception {
    byte[] first = png(20, 30, 1);
    byte[] second = png(16, 16, 7);
    Files.write(dir.resolve("1.png"), first);
    Files.write(dir.resolve("2.png"), second);
    ImageFolder.Loaded loaded = ImageFolder.scan(dir).load(decoder);
    assertThat(loaded.used()).containsExactly(dir.resolve("1.png"), dir.resolve("2.png"));
    assertThat(loaded.skipped()).isEmpty();
    assertThat(loaded.frames().count()).isEqualTo(2);
    assertThat(loaded.frames().frame(0)).isEqualTo(decoder.decode(first));
    assertThat(loaded.frames().frame(1)).isEqualTo(decoder.decode(second));
  }

  @Test
  void shouldSkipUndecodableFilesWithTheDecodersReason() throws Exception {
    Files.write(dir.resolve("good.png"), png(10, 10, 3));
    Files.writeString(dir.resolve("notes.txt"), "not an image", StandardCharsets.UTF_8);
    ImageFolder.Loaded loaded = ImageFolder.scan(dir).load(decoder);
    assertThat(loaded.used()).containsExactly(dir.resolve("good.png"));
    assertThat(loaded.skipped()).hasSize(1);
    assertThat(loaded.skipped().get(0).path()).isEqualTo(dir.resolve("notes.txt"));
    assertThat(loaded.skipped().get(0).reason()).startsWith("undecodable: cannot decode");
  }

  @Test
  void shouldFailWhenNoFileDecodesNamingFolderAndCount() throws Exception {
    Files.writeString(dir.resolve("a.txt"), "a", StandardCharsets.UTF_8);
    Files.write(dir.resolve("b.png"), new byte[0]);
    assertThatThrownBy(() -> ImageFolder.scan(dir).load(decoder))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("2 files tried");
  }

  @Test
  void shouldRejectLoadedWithMismatchedFileCount() {
    FrameSet one = new FrameSet(1, 1, 1, 1, new float[1]);
    assertThatThrownBy(() -> new ImageFolder.Loaded(one, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("used");
  }

  private Path touch(String relative) throws Exception {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[] {1});
    return p;
  }

  /** A colour PNG of the given size with a pattern that depends on {@code seed}. */
  private static byte[] png(int height, int width, int seed) {
    OpenCv.load();
    byte[] bgr = new byte[height * width * 3];
    for (int i = 0; i < bgr.length; i++) {
      bgr[i] = (byte) ((i * seed * 31 + i / 7) & 0xff);
    }
    Mat mat = new Mat(height, width, CvType.CV_8UC3);
    MatOfByte buf = new MatOfByte();
    try {
      mat.put(0, 0, bgr);
      assertThat(Imgcodecs.imencode(".png", mat, buf)).isTrue();
      return buf.toArray();
    } finally {
      mat.release();
      buf.release();
    }
  }
}
