package io.pinwheel.cli.support;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --set KEY=VALUE}: service configuration keys given on the command line. */
public final class ServiceOverrides {
  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = {
        "A service configuration key, as in serve's --config FILE (and over it): pinwheel.* keys,"
            + " and Kafka Streams and client keys such as num.stream.threads or"
            + " producer.batch.size, which pass through. Repeatable."
      })
  Map<String, String> values = new LinkedHashMap<>();

  /** Every key given, in order; a key given twice keeps its last value. */
  public Map<String, String> values() {
    return values;
  }
}
