package io.pinwheel.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ProtobufCodecTest {

  /** The same record through the generated builder: the reference the hand-written writer meets. */
  private static byte[] viaGeneratedBuilder(FeatureRecord r) {
    io.pinwheel.client.proto.FeatureRecord.Builder b =
        io.pinwheel.client.proto.FeatureRecord.newBuilder()
            .setFrameId(r.frameId())
            .setSourceTimestampMs(r.sourceTimestampMs())
            .setModelName(r.modelName())
            .setModelVersion(r.modelVersion())
            .setLabel(r.label())
            .setProducedTimestampMs(r.producedTimestampMs());
    for (int d : r.shape()) {
      b.addShape(d);
    }
    int previous = 0;
    for (int index : r.indices()) {
      b.addIndexDeltas(index - previous);
      previous = index;
    }
    for (float v : r.values()) {
      b.addValues(v);
    }
    for (float s : r.scores()) {
      b.addScores(s);
    }
    return b.build().toByteArray();
  }

  @Test
  void shouldWriteTheBytesTheGeneratedBuilderWritesForRecordWithScoresAndLabel() {
    FeatureRecord r = Records.withClassifierOutput();
    assertThat(ProtobufCodec.encode(r)).isEqualTo(viaGeneratedBuilder(r));
  }

  @Test
  void shouldWriteTheBytesTheGeneratedBuilderWritesForEmptyCodeWithDefaultFields() {
    FeatureRecord r = Records.emptyCode();
    assertThat(ProtobufCodec.encode(r)).isEqualTo(viaGeneratedBuilder(r));
  }

  @Test
  void shouldWriteTheBytesTheGeneratedBuilderWritesForRandomCodes() {
    Random random = new Random(11);
    for (int i = 0; i < 200; i++) {
      int[] shape = {1 + random.nextInt(64), 1 + random.nextInt(40), 1 + random.nextInt(40)};
      int size = shape[0] * shape[1] * shape[2];
      FeatureRecord r = Records.randomCode(random, shape, random.nextInt(Math.min(size, 3000) + 1));
      assertThat(ProtobufCodec.encode(r)).as("record %d", i).isEqualTo(viaGeneratedBuilder(r));
    }
  }

  @Test
  void shouldWriteTheBytesTheGeneratedBuilderWritesForLargestIndexAndNonAsciiNames() {
    FeatureRecord r =
        new FeatureRecord(
            "caméra-北/帧",
            -5L,
            "modèle",
            Integer.MAX_VALUE,
            new int[] {Integer.MAX_VALUE},
            new int[] {0, Integer.MAX_VALUE - 1},
            new float[] {-0.0f, Float.MIN_VALUE},
            new float[] {1f},
            "étiquette",
            Long.MAX_VALUE);
    assertThat(ProtobufCodec.encode(r)).isEqualTo(viaGeneratedBuilder(r));
  }
}
