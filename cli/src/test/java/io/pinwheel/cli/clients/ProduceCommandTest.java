package io.pinwheel.cli.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.cli.Cli;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.ImageFiles;
import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.videoio.VideoWriter;

class ProduceCommandTest {
  /** Nothing listens here: the commands under test must fail before connecting. */
  private static final String NO_BROKER = "127.0.0.1:1";

  @TempDir Path dir;

  @Test
  void shouldRefuseACameraThatCannotBeOpened() {
    Cli run = Cli.run("produce", "--bootstrap-servers", NO_BROKER, "--camera", "63");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("cannot open camera 63");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void shouldRefuseAVideoThisOpenCvCannotRead() throws Exception {
    Path mp4 = dir.resolve("clip.mp4");
    Files.write(mp4, new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'});

    Cli run = Cli.run("produce", "--bootstrap-servers", NO_BROKER, mp4.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("cannot open " + mp4).contains("Motion-JPEG AVI");
  }

  @Test
  void shouldRefuseAMissingPathAndTwoSources() {
    Cli missing =
        Cli.run("produce", "--bootstrap-servers", NO_BROKER, dir.resolve("nope").toString());
    Cli both =
        Cli.run("produce", "--bootstrap-servers", NO_BROKER, dir.toString(), "--camera", "0");
    Cli neither = Cli.run("produce", "--bootstrap-servers", NO_BROKER);

    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).contains("no such file or directory");
    assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(neither.exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void shouldRefuseANegativeRateAndLoopingACamera() {
    Cli rate = Cli.run("produce", "--bootstrap-servers", NO_BROKER, dir.toString(), "--rate", "-1");
    Cli loop = Cli.run("produce", "--bootstrap-servers", NO_BROKER, "--camera", "0", "--loop");

    assertThat(rate.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(rate.err()).contains("--rate");
    assertThat(loop.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(loop.err()).contains("--loop");
  }

  @Test
  void shouldSayInHelpWhichVideosOpenCvCanRead() {
    Cli run = Cli.run("produce", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Motion-JPEG").contains("no FFmpeg");
  }

  @Test
  void shouldBeBuiltWithoutFfmpegOrGstreamerAsTheHelpSays() {
    OpenCv.load();
    String build = Core.getBuildInformation();

    assertThat(build).containsPattern("FFMPEG:\\s+NO").containsPattern("GStreamer:\\s+NO");
  }

  @Test
  void shouldStreamEveryFrameOfAMotionJpegAviAsJpeg() {
    Path avi = writeAvi(dir.resolve("clip.avi"), 5);

    List<byte[]> frames = drain(VideoStream.openFile(avi, false), 100);

    assertThat(frames).hasSize(5);
    for (byte[] f : frames) {
      assertThat(f[0]).isEqualTo((byte) 0xFF);
      assertThat(f[1]).isEqualTo((byte) 0xD8);
    }
  }

  @Test
  void shouldRewindAVideoWhenLooping() {
    Path avi = writeAvi(dir.resolve("clip.avi"), 3);

    List<byte[]> frames = drain(VideoStream.openFile(avi, true), 8);

    assertThat(frames).hasSize(8);
  }

  @Test
  void shouldNotOpenAnMp4WriterBecauseThereIsNoFfmpeg() {
    OpenCv.load();
    VideoWriter w =
        new VideoWriter(
            dir.resolve("clip.mp4").toString(),
            VideoWriter.fourcc('m', 'p', '4', 'v'),
            10,
            new Size(64, 48),
            true);
    try {
      assertThat(w.isOpened()).isFalse();
    } finally {
      w.release();
    }
  }

  @Test
  void shouldStreamImageFilesInOrderSkippingOthers() throws Exception {
    Files.write(dir.resolve("b.png"), TestImages.gratingsAndDisc(".png"));
    Files.write(dir.resolve("a.jpg"), TestImages.gratingsAndDisc(".jpg"));
    Files.writeString(dir.resolve("notes.txt"), "not an image");
    List<Path> files = ImageFiles.collect(List.of(dir));

    ImageFileStream once = new ImageFileStream(files, dir.toString(), false);
    List<byte[]> frames = drain(once, 100);
    List<byte[]> looped = drain(new ImageFileStream(files, dir.toString(), true), 5);

    assertThat(frames).hasSize(2);
    assertThat(frames.get(0)).isEqualTo(Files.readAllBytes(dir.resolve("a.jpg")));
    assertThat(frames.get(1)).isEqualTo(Files.readAllBytes(dir.resolve("b.png")));
    assertThat(once.skipped()).isEqualTo(1);
    assertThat(looped).hasSize(5);
    assertThat(looped.get(2)).isEqualTo(frames.get(0));
  }

  @Test
  void shouldEndALoopThatHasNoImages() throws Exception {
    Files.writeString(dir.resolve("notes.txt"), "not an image");

    List<byte[]> frames =
        drain(new ImageFileStream(ImageFiles.collect(List.of(dir)), "d", true), 10);

    assertThat(frames).isEmpty();
  }

  private static List<byte[]> drain(FrameStream stream, int atMost) {
    assertThat(stream).isNotNull();
    List<byte[]> out = new ArrayList<>();
    try (stream) {
      FrameStream.EncodedFrame f;
      while (out.size() < atMost && (f = stream.next()) != null) {
        assertThat(f.captureTimeMs()).isPositive();
        out.add(f.bytes());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  private static Path writeAvi(Path file, int frames) {
    OpenCv.load();
    VideoWriter w =
        new VideoWriter(
            file.toString(), VideoWriter.fourcc('M', 'J', 'P', 'G'), 10, new Size(64, 48), true);
    assertThat(w.isOpened()).as("MJPG AVI writer").isTrue();
    try {
      for (int i = 0; i < frames; i++) {
        Mat m = new Mat(48, 64, CvType.CV_8UC3, new Scalar(10 * i, 100, 200));
        try {
          w.write(m);
        } finally {
          m.release();
        }
      }
    } finally {
      w.release();
    }
    return file;
  }
}
