package io.pinwheel.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.tools.StorageTool;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Uuid;

/**
 * The embedded broker's log directory: formatting it for KRaft (keeping a kept one's cluster id)
 * and deleting it.
 */
final class BrokerStorage {
  private BrokerStorage() {}

  static void format(Path dir, Properties props, List<String> extraArguments) {
    Path file = dir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      props.store(out, "embedded pinwheel broker");
    } catch (IOException e) {
      throw new KafkaException("could not write " + file, e);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int status;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      // --ignore-formatted skips a kept log directory from an earlier run, but only if given the
      // cluster id it was formatted with.
      List<String> args = new ArrayList<>();
      args.add("format");
      args.add("-t");
      args.add(
          existingClusterId(dir.resolve("data")).orElseGet(() -> Uuid.randomUuid().toString()));
      args.add("-c");
      args.add(file.toString());
      args.add("--ignore-formatted");
      args.addAll(extraArguments);
      status = StorageTool.execute(args.toArray(String[]::new), print);
    } catch (RuntimeException e) {
      throw new KafkaException(
          "could not format "
              + dir
              + ": "
              + e.getMessage()
              + " "
              + output.toString(StandardCharsets.UTF_8),
          e);
    }
    if (status != 0) {
      throw new KafkaException(
          "formatting "
              + dir
              + " failed with status "
              + status
              + ": "
              + output.toString(StandardCharsets.UTF_8));
    }
  }

  static Optional<String> existingClusterId(Path dataDir) {
    Path meta = dataDir.resolve("meta.properties");
    if (!Files.isRegularFile(meta)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(meta)) {
      p.load(in);
    } catch (IOException e) {
      throw new KafkaException("could not read " + meta, e);
    }
    return Optional.ofNullable(p.getProperty("cluster.id"));
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
