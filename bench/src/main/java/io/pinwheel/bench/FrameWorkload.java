package io.pinwheel.bench;

import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The frames a bench decodes: its small synthetic JPEGs, or camera frames ({@code --workload 720p}
 * or {@code 1080p}). A picocli mixin of {@code bench soak} and {@code bench pipeline}.
 */
final class FrameWorkload {
  /** What the workload's frames are, for the report. */
  record Frames(String name, List<byte[]> jpegs, String source) {}

  @Option(
      names = "--workload",
      defaultValue = "synthetic",
      paramLabel = "synthetic|720p|1080p",
      description = {
        "The frames: 16 synthetic JPEGs of 96x96 to 336x456 pixels, or camera frames, 1280x720"
            + " or 1920x1080 JPEGs of photographs at quality 90 (see --camera-dir). Default:"
            + " ${DEFAULT-VALUE}."
      })
  String workload;

  @Mixin CameraDirOption cameraDir;

  /** The frames, or an IllegalArgumentException naming a workload that does not exist. */
  Frames frames() throws IOException {
    for (int[] size : CameraFrames.SIZES) {
      if (workload.equals(size[1] + "p")) {
        CameraFrames.Workload w = CameraFrames.load(cameraDir.dir(), size[0], size[1]);
        return new Frames(w.name(), w.jpegs(), w.source());
      }
    }
    if (workload.equals("synthetic")) {
      return new Frames(
          "synthetic", SyntheticJpegs.make(16, 3), "16 synthetic JPEGs of 96x96 to 336x456 pixels");
    }
    throw new IllegalArgumentException(
        "--workload must be synthetic, 720p or 1080p, got '" + workload + "'");
  }
}
