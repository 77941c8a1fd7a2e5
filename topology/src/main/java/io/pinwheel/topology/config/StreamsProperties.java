package io.pinwheel.topology.config;

import static io.pinwheel.topology.config.PinwheelConfig.APPLICATION_ID;
import static io.pinwheel.topology.config.PinwheelConfig.BOOTSTRAP_SERVERS;
import static io.pinwheel.topology.config.PinwheelConfig.COMMIT_INTERVAL_MS;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_BATCH_BYTES;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_CLIENT_RECORD_BYTES;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_EXACTLY_ONCE_LINGER_MS;
import static io.pinwheel.topology.config.PinwheelConfig.DEFAULT_LINGER_MS;
import static io.pinwheel.topology.config.PinwheelConfig.NUM_STREAM_THREADS;
import static io.pinwheel.topology.config.PinwheelConfig.PROCESSING_GUARANTEE;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka settings derived from a {@link PinwheelConfig}: the Streams client's properties, with
 * the producer defaults the service needs, and the connection settings of its plain clients.
 *
 * <p>Unless the key is given, the Streams properties set producer {@code max.request.size} to
 * {@value PinwheelConfig#DEFAULT_CLIENT_RECORD_BYTES} bytes (frames and their dead letters are
 * larger than the 1 MiB client default allows; raise it, and the topics' {@code max.message.bytes},
 * for larger frames), producer {@code batch.size} to {@value PinwheelConfig#DEFAULT_BATCH_BYTES}
 * bytes (a feature record is 10 to 40 KB, so Kafka's 16 KB batches would send each one in a request
 * of its own), and producer {@code linger.ms} to {@value PinwheelConfig#DEFAULT_LINGER_MS} ms under
 * at-least-once, instead of Kafka Streams' 100 ms, which would dominate its latency, or {@value
 * PinwheelConfig#DEFAULT_EXACTLY_ONCE_LINGER_MS} ms under exactly-once. There a {@code
 * read_committed} consumer sees a record only when its transaction commits, and a commit sends
 * whatever is still waiting, so lingering up to half the commit interval costs no latency; it sends
 * a feature record in a request of some ten instead of one or two, which took the broker's and
 * producer's CPU per frame from about a third of a core to a fifth on the two-core bench
 * (BENCHMARKS.md). The consumer's {@code max.partition.fetch.bytes} stays at Kafka's 1 MiB: a fetch
 * returns a larger record whole anyway, and 16 MiB fetch buffers are humongous objects to the
 * garbage collector.
 */
final class StreamsProperties {
  private static final String GLOBAL_PROCESSING_HANDLER =
      "processing.exception.handler.global.enabled";

  private StreamsProperties() {}

  /** See {@link PinwheelConfig#toStreamsProperties()}. */
  static Properties of(PinwheelConfig c) {
    Properties p = new Properties();
    p.putAll(c.kafka());
    p.put(APPLICATION_ID, c.applicationId());
    p.put(BOOTSTRAP_SERVERS, c.bootstrapServers());
    p.put(PROCESSING_GUARANTEE, c.processingGuarantee());
    p.put(COMMIT_INTERVAL_MS, Long.toString(c.commitIntervalMs()));
    p.put(NUM_STREAM_THREADS, Integer.toString(c.numStreamThreads()));
    putUnlessGiven(
        p,
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        Integer.toString(DEFAULT_CLIENT_RECORD_BYTES),
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    putUnlessGiven(
        p,
        StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
        Integer.toString(
            c.processingGuarantee().equals(StreamsConfig.AT_LEAST_ONCE)
                ? DEFAULT_LINGER_MS
                : DEFAULT_EXACTLY_ONCE_LINGER_MS),
        ProducerConfig.LINGER_MS_CONFIG);
    putUnlessGiven(
        p,
        StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG),
        Integer.toString(DEFAULT_BATCH_BYTES),
        ProducerConfig.BATCH_SIZE_CONFIG);
    // The topology has no global state; this only opts in to Kafka 5.0's behaviour now. Streams
    // 4.4 still logs its warning about the key twice per instance: it checks the client configs
    // it derives (ClientUtils.QuietStreamsConfig), which leave the key out.
    p.putIfAbsent(GLOBAL_PROCESSING_HANDLER, "true");
    return p;
  }

  /** See {@link PinwheelConfig#clientProperties()}. */
  static Map<String, Object> client(PinwheelConfig c) {
    Map<String, Object> p = new LinkedHashMap<>();
    Set<String> common = AdminClientConfig.configNames();
    c.kafka()
        .forEach(
            (k, v) -> {
              if (common.contains(k) && !k.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
                p.put(k, v);
              }
            });
    p.put(BOOTSTRAP_SERVERS, c.bootstrapServers());
    return p;
  }

  private static void putUnlessGiven(Properties p, String key, String value, String plainKey) {
    // A client key may be given plain, with "producer."/"consumer." or with "main.consumer.":
    // whichever the user chose wins over our default.
    for (String given : p.stringPropertyNames()) {
      if (given.equals(plainKey) || given.endsWith("." + plainKey)) {
        return;
      }
    }
    p.put(key, value);
  }
}
