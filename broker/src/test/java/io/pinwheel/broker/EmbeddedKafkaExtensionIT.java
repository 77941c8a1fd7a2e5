package io.pinwheel.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The extension's life cycle, seen from outside: each test here runs a small test class through the
 * JUnit launcher, as Maven runs test classes, and looks at the broker it had once the class is
 * done.
 */
@Tag("integration")
class EmbeddedKafkaExtensionIT {

  /** What the example classes' tests saw, in the order they ran. */
  private static final List<EmbeddedKafka> seen = new CopyOnWriteArrayList<>();

  private static final List<Path> logDirs = new CopyOnWriteArrayList<>();

  /** The log directory {@link WithOptions} keeps; set before that class is first loaded. */
  private static volatile Path keptLogDir;

  @Test
  void shouldGiveEveryTestOfTheClassTheSameRunningBroker() {
    TestExecutionSummary summary = run(TwoTests.class);

    assertThat(summary.getTestsSucceededCount()).as(failures(summary)).isEqualTo(2);
    assertThat(seen).hasSize(2);
    assertThat(seen.get(1)).isSameAs(seen.get(0));
  }

  @Test
  void shouldCloseTheBrokerAfterTheClassAndDeleteItsTemporaryLogDir() {
    TestExecutionSummary summary = run(TwoTests.class);

    assertThat(summary.getTestsSucceededCount()).as(failures(summary)).isEqualTo(2);
    assertThat(logDirs.get(0)).doesNotExist();
    assertThat(listening(seen.get(0).port())).as("the broker's port still answers").isFalse();
  }

  @Test
  void shouldStartTheBrokerWithTheBuildersOptions(@TempDir Path dir) {
    keptLogDir = dir;

    TestExecutionSummary summary = run(WithOptions.class);

    assertThat(summary.getTestsSucceededCount()).as(failures(summary)).isEqualTo(1);
    assertThat(logDirs).containsExactly(dir);
    // A kept log directory outlives the broker.
    assertThat(dir.resolve("server.properties")).isRegularFile();
  }

  @Test
  void shouldShareTheBrokerWithNestedClasses() {
    TestExecutionSummary summary = run(WithNested.class);

    assertThat(summary.getTestsSucceededCount()).as(failures(summary)).isEqualTo(2);
    assertThat(seen).hasSize(2);
    assertThat(seen.get(1)).isSameAs(seen.get(0));
    assertThat(listening(seen.get(0).port())).isFalse();
  }

  @Test
  void shouldRefuseToNameABrokerOutsideItsTestClass() {
    EmbeddedKafkaExtension extension = new EmbeddedKafkaExtension();

    assertThatThrownBy(extension::bootstrapServers)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("static field");
  }

  private static TestExecutionSummary run(Class<?> testClass) {
    seen.clear();
    logDirs.clear();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create()
        .execute(
            LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
            listener);
    return listener.getSummary();
  }

  private static String failures(TestExecutionSummary summary) {
    StringBuilder s = new StringBuilder("failures:");
    summary.getFailures().forEach(f -> s.append(' ').append(f.getException()));
    return s.toString();
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void record(EmbeddedKafkaExtension kafka) {
    seen.add(kafka.get());
    logDirs.add(kafka.get().logDir());
  }

  // The example classes below are run only through run(): Maven's test runners leave nested
  // classes out unless they are @Nested.

  static class TwoTests {
    @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

    @Test
    void shouldCreateATopic() {
      record(kafka);
      kafka.createTopic("first", 1, Map.of());
    }

    @Test
    void shouldCreateAnotherTopic() {
      record(kafka);
      kafka.createTopic("second", 1, Map.of());
    }
  }

  static class WithOptions {
    @RegisterExtension
    static final EmbeddedKafkaExtension kafka =
        new EmbeddedKafkaExtension(
            EmbeddedKafka.builder()
                .logDir(keptLogDir)
                .config("auto.create.topics.enable", "false"));

    @Test
    void shouldRunWithTheConfiguredProperty() throws Exception {
      record(kafka);
      assertThat(Files.isDirectory(kafka.get().logDir())).isTrue();
      try (Admin admin =
          Admin.create(
              Map.<String, Object>of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
        ConfigEntry entry =
            admin
                .describeConfigs(List.of(node))
                .all()
                .get()
                .get(node)
                .get("auto.create.topics.enable");
        assertThat(entry.value()).isEqualTo("false");
      }
    }
  }

  static class WithNested {
    @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

    @Test
    void shouldSeeTheBroker() {
      record(kafka);
    }

    @Nested
    class Inner {
      @Test
      void shouldSeeTheEnclosingClassesBroker() {
        record(kafka);
      }
    }
  }
}
