package io.pinwheel.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FeatureRecordSerdeTest {

  private static final String TOPIC = "features";

  private static FeatureRecord roundTrip(FeatureRecordSerde serde, FeatureRecord record) {
    byte[] bytes = serde.serializer().serialize(TOPIC, record);
    return serde.deserializer().deserialize(TOPIC, bytes);
  }

  private static FeatureRecord read(FeatureRecordFormat format, byte[] bytes) {
    return new FeatureRecordDeserializer(format).deserialize(TOPIC, bytes);
  }

  @ParameterizedTest
  @EnumSource(FeatureRecordFormat.class)
  void shouldRoundTripFeatureRecordWithScoresAndLabel(FeatureRecordFormat format) {
    FeatureRecord record = Records.withClassifierOutput();

    assertThat(roundTrip(new FeatureRecordSerde(format), record)).isEqualTo(record);
  }

  @ParameterizedTest
  @EnumSource(FeatureRecordFormat.class)
  void shouldRoundTripFeatureRecordWithoutScoresOrLabel(FeatureRecordFormat format) {
    FeatureRecord record = Records.withoutClassifierOutput();

    FeatureRecord back = roundTrip(new FeatureRecordSerde(format), record);

    assertThat(back).isEqualTo(record);
    assertThat(back.hasClassifierOutput()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(FeatureRecordFormat.class)
  void shouldRoundTripEmptyCode(FeatureRecordFormat format) {
    FeatureRecord record = Records.emptyCode();

    FeatureRecord back = roundTrip(new FeatureRecordSerde(format), record);

    assertThat(back).isEqualTo(record);
    assertThat(back.nnz()).isZero();
  }

  @ParameterizedTest
  @EnumSource(FeatureRecordFormat.class)
  void shouldRoundTripRandomCodesBitForBit(FeatureRecordFormat format) {
    Random random = new Random(42);
    FeatureRecordSerde serde = new FeatureRecordSerde(format);
    for (int i = 0; i < 50; i++) {
      FeatureRecord record =
          Records.randomCode(random, new int[] {64, 44, 44}, random.nextInt(2000));

      assertThat(roundTrip(serde, record)).isEqualTo(record);
    }
  }

  @ParameterizedTest
  @EnumSource(FeatureRecordFormat.class)
  void shouldRoundTripLargestIndexOfIntRange(FeatureRecordFormat format) {
    FeatureRecord record =
        FeatureRecord.of(
            "f",
            0L,
            "m",
            1,
            new int[] {Integer.MAX_VALUE},
            new int[] {0, Integer.MAX_VALUE - 1},
            new float[] {1f, 2f},
            0L);

    assertThat(roundTrip(new FeatureRecordSerde(format), record)).isEqualTo(record);
  }

  @Test
  void shouldSpendAtMostEightBytesPerNonZeroInProtobuf() {
    // 1000 of 64*44*44 = 123904 positions (0.8 % density): index gaps around 124, 1-2 byte varints.
    FeatureRecord record = Records.randomCode(new Random(7), new int[] {64, 44, 44}, 1000);

    byte[] bytes = FeatureRecordSerde.protobuf().serializer().serialize(TOPIC, record);

    System.out.printf(
        "protobuf FeatureRecord, 1000 nnz of 123904: %d bytes, %.2f bytes per nnz%n",
        bytes.length, bytes.length / 1000.0);
    assertThat(bytes.length).isLessThanOrEqualTo(100 + 8 * 1000);
  }

  @Test
  void shouldSpendAtMostEightBytesPerNonZeroInProtobufEvenWhenVerySparse() {
    // 1000 of 64*200*200 = 2.56 M positions: index gaps around 2560, 2-byte varints.
    FeatureRecord record = Records.randomCode(new Random(8), new int[] {64, 200, 200}, 1000);

    byte[] bytes = FeatureRecordSerde.protobuf().serializer().serialize(TOPIC, record);

    System.out.printf(
        "protobuf FeatureRecord, 1000 nnz of 2560000: %d bytes, %.2f bytes per nnz%n",
        bytes.length, bytes.length / 1000.0);
    assertThat(bytes.length).isLessThanOrEqualTo(100 + 8 * 1000);
  }

  @ParameterizedTest
  @EnumSource(FeatureRecordFormat.class)
  void shouldRefuseGarbageBytesWithSerializationException(FeatureRecordFormat format) {
    byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x13, 0x37, (byte) 0x80};

    assertThatThrownBy(() -> read(format, garbage))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("FeatureRecord");
  }

  @ParameterizedTest
  @EnumSource(FeatureRecordFormat.class)
  void shouldRefuseEmptyBytesWithSerializationException(FeatureRecordFormat format) {
    assertThatThrownBy(() -> read(format, new byte[0]))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("FeatureRecord");
  }

  @Test
  void shouldRefuseProtobufMessageWithoutShape() {
    byte[] bytes =
        io.pinwheel.client.proto.FeatureRecord.newBuilder().setFrameId("x").build().toByteArray();

    assertThatThrownBy(() -> read(FeatureRecordFormat.PROTOBUF, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("shape is empty");
  }

  @Test
  void shouldRefuseEveryTruncationOfJsonRecord() {
    byte[] bytes =
        FeatureRecordSerde.json().serializer().serialize(TOPIC, Records.withClassifierOutput());

    for (int length = 0; length < bytes.length; length++) {
      byte[] cut = Arrays.copyOf(bytes, length);

      assertThatThrownBy(() -> read(FeatureRecordFormat.JSON, cut))
          .as("the first %d of %d bytes", cut.length, bytes.length)
          .isInstanceOf(SerializationException.class);
    }
  }

  @Test
  void shouldNeverReadTruncatedProtobufRecordAsTheWholeOne() {
    FeatureRecord whole = Records.withClassifierOutput();
    byte[] bytes = FeatureRecordSerde.protobuf().serializer().serialize(TOPIC, whole);

    for (int length = 0; length < bytes.length; length++) {
      byte[] cut = Arrays.copyOf(bytes, length);
      try {
        // A cut between two fields is a valid, shorter message: protobuf relies on the
        // transport (here Kafka) for framing. It must then at least not pass for the original.
        assertThat(read(FeatureRecordFormat.PROTOBUF, cut)).isNotEqualTo(whole);
      } catch (SerializationException expected) {
        assertThat(expected.getMessage()).contains("FeatureRecord");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(FeatureRecordFormat.class)
  void shouldThrowNothingButSerializationExceptionForRandomBytes(FeatureRecordFormat format) {
    Random random = new Random(1234);
    byte[] valid =
        new FeatureRecordSerde(format)
            .serializer()
            .serialize(TOPIC, Records.withClassifierOutput());
    for (int i = 0; i < 5000; i++) {
      byte[] bytes;
      if (i % 2 == 0) {
        bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
      } else {
        // Valid bytes with a few flipped: deeper into the parser than pure noise gets.
        bytes = valid.clone();
        for (int k = 0; k < 3; k++) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }

      try {
        FeatureRecord r = read(format, bytes);
        // Protobuf has no magic number: whatever does parse must still be a valid record.
        assertThat(r.nnz()).isEqualTo(r.values().length);
      } catch (SerializationException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  @Test
  void shouldRefuseProtobufIndexDeltaOfZeroNamingIndices() {
    byte[] bytes =
        io.pinwheel.client.proto.FeatureRecord.newBuilder()
            .addShape(10)
            .addIndexDeltas(2)
            .addIndexDeltas(0)
            .addValues(1f)
            .addValues(2f)
            .build()
            .toByteArray();

    assertThatThrownBy(() -> read(FeatureRecordFormat.PROTOBUF, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("indices");
  }

  @Test
  void shouldRefuseProtobufIndexDeltasThatOverflowInt() {
    byte[] bytes =
        io.pinwheel.client.proto.FeatureRecord.newBuilder()
            .addShape(Integer.MAX_VALUE)
            .addIndexDeltas(Integer.MAX_VALUE - 1)
            .addIndexDeltas(5)
            .addValues(1f)
            .addValues(2f)
            .build()
            .toByteArray();

    assertThatThrownBy(() -> read(FeatureRecordFormat.PROTOBUF, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("index_deltas");
  }

  @Test
  void shouldRefuseProtobufWithMoreIndicesThanValues() {
    byte[] bytes =
        io.pinwheel.client.proto.FeatureRecord.newBuilder()
            .addShape(10)
            .addIndexDeltas(2)
            .addIndexDeltas(1)
            .addValues(1f)
            .build()
            .toByteArray();

    assertThatThrownBy(() -> read(FeatureRecordFormat.PROTOBUF, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("index_deltas and values differ in length");
  }

  @Test
  void shouldRefuseJsonWithDescendingIndicesNamingIndices() {
    byte[] bytes = "{\"shape\":[10],\"indices\":[5,3],\"values\":[1.0,2.0]}".getBytes(UTF_8);

    assertThatThrownBy(() -> read(FeatureRecordFormat.JSON, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("indices");
  }

  @Test
  void shouldRefuseJsonWithoutValuesNamingValues() {
    byte[] bytes = "{\"shape\":[10],\"indices\":[5]}".getBytes(UTF_8);

    assertThatThrownBy(() -> read(FeatureRecordFormat.JSON, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("field values is missing");
  }

  @Test
  void shouldRefuseJsonFieldOfWrongTypeNamingIt() {
    byte[] bytes =
        "{\"shape\":[10],\"indices\":[],\"values\":[],\"modelVersion\":\"two\"}".getBytes(UTF_8);

    assertThatThrownBy(() -> read(FeatureRecordFormat.JSON, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("modelVersion");
  }

  @Test
  void shouldRefuseJsonIntegerOutOfIntRange() {
    byte[] bytes = "{\"shape\":[10],\"indices\":[4294967296],\"values\":[1]}".getBytes(UTF_8);

    assertThatThrownBy(() -> read(FeatureRecordFormat.JSON, bytes))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void shouldRefuseJsonWithTrailingContent() {
    byte[] bytes = "{\"shape\":[10],\"indices\":[],\"values\":[]} {}".getBytes(UTF_8);

    assertThatThrownBy(() -> read(FeatureRecordFormat.JSON, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("after the object");
  }

  @Test
  void shouldReadJsonWithOnlyRequiredFieldsAndUnknownOnes() {
    byte[] bytes =
        ("{\"shape\":[2,3],\"indices\":[1,5],\"values\":[0.5,2],"
                + "\"scores\":null,\"future\":{\"nested\":[1,2,{}]}}")
            .getBytes(UTF_8);

    FeatureRecord r = read(FeatureRecordFormat.JSON, bytes);

    assertThat(r)
        .isEqualTo(
            FeatureRecord.of(
                "", 0L, "", 0, new int[] {2, 3}, new int[] {1, 5}, new float[] {0.5f, 2f}, 0L));
  }

  @Test
  void shouldWriteDocumentedJsonForm() {
    byte[] bytes =
        FeatureRecordSerde.json().serializer().serialize(TOPIC, Records.withClassifierOutput());

    assertThat(new String(bytes, UTF_8))
        .isEqualTo(
            "{\"frameId\":\"camera-7/frame-000123\",\"sourceTimestampMs\":1764000000000,"
                + "\"modelName\":\"fashion-64\",\"modelVersion\":3,\"shape\":[16,44,44],"
                + "\"indices\":[0,5,6,1000,30975],"
                + "\"values\":[0.5,1.25,-3.0E-7,123456.78,0.1],"
                + "\"scores\":[0.01,0.9,0.09],\"label\":\"trouser\","
                + "\"producedTimestampMs\":1764000000042}");
  }

  @Test
  void shouldPassNullThroughBothWays() {
    FeatureRecordSerde serde = FeatureRecordSerde.protobuf();

    assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
    assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
  }

  @Test
  void shouldDefaultToProtobuf() {
    assertThat(new FeatureRecordSerde().format()).isEqualTo(FeatureRecordFormat.PROTOBUF);
    assertThat(new FeatureRecordSerializer().format()).isEqualTo(FeatureRecordFormat.PROTOBUF);
    assertThat(new FeatureRecordDeserializer().format()).isEqualTo(FeatureRecordFormat.PROTOBUF);
  }

  @Test
  void shouldTakeFormatFromConfigs() {
    FeatureRecordSerde serde = new FeatureRecordSerde();

    serde.configure(Map.of(FeatureRecordSerde.FORMAT_CONFIG, " JSON "), false);
    byte[] bytes = serde.serializer().serialize(TOPIC, Records.emptyCode());

    assertThat(serde.format()).isEqualTo(FeatureRecordFormat.JSON);
    assertThat(bytes[0]).isEqualTo((byte) '{');
    assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(Records.emptyCode());
  }

  @Test
  void shouldKeepFormatWhenConfigsDoNotName() {
    FeatureRecordSerde serde = FeatureRecordSerde.json();

    serde.configure(Map.of("some.other.property", "x"), false);

    assertThat(serde.format()).isEqualTo(FeatureRecordFormat.JSON);
  }

  @Test
  void shouldRefuseUnknownFormatNamingTheProperty() {
    FeatureRecordSerde serde = new FeatureRecordSerde();

    assertThatThrownBy(
            () -> serde.configure(Map.of(FeatureRecordSerde.FORMAT_CONFIG, "avro"), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(FeatureRecordSerde.FORMAT_CONFIG)
        .hasMessageContaining("avro");
  }
}
