package io.pinwheel.topology.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pinwheel.client.FeatureRecord;
import io.pinwheel.client.FeatureRecordSerde;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.RandomModels;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.EncoderSource;
import io.pinwheel.topology.model.ModelRegistry;
import io.pinwheel.topology.model.ReloadResult;
import io.pinwheel.topology.model.ServingModel;
import io.pinwheel.topology.model.TestModels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FeatureTopologyTest {

  private static final int MAX_BYTES = 100_000;
  private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");
  private static final byte[] KEY = "camera-7".getBytes(StandardCharsets.UTF_8);

  private final PinwheelMetrics metrics = new PinwheelMetrics();
  private final ModelRegistry registry = new ModelRegistry(metrics);
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> frames;
  private TestOutputTopic<byte[], byte[]> features;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @BeforeEach
  void start() {
    registry.offer(TestModels.bytes(TestModels.model("test", 1)), "test", false);
    startDriver(Map.of());
  }

  @AfterEach
  void stop() {
    driver.close();
    registry.close();
  }

  private void startDriver(Map<String, String> extra) {
    startDriver(extra, registry);
  }

  private void startDriver(Map<String, String> extra, EncoderSource source) {
    if (driver != null) {
      driver.close();
    }
    Map<String, String> props = new HashMap<>(extra);
    props.put(PinwheelConfig.BOOTSTRAP_SERVERS, "unused:9092");
    props.put(PinwheelConfig.DECODER_MAX_BYTES, Integer.toString(MAX_BYTES));
    PinwheelConfig config = PinwheelConfig.fromProperties(props);
    driver =
        new TopologyTestDriver(
            FeatureTopology.build(config, source, metrics), config.toStreamsProperties());
    ByteArraySerializer ser = new ByteArraySerializer();
    ByteArrayDeserializer de = new ByteArrayDeserializer();
    frames = driver.createInputTopic(config.framesTopic(), ser, ser);
    features = driver.createOutputTopic(config.featuresTopic(), de, de);
    deadLetters = driver.createOutputTopic(config.deadLetterTopic(), de, de);
  }

  private void pipe(byte[] value, Header... headers) {
    frames.pipeInput(new TestRecord<>(KEY, value, new RecordHeaders(headers), T));
  }

  private static Header header(String key, String value) {
    return new RecordHeaders().add(key, value.getBytes(StandardCharsets.UTF_8)).lastHeader(key);
  }

  private static String text(Headers headers, String key) {
    Header h = headers.lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static FeatureRecord decode(TestRecord<byte[], byte[]> r) {
    return FeatureRecordSerde.protobuf().deserializer().deserialize("t", r.value());
  }

  private TestRecord<byte[], byte[]> onlyDeadLetter() {
    assertThat(features.isEmpty()).as("no feature record").isTrue();
    List<TestRecord<byte[], byte[]>> all = deadLetters.readRecordsToList();
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  @Test
  void shouldTurnValidPngFrameIntoFeatureRecord() {
    pipe(TestFrames.png(64, 48, 1));

    TestRecord<byte[], byte[]> out = features.readRecord();
    FeatureRecord f = decode(out);

    assertThat(out.key()).isEqualTo(KEY);
    assertThat(out.getRecordTime()).isEqualTo(T);
    assertThat(f.modelName()).isEqualTo("test");
    assertThat(f.modelVersion()).isEqualTo(1);
    assertThat(f.shape()).containsExactly(4, 14, 14);
    assertThat(f.nnz()).isPositive();
    assertThat(f.sourceTimestampMs()).isEqualTo(T.toEpochMilli());
    assertThat(f.producedTimestampMs()).isGreaterThanOrEqualTo(T.toEpochMilli());
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldTurnSampleJpegPhotoIntoFeatureRecord() {
    pipe(TestFrames.sample("camera.jpg"));

    FeatureRecord f = decode(features.readRecord());

    assertThat(f.nnz()).isPositive();
    for (float v : f.values()) {
      assertThat(v).isPositive();
    }
  }

  @Test
  void shouldLeaveScoresAndLabelEmptyWhenTheModelHasNoHead() {
    pipe(TestFrames.png(40, 40, 1));

    FeatureRecord f = decode(features.readRecord());

    assertThat(f.scores()).isEmpty();
    assertThat(f.label()).isEmpty();
    assertThat(f.hasClassifierOutput()).isFalse();
  }

  /** What an encoder of {@code model} makes of {@code image}, for comparing with the records. */
  private static SparseCode expected(EncoderModel model, byte[] image) throws Exception {
    try (Encoder encoder = new Encoder(model)) {
      return encoder.encode(new FrameDecoder(model.input()).decode(image));
    }
  }

  @Test
  void shouldCarryTheHeadsScoresAndArgmaxLabelOfARecurrentModel() throws Exception {
    EncoderModel model = TestModels.recurrent("test", 2);
    assertThat(registry.offer(TestModels.bytes(model), "v2", false).accepted()).isTrue();
    List<byte[]> images = List.of(TestFrames.png(40, 40, 1), TestFrames.sample("camera.jpg"));
    for (byte[] image : images) {
      pipe(image);
    }

    List<FeatureRecord> out = features.readRecordsToList().stream().map(r -> decode(r)).toList();

    assertThat(out).hasSize(2);
    for (int i = 0; i < out.size(); i++) {
      FeatureRecord f = out.get(i);
      SparseCode code = expected(model, images.get(i));
      assertThat(f.modelVersion()).isEqualTo(2);
      assertThat(f.shape()).containsExactly(24, 1, 1);
      assertThat(f.nnz()).isPositive();
      assertThat(f.indices()).containsExactly(code.indices());
      assertThat(f.scores()).hasSize(3).containsExactly(code.scores());
      assertThat(f.label())
          .isEqualTo(model.head().orElseThrow().labelOf(f.scores()))
          .isIn(TestModels.LABELS);
    }
  }

  @Test
  void shouldCarryEachValueAboveTheThresholdLessTheThresholdForAShrinkModel() throws Exception {
    EncoderModel base = TestModels.model("test", 2);
    byte[] image = TestFrames.png(40, 40, 1);
    float[] dense;
    try (Encoder encoder = new Encoder(base)) {
      dense = encoder.encodeDense(new FrameDecoder(base.input()).decode(image));
    }
    float[] sorted = dense.clone();
    Arrays.sort(sorted);
    float threshold = sorted[sorted.length * 3 / 4];
    EncoderModel model =
        RandomModels.withOutput(
            base, new OutputSpec(threshold, OptionalInt.empty(), OutputRule.SHRINK));
    assertThat(registry.offer(TestModels.bytes(model), "v2", false).accepted()).isTrue();
    pipe(image);

    FeatureRecord f = decode(features.readRecord());

    List<Integer> above = new ArrayList<>();
    List<Float> shrunk = new ArrayList<>();
    for (int i = 0; i < dense.length; i++) {
      if (dense[i] > threshold) {
        above.add(i);
        shrunk.add(dense[i] - threshold);
      }
    }
    assertThat(f.modelVersion()).isEqualTo(2);
    assertThat(above).isNotEmpty();
    assertThat(f.indices()).containsExactly(above.stream().mapToInt(i -> i).toArray());
    assertThat(f.values()).hasSize(shrunk.size());
    for (int j = 0; j < shrunk.size(); j++) {
      assertThat(f.values()[j]).as("value %d", j).isEqualTo(shrunk.get(j));
    }
  }

  @Test
  void shouldWriteScoresAndLabelInJsonFeatureRecords() throws Exception {
    EncoderModel model = TestModels.withHead("test", 2);
    registry.offer(TestModels.bytes(model), "v2", false);
    startDriver(Map.of(PinwheelConfig.FEATURE_FORMAT, "json"));
    byte[] image = TestFrames.png(40, 40, 1);
    pipe(image);

    byte[] json = features.readRecord().value();
    FeatureRecord f = FeatureRecordSerde.json().deserializer().deserialize("t", json);

    SparseCode code = expected(model, image);
    assertThat(f.scores()).containsExactly(code.scores());
    assertThat(f.label()).isEqualTo(code.label());
    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains("\"label\":\"" + code.label() + "\"");
  }

  @Test
  void shouldTakeFrameIdFromHeader() {
    pipe(TestFrames.jpeg(40, 40, 2), header(PinwheelHeaders.FRAME_ID, "cam7-000123"));

    assertThat(decode(features.readRecord()).frameId()).isEqualTo("cam7-000123");
  }

  @Test
  void shouldTakeFrameIdFromTopicPartitionOffsetWithoutHeader() {
    pipe(TestFrames.png(40, 40, 1));
    pipe(TestFrames.png(40, 40, 2));

    List<String> ids = features.readRecordsToList().stream().map(r -> decode(r).frameId()).toList();

    assertThat(ids).containsExactly("pinwheel.frames/0/0", "pinwheel.frames/0/1");
  }

  @Test
  void shouldWriteJsonFeatureRecordsWhenConfigured() {
    startDriver(Map.of(PinwheelConfig.FEATURE_FORMAT, "json"));
    pipe(TestFrames.png(40, 40, 1));

    TestRecord<byte[], byte[]> out = features.readRecord();
    FeatureRecord f = FeatureRecordSerde.json().deserializer().deserialize("t", out.value());

    assertThat(f.modelName()).isEqualTo("test");
    assertThat(text(out.headers(), PinwheelHeaders.CONTENT_TYPE)).isEqualTo("application/json");
  }

  @Test
  void shouldReplaceContentTypeAndKeepOtherHeadersOnFeatureRecord() {
    pipe(
        TestFrames.png(40, 40, 1),
        header("content-type", "image/png"),
        header("traceparent", "00-abc-def-01"));

    Headers h = features.readRecord().headers();

    assertThat(text(h, "traceparent")).isEqualTo("00-abc-def-01");
    assertThat(h.headers("content-type")).hasSize(1);
    assertThat(text(h, "content-type")).isEqualTo(PinwheelHeaders.PROTOBUF_CONTENT_TYPE);
  }

  @Test
  void shouldSendEmptyFrameToDeadLetterTopic() {
    pipe(new byte[0]);

    TestRecord<byte[], byte[]> dl = onlyDeadLetter();

    assertThat(text(dl.headers(), PinwheelHeaders.ERROR_REASON)).isEqualTo("empty");
    assertThat(dl.value()).isEmpty();
  }

  @Test
  void shouldSendNullValueToDeadLetterTopicAsEmpty() {
    pipe(null);

    TestRecord<byte[], byte[]> dl = onlyDeadLetter();

    assertThat(text(dl.headers(), PinwheelHeaders.ERROR_REASON)).isEqualTo("empty");
    assertThat(dl.value()).isNull();
    assertThat(dl.key()).isEqualTo(KEY);
  }

  @Test
  void shouldSendUndecodableFrameToDeadLetterTopic() {
    byte[] garbage = TestFrames.randomBytes(5000, 1);
    pipe(garbage);

    TestRecord<byte[], byte[]> dl = onlyDeadLetter();

    assertThat(text(dl.headers(), PinwheelHeaders.ERROR_REASON)).isEqualTo("undecodable");
    assertThat(dl.value()).isEqualTo(garbage);
  }

  @Test
  void shouldSendTruncatedJpegToDeadLetterTopic() {
    byte[] cut = TestFrames.truncated(TestFrames.sample("camera.jpg"));
    pipe(cut);

    TestRecord<byte[], byte[]> dl = onlyDeadLetter();

    assertThat(text(dl.headers(), PinwheelHeaders.ERROR_REASON)).isEqualTo("truncated");
    assertThat(dl.value()).isEqualTo(cut);
  }

  @Test
  void shouldSendFrameOverMaxBytesToDeadLetterTopic() {
    byte[] big = TestFrames.noisePng(400, 400);
    assertThat(big.length).isGreaterThan(MAX_BYTES);
    pipe(big);

    TestRecord<byte[], byte[]> dl = onlyDeadLetter();

    assertThat(text(dl.headers(), PinwheelHeaders.ERROR_REASON)).isEqualTo("too-large");
    assertThat(dl.value()).isEqualTo(big);
  }

  @Test
  void shouldSendFrameToDeadLetterTopicAsEncodeErrorWhenModelFailsOnIt() {
    // The registry would refuse this model at warm-up; a source without that check shows that a
    // model failing on a frame costs the frame, not the stream thread.
    ServingModel broken = new ServingModel(TestModels.overflowing("broken", 1), "test", T);
    startDriver(Map.of(), () -> broken);
    pipe(TestFrames.png(40, 40, 1));
    pipe(TestFrames.png(40, 40, 2));

    List<TestRecord<byte[], byte[]>> all = deadLetters.readRecordsToList();

    assertThat(features.isEmpty()).isTrue();
    assertThat(all)
        .extracting(r -> text(r.headers(), PinwheelHeaders.ERROR_REASON))
        .containsExactly("encode-error", "encode-error");
  }

  @Test
  void shouldKeepOriginalKeyValueTimestampAndHeadersOnDeadLetter() {
    byte[] garbage = TestFrames.randomBytes(300, 2);
    pipe(garbage, header(PinwheelHeaders.FRAME_ID, "f-1"), header("content-type", "image/jpeg"));

    TestRecord<byte[], byte[]> dl = onlyDeadLetter();

    assertThat(dl.key()).isEqualTo(KEY);
    assertThat(dl.value()).isEqualTo(garbage);
    assertThat(dl.getRecordTime()).isEqualTo(T);
    assertThat(text(dl.headers(), PinwheelHeaders.FRAME_ID)).isEqualTo("f-1");
    assertThat(text(dl.headers(), "content-type")).isEqualTo("image/jpeg");
  }

  @Test
  void shouldDescribeErrorAndSourceInDeadLetterHeaders() {
    pipe(TestFrames.png(40, 40, 1));
    pipe(TestFrames.randomBytes(300, 3));
    features.readRecord();

    Headers h = onlyDeadLetter().headers();

    assertThat(text(h, PinwheelHeaders.ERROR_CLASS))
        .isEqualTo("io.pinwheel.extractor.FrameDecodeException");
    assertThat(text(h, PinwheelHeaders.ERROR_MESSAGE)).isNotBlank();
    assertThat(text(h, PinwheelHeaders.SOURCE_TOPIC)).isEqualTo("pinwheel.frames");
    assertThat(text(h, PinwheelHeaders.SOURCE_PARTITION)).isEqualTo("0");
    assertThat(text(h, PinwheelHeaders.SOURCE_OFFSET)).isEqualTo("1");
  }

  @Test
  void shouldDropOldDiagnosisFromFrameFedBackFromDeadLetterTopic() {
    pipe(
        TestFrames.png(40, 40, 1),
        header(PinwheelHeaders.ERROR_REASON, "undecodable"),
        header(PinwheelHeaders.SOURCE_OFFSET, "17"));

    Headers h = features.readRecord().headers();

    assertThat(h.lastHeader(PinwheelHeaders.ERROR_REASON)).isNull();
    assertThat(h.lastHeader(PinwheelHeaders.SOURCE_OFFSET)).isNull();
  }

  @Test
  void shouldRouteEveryRecordToExactlyOneTopic() {
    List<String> valid = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String id = "frame-" + i;
      boolean good = i % 3 != 0;
      (good ? valid : invalid).add(id);
      pipe(
          good ? TestFrames.png(40, 40, i) : TestFrames.randomBytes(100, i),
          header(PinwheelHeaders.FRAME_ID, id));
    }

    List<String> featureIds =
        features.readRecordsToList().stream().map(r -> decode(r).frameId()).toList();
    List<String> deadIds =
        deadLetters.readRecordsToList().stream()
            .map(r -> text(r.headers(), PinwheelHeaders.FRAME_ID))
            .toList();

    assertThat(featureIds).containsExactlyElementsOf(valid);
    assertThat(deadIds).containsExactlyElementsOf(invalid);
  }

  @Test
  void shouldCountFramesFeaturesAndDeadLetters() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    metrics.bindTo(meters);
    pipe(TestFrames.png(40, 40, 1));
    pipe(TestFrames.png(40, 40, 2));
    pipe(TestFrames.randomBytes(100, 4));

    assertThat(metrics.framesIn()).isEqualTo(3);
    assertThat(metrics.featuresOut()).isEqualTo(2);
    assertThat(metrics.deadLettered()).isEqualTo(1);
    assertThat(metrics.latency().count()).isEqualTo(2);
  }

  @Test
  void shouldEncodeRecordsAfterModelSwapWithNewVersion() {
    pipe(TestFrames.png(40, 40, 1));
    pipe(TestFrames.png(40, 40, 2));
    ReloadResult r = registry.offer(TestModels.bytes(TestModels.model("test", 2)), "v2", false);
    pipe(TestFrames.png(40, 40, 3));
    pipe(TestFrames.png(40, 40, 4));

    List<Integer> versions =
        features.readRecordsToList().stream().map(rec -> decode(rec).modelVersion()).toList();

    assertThat(r.accepted()).isTrue();
    assertThat(versions).containsExactly(1, 1, 2, 2);
  }

  @Test
  void shouldComputeDifferentCodesAfterModelSwap() {
    byte[] frame = TestFrames.png(40, 40, 1);
    pipe(frame);
    registry.offer(TestModels.bytes(TestModels.model("test", 2)), "v2", false);
    pipe(frame);

    List<FeatureRecord> out = features.readRecordsToList().stream().map(r -> decode(r)).toList();

    assertThat(out.get(0).values()).isNotEqualTo(out.get(1).values());
  }

  @Test
  void shouldIgnoreOlderModelAndKeepEncodingWithServingOne() {
    registry.offer(TestModels.bytes(TestModels.model("test", 3)), "v3", false);
    ReloadResult r = registry.offer(TestModels.bytes(TestModels.model("test", 2)), "v2", false);
    pipe(TestFrames.png(40, 40, 1));

    assertThat(r.outcome()).isEqualTo(ReloadResult.Outcome.IGNORED);
    assertThat(decode(features.readRecord()).modelVersion()).isEqualTo(3);
  }

  @Test
  void shouldKeepServingOldModelWhenCorruptModelIsOffered() {
    pipe(TestFrames.png(40, 40, 1));
    ReloadResult r = registry.offer(TestModels.corrupt(TestModels.model("test", 2)), "bad", false);
    pipe(TestFrames.png(40, 40, 2));

    List<Integer> versions =
        features.readRecordsToList().stream().map(rec -> decode(rec).modelVersion()).toList();

    assertThat(r.outcome()).isEqualTo(ReloadResult.Outcome.REJECTED);
    assertThat(versions).containsExactly(1, 1);
  }

  @Test
  void shouldKeepServingOldModelWhenModelOfAnotherInputSizeIsOffered() {
    ReloadResult r =
        registry.offer(
            TestModels.bytes(TestModels.model("test", 2, 48, Instant.now())), "48px", false);
    pipe(TestFrames.png(40, 40, 2));

    assertThat(r.outcome()).isEqualTo(ReloadResult.Outcome.REJECTED);
    assertThat(decode(features.readRecord()).modelVersion()).isEqualTo(1);
  }
}
