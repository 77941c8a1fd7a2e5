package io.pinwheel.extractor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NpyTest {

  /** What numpy 2.4 writes for np.save(f, np.zeros((64, 1, 9, 9), np.float32)), up to the data. */
  private static final String NUMPY_HEADER_64_1_9_9 =
      "\u0093NUMPY\u0001\u0000v\u0000{'descr': '<f4', 'fortran_order': False, 'shape': (64, 1, 9,"
          + " 9), }"
          + " ".repeat(51)
          + "\n";

  /** What numpy writes for a one-dimensional int32 array of 16 elements. */
  private static final String NUMPY_HEADER_16_INT =
      "\u0093NUMPY\u0001\u0000v\u0000{'descr': '<i4', 'fortran_order': False, 'shape': (16,), }"
          + " ".repeat(59)
          + "\n";

  private static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String headerOf(byte[] npy) {
    int len = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
    return new String(npy, 0, 10 + len, StandardCharsets.ISO_8859_1);
  }

  @Test
  void shouldWriteTheHeaderNumpyWrites() {
    byte[] npy = Npy.toBytes(FloatTensor.filled(new int[] {64, 1, 9, 9}, 0f));

    assertThat(headerOf(npy)).isEqualTo(NUMPY_HEADER_64_1_9_9);
    assertThat(npy).hasSize(128 + 64 * 81 * 4);
  }

  @Test
  void shouldWriteOneDimensionalShapesWithATrailingComma() {
    byte[] npy = Npy.toBytes(IntTensor.filled(new int[] {16}, 0));

    assertThat(headerOf(npy)).isEqualTo(NUMPY_HEADER_16_INT);
  }

  @Test
  void shouldPadEveryHeaderToAMultipleOf64Bytes() {
    Random rnd = new Random(1);
    for (int i = 0; i < 500; i++) {
      int[] shape = new int[1 + rnd.nextInt(5)];
      for (int d = 0; d < shape.length; d++) {
        shape[d] = 1 + rnd.nextInt(d == 0 ? 1 << rnd.nextInt(31) : 1000);
      }
      String header = new String(Npy.header("<f4", shape), StandardCharsets.ISO_8859_1);

      assertThat(header.length() % 64).as(Arrays.toString(shape)).isZero();
      assertThat(header).endsWith("\n");
    }
  }

  @Test
  void shouldWriteLittleEndianData() {
    byte[] npy = Npy.toBytes(FloatTensor.of(new int[] {2}, new float[] {1.5f, -2f}));

    ByteBuffer data = ByteBuffer.wrap(npy, 128, 8).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(data.getFloat()).isEqualTo(1.5f);
    assertThat(data.getFloat()).isEqualTo(-2f);
  }

  @Test
  void shouldReadBackWhatItWrites() {
    FloatTensor f = TestModels.gaussian(new Random(2), 3, 4, 5);
    IntTensor i = IntTensor.of(new int[] {2, 3}, new int[] {0, -1, 7, Integer.MAX_VALUE, 4, 5});

    assertThat(Npy.readFloat(Npy.toBytes(f))).isEqualTo(f);
    assertThat(Npy.readInt(Npy.toBytes(i))).isEqualTo(i);
  }

  @Test
  void shouldReadVersion2Headers() {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    ByteBuffer b = ByteBuffer.allocate(12 + dict.length() + 1 + 12).order(ByteOrder.LITTLE_ENDIAN);
    b.put(latin1("\u0093NUMPY\u0002\u0000")).putInt(dict.length() + 1).put(latin1(dict + "\n"));
    b.putFloat(1f).putFloat(2f).putFloat(3f);

    assertThat(Npy.readFloat(b.array()).toArray()).containsExactly(1f, 2f, 3f);
  }

  @Test
  void shouldReadHeadersWithOtherKeyOrderQuotesAndPadding() {
    byte[] npy =
        Archive.npy("{\"shape\": (2,3), \"fortran_order\": False, \"descr\": \"<i4\"}", 24);

    assertThat(Npy.readInt(npy).shape()).containsExactly(2, 3);
  }

  @Test
  void shouldRefuseBigEndian() {
    byte[] npy = Archive.npy("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8);

    assertThatThrownBy(() -> Npy.readFloat(npy))
        .hasMessage("dtype '>f4' is big-endian; expected '<f4' (float32)");
  }

  @Test
  void shouldRefuseOtherDtypes() {
    byte[] npy = Archive.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16);

    assertThatThrownBy(() -> Npy.readFloat(npy))
        .hasMessage("dtype '<f8' is not supported here; expected '<f4' (float32, little-endian)");
  }

  @Test
  void shouldRefuseFortranOrder() {
    byte[] npy = Archive.npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16);

    assertThatThrownBy(() -> Npy.readFloat(npy)).hasMessageStartingWith("fortran_order is True");
  }

  @Test
  void shouldRefuseDataShorterThanTheShape() {
    byte[] npy = Archive.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", 12);

    assertThatThrownBy(() -> Npy.readFloat(npy))
        .hasMessage("shape (2, 2) needs 16 bytes of data but the file has 12");
  }

  @Test
  void shouldRefuseDataLongerThanTheShape() {
    byte[] npy = Archive.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 12);

    assertThatThrownBy(() -> Npy.readFloat(npy))
        .hasMessage("shape (2,) needs 8 bytes of data but the file has 12");
  }

  @Test
  void shouldRefuseShapesOverTheElementLimit() {
    byte[] npy =
        Archive.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999, 2), }", 8);

    assertThatThrownBy(() -> Npy.readFloat(npy))
        .hasMessage(
            "shape (99999999999999, 2) has more than 16777216 elements (the per-tensor limit)");
  }

  @Test
  void shouldRefuseScalars() {
    byte[] npy = Archive.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 4);

    assertThatThrownBy(() -> Npy.readFloat(npy)).hasMessageContaining("shape () is a scalar");
  }

  @Test
  void shouldRefuseEmptyArrays() {
    byte[] npy = Archive.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 0), }", 0);

    assertThatThrownBy(() -> Npy.readFloat(npy))
        .hasMessage("shape (3, 0) has a non-positive dimension");
  }

  @Test
  void shouldRefuseFilesWithoutTheMagic() {
    assertThatThrownBy(() -> Npy.readFloat(latin1("PK\u0003\u0004 not numpy")))
        .hasMessageStartingWith("not a .npy file");
  }

  @Test
  void shouldRefuseVersion3Headers() {
    byte[] npy = Archive.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4);
    npy[6] = 3;

    assertThatThrownBy(() -> Npy.readFloat(npy))
        .hasMessage(".npy format version 3.0 is not supported (1.0 and 2.0 are)");
  }

  @Test
  void shouldRefuseTruncatedHeaders() {
    byte[] npy = Archive.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4);

    assertThatThrownBy(() -> Npy.readFloat(Arrays.copyOf(npy, 40)))
        .hasMessage("truncated .npy header");
  }

  @Test
  void shouldRefuseHeadersWithExtraKeys() {
    byte[] npy =
        Archive.npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': True, }", 4);

    assertThatThrownBy(() -> Npy.readFloat(npy))
        .hasMessage("malformed .npy header: unexpected key 'extra'");
  }

  @Test
  void shouldRefuseHeadersThatAreNotADict() {
    byte[] npy = Archive.npy("__import__('os').system('true')", 4);

    assertThatThrownBy(() -> Npy.readFloat(npy)).hasMessageStartingWith("malformed .npy header");
  }
}
