package io.pinwheel.topology.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.ReloadResult.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryWatcherTest {

  @TempDir Path dir;

  private final ModelRegistry registry = new ModelRegistry(new PinwheelMetrics());

  @AfterEach
  void close() {
    registry.close();
  }

  private Path write(String fileName, EncoderModel model) throws IOException {
    Path file = dir.resolve(fileName);
    Files.write(file, TestModels.bytes(model));
    return file;
  }

  @Test
  void shouldOfferModelsPresentAtStartBeforeReturning() throws IOException {
    write("a.pwe", TestModels.model("alpha", 2));

    registry.watch(dir, Duration.ofHours(1));

    assertThat(registry.current().version()).isEqualTo(2);
    assertThat(registry.current().origin()).isEqualTo(dir.resolve("a.pwe").toString());
  }

  @Test
  void shouldOfferNewFileOnlyOnceItHasSettledForOneScan() throws IOException {
    ModelDirectoryWatcher watcher = ModelDirectoryWatcher.manual(registry, dir);
    watcher.scanNow();
    write("a.pwe", TestModels.model("alpha", 1));

    List<ReloadResult> first = watcher.scanNow();
    List<ReloadResult> second = watcher.scanNow();

    assertThat(first).isEmpty();
    assertThat(second).extracting(ReloadResult::outcome).containsExactly(Outcome.ACCEPTED);
  }

  @Test
  void shouldOfferChangedFileAgain() throws IOException {
    Path file = write("a.pwe", TestModels.model("alpha", 1));
    ModelDirectoryWatcher watcher = ModelDirectoryWatcher.manual(registry, dir);
    watcher.scanNow();

    write("a.pwe", TestModels.model("alpha", 2));
    // Same size (same architecture), so only the time tells the change.
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    watcher.scanNow();
    List<ReloadResult> results = watcher.scanNow();

    assertThat(results).extracting(ReloadResult::outcome).containsExactly(Outcome.ACCEPTED);
    assertThat(registry.current().version()).isEqualTo(2);
  }

  @Test
  void shouldNotOfferUnchangedFileTwice() throws IOException {
    write("a.pwe", TestModels.model("alpha", 1));
    ModelDirectoryWatcher watcher = ModelDirectoryWatcher.manual(registry, dir);

    List<ReloadResult> first = watcher.scanNow();
    List<ReloadResult> later = watcher.scanNow();

    assertThat(first).hasSize(1);
    assertThat(later).isEmpty();
  }

  @Test
  void shouldSkipFilesWithoutPweExtensionAndHiddenFiles() throws IOException {
    write("model.bin", TestModels.model("alpha", 1));
    write(".partial.pwe", TestModels.model("alpha", 2));
    Files.createDirectory(dir.resolve("sub.pwe"));

    List<ReloadResult> results = ModelDirectoryWatcher.manual(registry, dir).scanNow();

    assertThat(results).isEmpty();
    assertThat(registry.serving()).isEmpty();
  }

  @Test
  void shouldOfferEveryModelPresentInNameOrder() throws IOException {
    write("b.pwe", TestModels.model("alpha", 2));
    write("a.pwe", TestModels.model("alpha", 1));

    List<ReloadResult> results = ModelDirectoryWatcher.manual(registry, dir).scanNow();

    assertThat(results)
        .extracting(ReloadResult::outcome)
        .containsExactly(Outcome.ACCEPTED, Outcome.ACCEPTED);
    assertThat(registry.current().version()).isEqualTo(2);
  }

  @Test
  void shouldPickUpNewFileOnItsOwnSchedule() throws Exception {
    registry.offer(TestModels.bytes(TestModels.model("alpha", 1)), "test", false);
    registry.watch(dir, Duration.ofMillis(100));

    write("a.pwe", TestModels.model("alpha", 2));

    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> registry.current().version() == 2);
  }
}
