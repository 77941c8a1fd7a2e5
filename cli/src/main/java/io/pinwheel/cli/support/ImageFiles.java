package io.pinwheel.cli.support;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The files a list of command-line paths stands for.
 *
 * <p>A file is taken as it is, whatever its name. A directory stands for every regular file below
 * it, in sorted path order so runs are repeatable, except hidden ones: files and directories whose
 * name starts with '.' (such as {@code .DS_Store} or {@code .git}) are almost never images someone
 * meant to encode. Symbolic links to files are followed; links to directories are not, which rules
 * out cycles.
 */
public final class ImageFiles {
  private ImageFiles() {}

  /**
   * The files, in argument order, each directory's files sorted.
   *
   * @throws NoSuchFileException naming the first path that does not exist
   * @throws IOException if a directory cannot be listed
   */
  public static List<Path> collect(List<Path> paths) throws IOException {
    for (Path p : paths) {
      if (!Files.exists(p)) {
        throw new NoSuchFileException(p.toString());
      }
    }
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        files.addAll(walk(p));
      } else {
        files.add(p);
      }
    }
    return files;
  }

  private static List<Path> walk(Path root) throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return !dir.equals(root) && isHidden(dir)
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (!isHidden(file) && Files.isRegularFile(file)) {
              found.add(file);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    Collections.sort(found);
    return found;
  }

  private static boolean isHidden(Path p) {
    Path name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }
}
