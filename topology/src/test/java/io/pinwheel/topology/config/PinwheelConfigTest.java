package io.pinwheel.topology.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pinwheel.client.FeatureRecordFormat;
import io.pinwheel.topology.config.PinwheelConfigException.Problem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinwheelConfigTest {

  private static final String BROKER = "localhost:9092";

  private static Map<String, String> with(String... keyValues) {
    Map<String, String> m = new HashMap<>();
    m.put("bootstrap.servers", BROKER);
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  private static PinwheelConfigException failure(Map<String, String> properties) {
    return catchThrowableOfType(
        PinwheelConfigException.class, () -> PinwheelConfig.fromProperties(properties));
  }

  @Test
  void shouldApplyDefaultsWhenOnlyBootstrapServersGiven() {
    PinwheelConfig c = PinwheelConfig.fromProperties(with());

    assertThat(c.applicationId()).isEqualTo("pinwheel");
    assertThat(c.bootstrapServers()).isEqualTo(BROKER);
    assertThat(c.framesTopic()).isEqualTo("pinwheel.frames");
    assertThat(c.featuresTopic()).isEqualTo("pinwheel.features");
    assertThat(c.deadLetterTopic()).isEqualTo("pinwheel.frames.dlq");
    assertThat(c.modelsTopic()).isEqualTo("pinwheel.models");
    assertThat(c.modelsDir()).isEmpty();
    assertThat(c.modelsDirPollInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.featureFormat()).isEqualTo(FeatureRecordFormat.PROTOBUF);
    assertThat(c.decoderMaxPixels()).isEqualTo(50_000_000L);
    assertThat(c.decoderMaxBytes()).isEqualTo(16 << 20);
    assertThat(c.processingGuarantee()).isEqualTo("exactly_once_v2");
    assertThat(c.commitIntervalMs()).isEqualTo(100);
    assertThat(c.numStreamThreads()).isEqualTo(1);
    assertThat(c.kafka()).isEmpty();
  }

  @Test
  void shouldReadEveryPinwheelKey(@TempDir Path dir) {
    PinwheelConfig c =
        PinwheelConfig.fromProperties(
            with(
                "application.id", "cams",
                "pinwheel.topic.frames", "f",
                "pinwheel.topic.features", "o",
                "pinwheel.topic.dead-letter", "d",
                "pinwheel.topic.models", "m",
                "pinwheel.models.dir", dir.toString(),
                "pinwheel.models.dir.poll-interval-ms", "250",
                "pinwheel.feature.format", "JSON",
                "pinwheel.decoder.max-pixels", "1000000",
                "pinwheel.decoder.max-bytes", "2048",
                "processing.guarantee", "at_least_once",
                "commit.interval.ms", "1000",
                "num.stream.threads", "2"));

    assertThat(c.applicationId()).isEqualTo("cams");
    assertThat(c.framesTopic()).isEqualTo("f");
    assertThat(c.featuresTopic()).isEqualTo("o");
    assertThat(c.deadLetterTopic()).isEqualTo("d");
    assertThat(c.modelsTopic()).isEqualTo("m");
    assertThat(c.modelsDir()).contains(dir);
    assertThat(c.modelsDirPollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.featureFormat()).isEqualTo(FeatureRecordFormat.JSON);
    assertThat(c.decoderOptions().maxPixels()).isEqualTo(1_000_000L);
    assertThat(c.decoderOptions().maxBytes()).isEqualTo(2048);
    assertThat(c.processingGuarantee()).isEqualTo("at_least_once");
    assertThat(c.commitIntervalMs()).isEqualTo(1000);
    assertThat(c.numStreamThreads()).isEqualTo(2);
  }

  @Test
  void shouldReportEveryBadKeyAtOnce() {
    Map<String, String> bad = new HashMap<>();
    bad.put("pinwheel.decoder.max-bytes", "lots");
    bad.put("pinwheel.decoder.max-pixels", "-3");
    bad.put("pinwheel.feature.format", "xml");
    bad.put("pinwheel.topic.frames", "bad topic");
    bad.put("processing.guarantee", "exactly_once");
    bad.put("num.stream.threads", "0");
    bad.put("commit.interval.ms", "soon");
    bad.put("pinwheel.topic.framez", "x");
    bad.put("max.poll.records", "many");

    PinwheelConfigException e = failure(bad);

    assertThat(e.problems())
        .extracting(Problem::key)
        .containsExactly(
            "bootstrap.servers",
            "commit.interval.ms",
            "max.poll.records",
            "num.stream.threads",
            "pinwheel.decoder.max-bytes",
            "pinwheel.decoder.max-pixels",
            "pinwheel.feature.format",
            "pinwheel.topic.frames",
            "pinwheel.topic.framez",
            "processing.guarantee");
    assertThat(e.getMessage()).startsWith("invalid pinwheel configuration (10 problems):");
  }

  @Test
  void shouldNameKeyAndValueInEachProblem() {
    PinwheelConfigException e = failure(with("pinwheel.decoder.max-bytes", "lots"));

    assertThat(e.getMessage())
        .contains("pinwheel.decoder.max-bytes: must be a whole number")
        .contains("\"lots\"");
  }

  @Test
  void shouldRefuseUnknownPinwheelKeyAndSuggestTheClosest() {
    PinwheelConfigException e = failure(with("pinwheel.topic.feature", "x"));

    assertThat(e.problems())
        .containsExactly(
            new Problem(
                "pinwheel.topic.feature",
                "unknown pinwheel key; did you mean pinwheel.topic.features?"));
  }

  @Test
  void shouldRefuseUnknownPinwheelKeyFarFromAnyWithoutSuggestion() {
    PinwheelConfigException e = failure(with("pinwheel.something.else.entirely", "x"));

    assertThat(e.problems()).extracting(Problem::message).containsExactly("unknown pinwheel key");
  }

  @Test
  void shouldRequireBootstrapServers() {
    PinwheelConfigException e = failure(Map.of());

    assertThat(e.problems()).extracting(Problem::key).containsExactly("bootstrap.servers");
  }

  @Test
  void shouldRefuseMalformedBootstrapAddress() {
    PinwheelConfigException e = failure(Map.of("bootstrap.servers", "localhost:9092,nohost"));

    assertThat(e.problems())
        .extracting(Problem::message)
        .singleElement()
        .asString()
        .contains("\"nohost\"");
  }

  @Test
  void shouldRefuseSameTopicForTwoRoles() {
    PinwheelConfigException e = failure(with("pinwheel.topic.features", "pinwheel.frames"));

    assertThat(e.problems())
        .extracting(Problem::toString)
        .containsExactly(
            "pinwheel.topic.features: names the same topic as pinwheel.topic.frames"
                + " (pinwheel.frames)");
  }

  @Test
  void shouldRefuseMissingModelsDirectory(@TempDir Path dir) {
    PinwheelConfigException e =
        failure(with("pinwheel.models.dir", dir.resolve("absent").toString()));

    assertThat(e.problems()).extracting(Problem::key).containsExactly("pinwheel.models.dir");
    assertThat(e.getMessage()).contains("no such directory");
  }

  @Test
  void shouldTypeCheckPassthroughValuesByKafkaDefinitions() {
    PinwheelConfigException e =
        failure(
            with(
                "producer.acks", "maybe",
                "consumer.max.poll.records", "x",
                "security.protocol", "CARRIER_PIGEON"));

    assertThat(e.problems())
        .extracting(Problem::key)
        .containsExactly("consumer.max.poll.records", "producer.acks", "security.protocol");
  }

  @Test
  void shouldPassThroughOtherKeysUntouched() {
    PinwheelConfig c =
        PinwheelConfig.fromProperties(
            with(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "x required username=\"u\" password=\"p\";",
                "producer.compression.type", "zstd",
                "some.plugin.setting", "42"));

    Properties p = c.toStreamsProperties();

    assertThat(p)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry("sasl.jaas.config", "x required username=\"u\" password=\"p\";")
        .containsEntry("producer.compression.type", "zstd")
        .containsEntry("some.plugin.setting", "42");
  }

  @Test
  void shouldPutStreamsKeysAndClientDefaultsInStreamsProperties() {
    Properties p = PinwheelConfig.fromProperties(with()).toStreamsProperties();

    assertThat(p)
        .containsEntry("application.id", "pinwheel")
        .containsEntry("bootstrap.servers", BROKER)
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("commit.interval.ms", "100")
        .containsEntry("num.stream.threads", "1")
        .containsEntry("producer.max.request.size", Integer.toString(16 << 20))
        .containsEntry("producer.linger.ms", "50")
        .containsEntry("producer.batch.size", Integer.toString(1 << 20))
        .containsEntry("processing.exception.handler.global.enabled", "true")
        .doesNotContainKey("consumer.max.partition.fetch.bytes");
  }

  @Test
  void shouldLingerOnlyFiveMillisecondsUnderAtLeastOnce() {
    Properties p =
        PinwheelConfig.fromProperties(with("processing.guarantee", "at_least_once"))
            .toStreamsProperties();

    assertThat(p).containsEntry("producer.linger.ms", "5");
  }

  @Test
  void shouldKeepClientSizesTheUserSet() {
    Properties p =
        PinwheelConfig.fromProperties(
                with(
                    "max.request.size", "1000",
                    "batch.size", "2000",
                    "producer.linger.ms", "20"))
            .toStreamsProperties();

    assertThat(p)
        .containsEntry("max.request.size", "1000")
        .containsEntry("batch.size", "2000")
        .containsEntry("producer.linger.ms", "20")
        .doesNotContainKey("producer.max.request.size")
        .doesNotContainKey("producer.batch.size");
  }

  @Test
  void shouldLeavePinwheelKeysOutOfStreamsProperties() {
    Properties p =
        PinwheelConfig.fromProperties(with("pinwheel.feature.format", "json"))
            .toStreamsProperties();

    assertThat(p.stringPropertyNames()).noneMatch(k -> k.startsWith("pinwheel."));
  }

  @Test
  void shouldGiveConnectionAndSecurityKeysToPlainClients() {
    PinwheelConfig c =
        PinwheelConfig.fromProperties(
            with(
                "security.protocol", "SSL",
                "ssl.truststore.location", "/etc/trust.jks",
                "num.standby.replicas", "1",
                "producer.linger.ms", "7"));

    assertThat(c.clientProperties())
        .containsOnlyKeys("bootstrap.servers", "security.protocol", "ssl.truststore.location");
  }

  @Test
  void shouldHideSecretsInToString() {
    PinwheelConfig c =
        PinwheelConfig.fromProperties(
            with(
                "sasl.jaas.config", "x required password=\"hunter2\";",
                "ssl.key.password", "hunter3"));

    assertThat(c.toString()).doesNotContain("hunter2").doesNotContain("hunter3").contains(BROKER);
  }

  @Test
  void shouldValidateInCanonicalConstructorToo() {
    assertThatThrownBy(
            () ->
                new PinwheelConfig(
                    "pinwheel",
                    " ",
                    "a",
                    "a",
                    "d",
                    "m",
                    Optional.empty(),
                    Duration.ofSeconds(1),
                    List.of(),
                    FeatureRecordFormat.PROTOBUF,
                    1,
                    0,
                    "exactly_once_v2",
                    100,
                    1,
                    Map.of()))
        .isInstanceOf(PinwheelConfigException.class)
        .satisfies(
            e ->
                assertThat(((PinwheelConfigException) e).problems())
                    .extracting(Problem::key)
                    .containsExactly(
                        "bootstrap.servers",
                        "pinwheel.decoder.max-bytes",
                        "pinwheel.topic.features"));
  }
}
