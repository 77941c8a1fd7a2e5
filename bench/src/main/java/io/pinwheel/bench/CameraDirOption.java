package io.pinwheel.bench;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --camera-dir}: where the camera frames are ({@link CameraFrames}). A picocli mixin of the
 * benches that read them.
 */
final class CameraDirOption {
  @Option(
      names = "--camera-dir",
      defaultValue = "data/camera",
      paramLabel = "DIR",
      description = {
        "Camera frames: DIR/720p and DIR/1080p JPEGs, as scripts/get-datasets.sh cuts them;"
            + " without them, frames are cut from DIR/../photos or DIR/../natural or made"
            + " synthetic, and the output says so. Default: ${DEFAULT-VALUE}."
      })
  private Path dir;

  /** The directory given, or {@code data/camera}. */
  Path dir() {
    return dir;
  }
}
