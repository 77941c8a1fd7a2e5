package io.pinwheel.cli.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFilesTest {
  @TempDir Path dir;

  private Path touch(String relative) throws Exception {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.write(p, new byte[] {1});
    return p;
  }

  @Test
  void directoryStandsForItsFilesRecursivelyInSortedOrder() throws Exception {
    Path b = touch("b.png");
    Path a2 = touch("a/2.png");
    Path a1 = touch("a/1.jpg");
    Path c = touch("c/d/e.png");
    assertThat(ImageFiles.collect(List.of(dir))).containsExactly(a1, a2, b, c);
  }

  @Test
  void hiddenFilesAndDirectoriesBelowADirectoryAreSkipped() throws Exception {
    Path seen = touch("x.png");
    touch(".DS_Store");
    touch(".cache/y.png");
    assertThat(ImageFiles.collect(List.of(dir))).containsExactly(seen);
  }

  @Test
  void aHiddenFileNamedExplicitlyIsKept() throws Exception {
    Path hidden = touch(".z.png");
    assertThat(ImageFiles.collect(List.of(hidden))).containsExactly(hidden);
  }

  @Test
  void argumentsKeepTheirOrder() throws Exception {
    Path b = touch("b.png");
    Path a = touch("a.png");
    assertThat(ImageFiles.collect(List.of(b, a))).containsExactly(b, a);
  }

  @Test
  void aMissingPathIsReportedByName() throws Exception {
    Path a = touch("a.png");
    Path missing = dir.resolve("missing.png");
    assertThatThrownBy(() -> ImageFiles.collect(List.of(a, missing)))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("missing.png");
  }
}
