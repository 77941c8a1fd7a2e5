package io.pinwheel.topology.reencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pinwheel.broker.CommittedReader;
import io.pinwheel.broker.EmbeddedKafkaExtension;
import io.pinwheel.client.FeatureRecord;
import io.pinwheel.client.FeatureRecordFormat;
import io.pinwheel.client.FeatureRecordSerde;
import io.pinwheel.extractor.DecoderOptions;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.topology.model.TestModels;
import io.pinwheel.topology.stream.PinwheelHeaders;
import io.pinwheel.topology.stream.TestFrames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The re-encoder against the embedded broker: the frames of a range end exactly once in the
 * per-version topic (corrupt ones counted, not written), it stops at the end offsets of its start,
 * and a run stopped halfway is resumed by the next without a frame lost or written twice.
 */
@Tag("integration")
class ReencoderIT {
  @RegisterExtension static final EmbeddedKafkaExtension kafka = new EmbeddedKafkaExtension();

  private static final EncoderModel MODEL = TestModels.model("alpha", 2);
  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

  private Map<String, Object> client() {
    return Map.of("bootstrap.servers", kafka.bootstrapServers());
  }

  /** Sends frames {@code first..first+count-1}, one second apart from T0, every 10th corrupt. */
  private void send(String topic, int first, int count) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            new HashMap<>(client()), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = first; i < first + count; i++) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(PinwheelHeaders.FRAME_ID, ("f" + i).getBytes(StandardCharsets.UTF_8));
        byte[] value = i % 10 == 9 ? TestFrames.randomBytes(300, i) : TestFrames.jpeg(48, 48, i);
        producer.send(
            new ProducerRecord<>(
                topic,
                null,
                T0.plusSeconds(i).toEpochMilli(),
                ("camera-" + i % 3).getBytes(StandardCharsets.UTF_8),
                value,
                headers));
      }
      producer.flush();
    }
  }

  private static Reencoder.Job job(String frames, ReencodeStart start) {
    return new Reencoder.Job(
        frames,
        frames + ".alpha.v2",
        MODEL,
        start,
        "reencode-" + frames,
        FeatureRecordFormat.PROTOBUF,
        DecoderOptions.defaults(),
        Duration.ofMillis(100));
  }

  private static List<FeatureRecord> readAll(String topic, int expected) {
    List<FeatureRecord> out = new ArrayList<>();
    try (CommittedReader reader = new CommittedReader(kafka.bootstrapServers(), topic);
        FeatureRecordSerde serde = FeatureRecordSerde.protobuf()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> reader.poll().size() >= expected);
      // Anything more, such as a duplicate, would come within a few polls.
      for (int i = 0; i < 10; i++) {
        reader.poll();
      }
      for (ConsumerRecord<byte[], byte[]> r : reader.records()) {
        out.add(serde.deserializer().deserialize(topic, r.value()));
      }
    }
    return out;
  }

  private static List<String> ids(List<FeatureRecord> records) {
    return records.stream().map(FeatureRecord::frameId).sorted().toList();
  }

  private static List<String> expectedIds(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i < to; i++) {
      if (i % 10 != 9) {
        ids.add("f" + i);
      }
    }
    ids.sort(null);
    return ids;
  }

  @Test
  void shouldEncodeEveryRetainedFrameOnceWithTheModel() throws Exception {
    kafka.createTopic("frames-all", 2, Map.of());
    send("frames-all", 0, 40);

    ReencodeResult r =
        Reencoder.run(client(), job("frames-all", ReencodeStart.beginning()), p -> {}, () -> false);

    assertThat(r.complete()).isTrue();
    assertThat(r.resumed()).isFalse();
    assertThat(r.progress().done()).isEqualTo(40);
    assertThat(r.progress().features()).isEqualTo(36);
    assertThat(r.progress().skippedByReason()).containsEntry("undecodable", 4L);
    List<FeatureRecord> records = readAll("frames-all.alpha.v2", 36);
    assertThat(ids(records)).isEqualTo(expectedIds(0, 40));
    assertThat(records)
        .allSatisfy(
            f -> {
              assertThat(f.modelName()).isEqualTo("alpha");
              assertThat(f.modelVersion()).isEqualTo(2);
            });
  }

  @Test
  void shouldStartAtTheFirstFrameOfTheStartTime() throws Exception {
    kafka.createTopic("frames-time", 1, Map.of());
    send("frames-time", 0, 30);

    ReencodeResult r =
        Reencoder.run(
            client(),
            job("frames-time", ReencodeStart.atTime(T0.plusSeconds(20))),
            p -> {},
            () -> false);

    assertThat(r.partitions()).singleElement().satisfies(p -> assertThat(p.from()).isEqualTo(20));
    assertThat(ids(readAll("frames-time.alpha.v2", 9))).isEqualTo(expectedIds(20, 30));
  }

  @Test
  void shouldStopAtTheEndOffsetsOfItsStart() throws Exception {
    kafka.createTopic("frames-growing", 1, Map.of());
    send("frames-growing", 0, 20);
    AtomicBoolean sentMore = new AtomicBoolean();

    ReencodeResult r =
        Reencoder.run(
            client(),
            job("frames-growing", ReencodeStart.atOffset(0)),
            p -> {
              if (sentMore.compareAndSet(false, true)) {
                try {
                  send("frames-growing", 20, 10);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
            },
            () -> false);

    assertThat(sentMore).isTrue();
    assertThat(r.partitions()).singleElement().satisfies(p -> assertThat(p.to()).isEqualTo(20));
    assertThat(ids(readAll("frames-growing.alpha.v2", 18))).isEqualTo(expectedIds(0, 20));
  }

  @Test
  void shouldResumeAStoppedRunWithoutLosingOrRepeatingAFrame() throws Exception {
    kafka.createTopic("frames-resume", 2, Map.of());
    send("frames-resume", 0, 200);
    AtomicInteger reports = new AtomicInteger();

    ReencodeResult first =
        Reencoder.run(
            client(),
            job("frames-resume", ReencodeStart.beginning()),
            p -> reports.incrementAndGet(),
            () -> reports.get() >= 1);
    ReencodeResult second =
        Reencoder.run(
            client(), job("frames-resume", ReencodeStart.beginning()), p -> {}, () -> false);

    assertThat(first.complete()).isFalse();
    assertThat(first.progress().done()).isBetween(1L, 199L);
    assertThat(second.resumed()).isTrue();
    assertThat(second.complete()).isTrue();
    assertThat(first.progress().done() + second.progress().done()).isEqualTo(200);
    assertThat(ids(readAll("frames-resume.alpha.v2", 180))).isEqualTo(expectedIds(0, 200));
  }

  @Test
  void shouldReportProgressOfCommittedFramesUpToTheTotal() throws Exception {
    kafka.createTopic("frames-progress", 2, Map.of());
    send("frames-progress", 0, 120);
    List<ReencodeProgress> reports = new CopyOnWriteArrayList<>();

    ReencodeResult r =
        Reencoder.run(
            client(), job("frames-progress", ReencodeStart.beginning()), reports::add, () -> false);

    assertThat(r.complete()).isTrue();
    assertThat(reports).isNotEmpty().allSatisfy(p -> assertThat(p.total()).isEqualTo(120));
    assertThat(reports).extracting(ReencodeProgress::done).isSorted();
    assertThat(reports).allSatisfy(p -> assertThat(p.features() + p.skipped()).isEqualTo(p.done()));
    assertThat(reports.get(reports.size() - 1)).isEqualTo(r.progress());
    assertThat(r.progress().done()).isEqualTo(120);
  }
}
