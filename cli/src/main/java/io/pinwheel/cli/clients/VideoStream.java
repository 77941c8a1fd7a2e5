package io.pinwheel.cli.clients;

import io.pinwheel.extractor.OpenCv;
import java.nio.file.Path;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.videoio.VideoCapture;
import org.opencv.videoio.Videoio;

/**
 * The frames of a video file or a camera, through OpenCV's {@link VideoCapture}, each re-encoded as
 * a JPEG.
 *
 * <p>The bundled OpenCV (org.openpnp 4.9.0) is built without FFmpeg and GStreamer: it reads only
 * Motion-JPEG in an AVI container (its built-in MJPEG backend) and, on Linux, V4L2 cameras. MP4,
 * MKV, H.264 and the like do not open.
 */
public final class VideoStream implements FrameStream {
  /** JPEG quality of the re-encoded frames: visually lossless, a third of quality 100's size. */
  static final int JPEG_QUALITY = 90;

  private final VideoCapture capture;
  private final String description;
  private final boolean loop;
  private final MatOfInt params = new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, JPEG_QUALITY);
  private long read;

  private VideoStream(VideoCapture capture, String description, boolean loop) {
    this.capture = capture;
    this.description = description;
    this.loop = loop;
  }

  /**
   * Opens a video file.
   *
   * @param file the video, Motion-JPEG AVI with this OpenCV build
   * @param loop rewind at the end
   * @return the stream, or null if OpenCV cannot open the file
   */
  public static VideoStream openFile(Path file, boolean loop) {
    OpenCv.load();
    VideoCapture c = new VideoCapture(file.toString(), Videoio.CAP_ANY);
    if (!c.isOpened()) {
      c.release();
      return null;
    }
    return new VideoStream(c, "video " + file + " (" + c.getBackendName() + ")", loop);
  }

  /**
   * Opens a camera.
   *
   * @param index the camera's number, e.g. 0 for {@code /dev/video0}
   * @return the stream, or null if there is no such camera or it cannot be opened
   */
  public static VideoStream openCamera(int index) {
    OpenCv.load();
    VideoCapture c = new VideoCapture(index);
    if (!c.isOpened()) {
      c.release();
      return null;
    }
    return new VideoStream(c, "camera " + index + " (" + c.getBackendName() + ")", false);
  }

  @Override
  public EncodedFrame next() {
    Mat frame = new Mat();
    MatOfByte jpeg = new MatOfByte();
    try {
      boolean ok = capture.read(frame);
      if ((!ok || frame.empty()) && loop && read > 0) {
        capture.set(Videoio.CAP_PROP_POS_FRAMES, 0);
        ok = capture.read(frame);
      }
      if (!ok || frame.empty()) {
        return null;
      }
      long captured = System.currentTimeMillis();
      read++;
      if (!Imgcodecs.imencode(".jpg", frame, jpeg, params)) {
        throw new IllegalStateException("OpenCV could not encode frame " + read + " as JPEG");
      }
      return new EncodedFrame(jpeg.toArray(), captured);
    } finally {
      // Native memory: the garbage collector does not see its size, so free it now.
      frame.release();
      jpeg.release();
    }
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() {
    params.release();
    capture.release();
  }
}
