package io.pinwheel.broker;

import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real broker for every test of a class: an {@link EmbeddedKafka} started before the class's
 * first test (and before its {@code @BeforeAll} methods) and closed after its last (and after its
 * {@code @AfterAll} methods), so that tests share one broker and name their own topics.
 *
 * <pre>{@code
 * @Tag("integration")
 * class SomethingIT {
 *   @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();
 *
 *   @Test
 *   void shouldDoSomething() {
 *     kafka.createTopic("frames", 2, Map.of());
 *     ... kafka.bootstrapServers() ...
 *   }
 * }
 * }</pre>
 *
 * <p>Options (a kept log directory, broker properties) are those of {@link EmbeddedKafka.Builder}:
 * {@code new EmbeddedKafkaExtension(EmbeddedKafka.builder().config(key, value))}. The field must be
 * static: JUnit calls before-all and after-all callbacks only on extensions registered that way.
 * {@code @Nested} classes share the enclosing class's broker. A test that needs a broker of its
 * own, to restart it for instance, still starts one with {@link EmbeddedKafka#start()}.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {

  private final EmbeddedKafka.Builder builder;
  private volatile EmbeddedKafka broker;

  /** Classes (the registering one and its nested ones) running now; the broker lives while > 0. */
  private int running;

  /** A broker with the defaults of {@link EmbeddedKafka#start()}. */
  public EmbeddedKafkaExtension() {
    this(EmbeddedKafka.builder());
  }

  /**
   * A broker started with {@code builder}'s options.
   *
   * @param builder the options; the extension starts its broker with it
   */
  public EmbeddedKafkaExtension(EmbeddedKafka.Builder builder) {
    this.builder = Objects.requireNonNull(builder, "builder");
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    if (running++ == 0) {
      broker = builder.start();
    }
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (--running == 0 && broker != null) {
      try {
        broker.close();
      } finally {
        broker = null;
      }
    }
  }

  /**
   * Returns the running broker.
   *
   * @return the broker of the class whose tests run now
   * @throws IllegalStateException outside the test class, or if the field is not static
   */
  public EmbeddedKafka get() {
    EmbeddedKafka b = broker;
    if (b == null) {
      throw new IllegalStateException(
          "no broker running: the extension starts one for its test class only, and must be"
              + " registered in a static field (@RegisterExtension static final"
              + " EmbeddedKafkaExtension)");
    }
    return b;
  }

  /**
   * Returns the address clients connect to.
   *
   * @return {@link EmbeddedKafka#bootstrapServers()} of the running broker
   */
  public String bootstrapServers() {
    return get().bootstrapServers();
  }

  /**
   * Creates a topic on the running broker and waits until it serves every partition.
   *
   * @param name the topic name
   * @param partitions the number of partitions, at least 1
   * @param configs topic-level configs
   * @see EmbeddedKafka#createTopic(String, int, Map)
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    get().createTopic(name, partitions, configs);
  }
}
