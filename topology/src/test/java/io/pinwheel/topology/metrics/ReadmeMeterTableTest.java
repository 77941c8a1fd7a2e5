package io.pinwheel.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pinwheel.topology.ReadmeTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's meter table must name every meter the service registers under {@code pinwheel.},
 * with the tags it has, and name nothing the service does not register.
 */
class ReadmeMeterTableTest {
  private static final Pattern BRACES = Pattern.compile("(.*)\\{([^}]*)}(.*)");
  private static final Pattern TAGS = Pattern.compile("tags? ((?:`[^`]+`(?:, )?)+)");

  /** A README row's meter names, with {@code a.{b,c}.d} spelled out, mapped to its tag keys. */
  private static TreeMap<String, Set<String>> readme() {
    TreeMap<String, Set<String>> meters = new TreeMap<>();
    for (List<String> row : ReadmeTables.rows("### Monitor")) {
      Set<String> tags = new TreeSet<>();
      Matcher t = TAGS.matcher(row.get(1));
      if (t.find()) {
        tags.addAll(ReadmeTables.quoted(t.group(1)));
      }
      for (String name : ReadmeTables.quoted(row.get(0))) {
        for (String expanded : expand(name)) {
          meters.put(expanded, tags);
        }
      }
    }
    return meters;
  }

  private static List<String> expand(String name) {
    Matcher m = BRACES.matcher(name);
    if (!m.matches()) {
      return List.of(name);
    }
    List<String> out = new ArrayList<>();
    for (String part : m.group(2).split(",")) {
      out.addAll(expand(m.group(1) + part + m.group(3)));
    }
    return out;
  }

  /** What the service registers before Kafka Streams runs: its own meters and the JVM's. */
  private static TreeMap<String, Set<String>> registered(PrometheusMeterRegistry registry) {
    new PinwheelMetrics().bindTo(registry);
    TreeMap<String, Set<String>> meters = new TreeMap<>();
    for (Meter m : registry.getMeters()) {
      Set<String> tags = meters.computeIfAbsent(m.getId().getName(), k -> new TreeSet<>());
      m.getId().getTags().forEach(tag -> tags.add(tag.getKey()));
    }
    return meters;
  }

  private final PrometheusMeterRegistry registry = PinwheelRegistries.prometheus();

  @AfterEach
  void closeRegistry() {
    registry.close();
  }

  @Test
  void shouldNameEveryPinwheelMeterWithItsTags() {
    TreeMap<String, Set<String>> own = new TreeMap<>(registered(registry));
    own.keySet().removeIf(name -> !name.startsWith("pinwheel."));
    TreeMap<String, Set<String>> documented = new TreeMap<>(readme());
    documented.keySet().removeIf(name -> !name.startsWith("pinwheel."));

    assertThat(documented).isEqualTo(own);
  }

  @Test
  void shouldNameOnlyMetersThatAreRegistered() {
    Set<String> names = registered(registry).keySet();

    for (String documented : readme().keySet()) {
      // Kafka's meters appear once the Streams client runs (MetricsKafkaStreamsIT checks them).
      if (documented.startsWith("kafka.")) {
        continue;
      }
      String prefix = documented.endsWith(".*") ? documented.replace("*", "") : null;
      assertThat(names)
          .as(documented)
          .anyMatch(n -> prefix == null ? n.equals(documented) : n.startsWith(prefix));
    }
  }
}
