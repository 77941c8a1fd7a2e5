package io.pinwheel.cli.clients;

import io.pinwheel.cli.support.FrameSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The image files among a list, in order, read one at a time so that a large directory is not held
 * in memory; optionally over and over.
 */
public final class ImageFileStream implements FrameStream {
  private final List<Path> files;
  private final String where;
  private final boolean loop;
  private int position;
  private int sentThisPass;
  private int skipped;

  /**
   * Creates the stream.
   *
   * @param files candidate files in streaming order; those that are not images by name, empty or
   *     larger than 8 MiB are skipped, as in the demo
   * @param where what to call them in messages, e.g. the directory
   * @param loop start again after the last file
   */
  public ImageFileStream(List<Path> files, String where, boolean loop) {
    this.files = List.copyOf(files);
    this.where = where;
    this.loop = loop;
  }

  @Override
  public EncodedFrame next() throws IOException {
    while (true) {
      if (position == files.size()) {
        // A pass that found no image would loop forever without sending anything.
        if (!loop || sentThisPass == 0) {
          return null;
        }
        position = 0;
        sentThisPass = 0;
      }
      Path file = files.get(position++);
      // FrameSource holds the demo's rules for what counts as an image file; one file at a time.
      FrameSource one = FrameSource.fromFiles(List.of(file), file.toString(), 0);
      if (one == null) {
        skipped++;
        continue;
      }
      sentThisPass++;
      return new EncodedFrame(one.frame(0), System.currentTimeMillis());
    }
  }

  /**
   * Returns how many files were passed over because they are not images.
   *
   * @return the count, over every pass
   */
  public int skipped() {
    return skipped;
  }

  @Override
  public String description() {
    return files.size() + " files under " + where;
  }

  @Override
  public void close() {}
}
