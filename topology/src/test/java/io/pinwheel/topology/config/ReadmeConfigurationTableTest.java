package io.pinwheel.topology.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pinwheel.topology.ReadmeTables;
import io.pinwheel.topology.config.PinwheelConfigException.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration reference is the one table of keys; it must say what the code does.
 */
class ReadmeConfigurationTableTest {
  private static final String HEADING = "### Configuration reference";

  /** The README's rows of named keys: key to the default as written, backticks removed. */
  private static Map<String, String> readme() {
    Map<String, String> rows = new LinkedHashMap<>();
    for (List<String> row : ReadmeTables.rows(HEADING)) {
      List<String> key = ReadmeTables.quoted(row.get(0));
      if (key.size() == 1) {
        rows.put(key.get(0), row.get(1).replace("`", ""));
      }
    }
    return rows;
  }

  @Test
  void shouldListEveryKeyWithItsDefaultInTheCodesOrder() {
    Map<String, String> expected = new LinkedHashMap<>();
    PinwheelConfig.defaults("127.0.0.1:9092")
        .settings()
        .forEach(
            (key, value) ->
                expected.put(
                    key,
                    key.equals(PinwheelConfig.BOOTSTRAP_SERVERS)
                        ? "required"
                        : value.isEmpty() ? "none" : value));

    assertThat(readme()).containsExactlyEntriesOf(expected);
  }

  @Test
  void shouldRequireWhatTheReadmeCallsRequired() {
    List<String> required =
        readme().entrySet().stream()
            .filter(e -> e.getValue().equals("required"))
            .map(Map.Entry::getKey)
            .toList();

    assertThatThrownBy(() -> PinwheelConfig.fromProperties(Map.of()))
        .isInstanceOfSatisfying(
            PinwheelConfigException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Problem::key)
                    .containsExactlyElementsOf(required));
  }

  @Test
  void shouldSayWhatHappensToEveryOtherKey() {
    assertThat(ReadmeTables.rows(HEADING))
        .anySatisfy(row -> assertThat(row.get(0)).isEqualTo("any other key"));
  }
}
