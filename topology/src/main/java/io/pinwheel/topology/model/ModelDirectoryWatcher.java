package io.pinwheel.topology.model;

import io.pinwheel.extractor.model.EncoderFile;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offers the {@code *.pwe} files of a directory to a {@link ModelRegistry}, scanning it every few
 * seconds for files that are new or changed.
 *
 * <p>Polling rather than a {@link java.nio.file.WatchService}: it behaves the same on every file
 * system (network mounts and container volumes often deliver no events), and a scan of a directory
 * of a few files every few seconds costs nothing.
 *
 * <p>A file seen for the first time in a later scan, or changed since it was offered (size or
 * modification time), is offered once it has kept the same size and time for one interval, so a
 * file still being copied in is not read half-written. The files present when the watcher starts
 * are offered at once, in name order, before {@link #start} returns. Hidden files (names starting
 * with '.') and anything not a regular file are skipped; a deleted file changes nothing (the
 * serving model stays). Moving a finished file into the directory is still the safest way to
 * publish.
 */
public final class ModelDirectoryWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelDirectoryWatcher.class);

  /** Files larger than this are not read: no valid encoder file is. */
  private static final long MAX_FILE_BYTES = 512L << 20;

  /** A file's identity for change detection. */
  private record Stamp(long size, long modifiedMillis) {}

  private final ModelRegistry registry;
  private final Path dir;
  private final ScheduledExecutorService executor;

  /** What each file looked like at the previous scan; guarded by {@code this}. */
  private final Map<Path, Stamp> seen = new HashMap<>();

  /** What each file looked like when it was offered; guarded by {@code this}. */
  private final Map<Path, Stamp> offered = new HashMap<>();

  /** Guarded by {@code this}. */
  private boolean firstScanDone;

  private ModelDirectoryWatcher(ModelRegistry registry, Path dir) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.dir = Objects.requireNonNull(dir, "dir");
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pinwheel-models-dir");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Offers the models already in {@code dir}, then scans it every {@code interval} on a daemon
   * thread.
   *
   * @param registry where models are offered
   * @param dir the directory; a missing directory is logged at each scan, not an error
   * @param interval time between scans, positive
   * @return the running watcher
   */
  public static ModelDirectoryWatcher start(ModelRegistry registry, Path dir, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    ModelDirectoryWatcher w = new ModelDirectoryWatcher(registry, dir);
    w.scanNow();
    w.executor.scheduleWithFixedDelay(
        w::scanQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return w;
  }

  /**
   * Creates a watcher that scans only when {@link #scanNow()} is called: for tests and for callers
   * with their own schedule.
   *
   * @param registry where models are offered
   * @param dir the directory
   * @return an idle watcher
   */
  public static ModelDirectoryWatcher manual(ModelRegistry registry, Path dir) {
    return new ModelDirectoryWatcher(registry, dir);
  }

  /**
   * Scans the directory once, offering every file that is due under the rules in the class comment.
   *
   * @return what the registry said about each file offered, in name order
   */
  public synchronized List<ReloadResult> scanNow() {
    List<ReloadResult> results = new ArrayList<>();
    List<Path> files = list();
    Map<Path, Stamp> now = new HashMap<>();
    for (Path file : files) {
      Stamp stamp = stamp(file);
      if (stamp == null) {
        continue;
      }
      now.put(file, stamp);
      if (stamp.equals(offered.get(file))) {
        continue;
      }
      // Changed or new: offer it when it has settled, or at once on the first scan.
      if (firstScanDone && !stamp.equals(seen.get(file))) {
        continue;
      }
      ReloadResult r = offer(file, stamp);
      if (r != null) {
        results.add(r);
      }
    }
    seen.clear();
    seen.putAll(now);
    offered.keySet().retainAll(now.keySet());
    firstScanDone = true;
    return results;
  }

  /** Stops scanning; waits for a scan in progress to end. Calling it again does nothing. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("models directory watcher on {} did not stop within 10 s", dir);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ModelDirectoryWatcher[" + dir + "]";
  }

  private void scanQuietly() {
    try {
      scanNow();
    } catch (RuntimeException e) {
      // An exception would cancel the schedule; a scan that failed is simply tried again.
      LOG.error("scanning models directory {} failed", dir, e);
    }
  }

  private ReloadResult offer(Path file, Stamp stamp) {
    if (stamp.size() > MAX_FILE_BYTES) {
      LOG.warn("skipping {}: {} bytes is larger than any encoder file", file, stamp.size());
      offered.put(file, stamp);
      return null;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      LOG.warn("could not read model file {}: {}", file, e.toString());
      return null;
    }
    offered.put(file, stamp);
    return registry.offer(bytes, file.toString(), false);
  }

  private List<Path> list() {
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      LOG.warn("models directory {} does not exist or is not a directory", dir);
      return files;
    }
    try (DirectoryStream<Path> stream =
        Files.newDirectoryStream(dir, "*" + EncoderFile.EXTENSION)) {
      for (Path p : stream) {
        if (!p.getFileName().toString().startsWith(".")) {
          files.add(p);
        }
      }
    } catch (IOException e) {
      LOG.warn("could not list models directory {}: {}", dir, e.toString());
    }
    files.sort(null);
    return files;
  }

  private static Stamp stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        return null;
      }
      return new Stamp(a.size(), a.lastModifiedTime().toMillis());
    } catch (IOException e) {
      return null;
    }
  }
}
