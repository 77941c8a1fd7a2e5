package io.pinwheel.extractor.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The NumPy {@code .npy} file format, restricted to what encoder files use: little-endian float32
 * ({@code '<f4'}) and int32 ({@code '<i4'}) arrays in C order.
 *
 * <p>{@link #toBytes(FloatTensor)} writes exactly the bytes {@code numpy.save} writes for the same
 * array (format version 1.0, header padded to a multiple of 64 bytes), so files round-trip through
 * numpy unchanged. The readers accept what numpy writes (versions 1.0 and 2.0, any header padding)
 * and refuse everything else with an {@link IllegalArgumentException} whose message says what is
 * wrong, so that callers can prefix the file name.
 *
 * <p>A reader never trusts the header: the declared shape is checked against the per-tensor limit
 * and against the number of data bytes actually present before any array is allocated.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  /** Files numpy writes never have a longer header; refusing longer ones bounds what we parse. */
  private static final int MAX_HEADER_BYTES = 65_536;

  /** numpy leaves room in the header so the first axis can grow in place to 21 digits. */
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;

  private static final int ALIGN = 64;
  private static final String FLOAT32 = "<f4";
  private static final String INT32 = "<i4";

  private Npy() {}

  /** The {@code .npy} bytes of {@code tensor}, identical to what {@code numpy.save} writes. */
  public static byte[] toBytes(FloatTensor tensor) {
    ByteBuffer buf = allocate(FLOAT32, tensor.shape(), tensor.size());
    for (int i = 0; i < tensor.size(); i++) {
      buf.putFloat(tensor.get(i));
    }
    return buf.array();
  }

  /** The {@code .npy} bytes of {@code tensor}, identical to what {@code numpy.save} writes. */
  public static byte[] toBytes(IntTensor tensor) {
    ByteBuffer buf = allocate(INT32, tensor.shape(), tensor.size());
    for (int i = 0; i < tensor.size(); i++) {
      buf.putInt(tensor.get(i));
    }
    return buf.array();
  }

  /**
   * Parses a float32 {@code .npy} file.
   *
   * @throws IllegalArgumentException if the bytes are not a C-order little-endian float32 array
   *     within the per-tensor limit, or the data length does not match the shape
   */
  public static FloatTensor readFloat(byte[] npy) {
    Header h = parse(npy, FLOAT32, "float32");
    ByteBuffer data = ByteBuffer.wrap(npy, h.dataOffset, npy.length - h.dataOffset);
    float[] values = new float[h.count];
    data.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return FloatTensor.of(h.shape, values);
  }

  /**
   * Parses an int32 {@code .npy} file.
   *
   * @throws IllegalArgumentException if the bytes are not a C-order little-endian int32 array
   *     within the per-tensor limit, or the data length does not match the shape
   */
  public static IntTensor readInt(byte[] npy) {
    Header h = parse(npy, INT32, "int32");
    ByteBuffer data = ByteBuffer.wrap(npy, h.dataOffset, npy.length - h.dataOffset);
    int[] values = new int[h.count];
    data.order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(values);
    return IntTensor.of(h.shape, values);
  }

  private static ByteBuffer allocate(String descr, int[] shape, int count) {
    byte[] header = header(descr, shape);
    return ByteBuffer.allocate(header.length + 4 * count)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put(header);
  }

  /** Mirrors numpy.lib.format._write_array_header and _wrap_header for version 1.0. */
  static byte[] header(String descr, int[] shape) {
    StringBuilder dict = new StringBuilder();
    dict.append("{'descr': '")
        .append(descr)
        .append("', 'fortran_order': False, 'shape': ")
        .append(tupleRepr(Arrays.stream(shape).asLongStream().toArray()))
        .append(", }");
    dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length()));
    int prefix = MAGIC.length + 2 + 2;
    int hlen = dict.length() + 1;
    // Like numpy, pad with a full 64 bytes when already aligned rather than with none.
    int padlen = ALIGN - ((prefix + hlen) % ALIGN);
    dict.append(" ".repeat(padlen)).append('\n');
    int headerLen = dict.length();
    ByteBuffer buf = ByteBuffer.allocate(prefix + headerLen).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLen);
    buf.put(dict.toString().getBytes(StandardCharsets.ISO_8859_1));
    return buf.array();
  }

  /** Python's repr of a shape tuple: {@code (16,)} for one dimension. */
  private static String tupleRepr(long[] dims) {
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        s.append(", ");
      }
      s.append(dims[i]);
    }
    return s.append(dims.length == 1 ? ",)" : ")").toString();
  }

  private record Header(int[] shape, int count, int dataOffset) {}

  private static Header parse(byte[] npy, String wantDescr, String wantName) {
    if (npy.length < MAGIC.length + 2 || !Arrays.equals(npy, 0, MAGIC.length, MAGIC, 0, 6)) {
      throw new IllegalArgumentException("not a .npy file (no \\x93NUMPY magic)");
    }
    int major = npy[6] & 0xff;
    int minor = npy[7] & 0xff;
    int lenBytes;
    if (major == 1 && minor == 0) {
      lenBytes = 2;
    } else if (major == 2 && minor == 0) {
      lenBytes = 4;
    } else {
      throw new IllegalArgumentException(
          ".npy format version " + major + "." + minor + " is not supported (1.0 and 2.0 are)");
    }
    int start = 8 + lenBytes;
    if (npy.length < start) {
      throw new IllegalArgumentException("truncated .npy header");
    }
    ByteBuffer lenBuf = ByteBuffer.wrap(npy, 8, lenBytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLen = lenBytes == 2 ? lenBuf.getShort() & 0xffffL : lenBuf.getInt() & 0xffffffffL;
    if (headerLen > MAX_HEADER_BYTES) {
      throw new IllegalArgumentException(
          ".npy header is " + headerLen + " bytes, more than " + MAX_HEADER_BYTES);
    }
    if (npy.length - start < headerLen) {
      throw new IllegalArgumentException("truncated .npy header");
    }
    String text = new String(npy, start, (int) headerLen, StandardCharsets.ISO_8859_1);
    Map<String, Object> dict = new HeaderParser(text).parse();

    Object descr = dict.get("descr");
    if (!(descr instanceof String d)) {
      throw new IllegalArgumentException("malformed .npy header: descr must be a string");
    }
    if (!d.equals(wantDescr)) {
      if (d.startsWith(">")) {
        throw new IllegalArgumentException(
            "dtype '" + d + "' is big-endian; expected '" + wantDescr + "' (" + wantName + ")");
      }
      throw new IllegalArgumentException(
          "dtype '"
              + d
              + "' is not supported here; expected '"
              + wantDescr
              + "' ("
              + wantName
              + ", little-endian)");
    }
    Object fortran = dict.get("fortran_order");
    if (!(fortran instanceof Boolean f)) {
      throw new IllegalArgumentException("malformed .npy header: fortran_order must be True/False");
    }
    if (f) {
      throw new IllegalArgumentException(
          "fortran_order is True; only C order is supported (save numpy.ascontiguousarray(a))");
    }
    Object shapeObj = dict.get("shape");
    if (!(shapeObj instanceof long[] dims)) {
      throw new IllegalArgumentException("malformed .npy header: shape must be a tuple");
    }
    String repr = tupleRepr(dims);
    if (dims.length == 0) {
      throw new IllegalArgumentException("shape () is a scalar; tensors need at least one axis");
    }
    long count = 1;
    int[] shape = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] <= 0) {
        throw new IllegalArgumentException("shape " + repr + " has a non-positive dimension");
      }
      count *= dims[i];
      // Checked per factor so the product cannot overflow before we notice.
      if (dims[i] > Shapes.MAX_ELEMENTS || count > Shapes.MAX_ELEMENTS) {
        throw new IllegalArgumentException(
            "shape "
                + repr
                + " has more than "
                + Shapes.MAX_ELEMENTS
                + " elements (the per-tensor limit)");
      }
      shape[i] = (int) dims[i];
    }
    long dataOffset = start + headerLen;
    long want = 4 * count;
    long have = npy.length - dataOffset;
    if (have != want) {
      throw new IllegalArgumentException(
          "shape " + repr + " needs " + want + " bytes of data but the file has " + have);
    }
    return new Header(shape, (int) count, (int) dataOffset);
  }

  /**
   * Parses the Python dict literal numpy writes as the header. Only the grammar numpy produces is
   * accepted: string keys, and string, True/False and int-tuple values.
   */
  private static final class HeaderParser {
    private final String s;
    private int pos;

    HeaderParser(String s) {
      this.s = s;
    }

    Map<String, Object> parse() {
      Map<String, Object> out = new HashMap<>();
      skipSpace();
      expect('{');
      while (true) {
        skipSpace();
        if (peek() == '}') {
          pos++;
          break;
        }
        String key = string();
        skipSpace();
        expect(':');
        skipSpace();
        Object value = value();
        if (!List.of("descr", "fortran_order", "shape").contains(key)) {
          throw malformed("unexpected key '" + key + "'");
        }
        if (out.put(key, value) != null) {
          throw malformed("duplicate key '" + key + "'");
        }
        skipSpace();
        if (peek() == ',') {
          pos++;
        } else if (peek() != '}') {
          throw malformed("expected ',' or '}' at offset " + pos);
        }
      }
      skipSpace();
      if (pos != s.length()) {
        throw malformed("unexpected text after the dict");
      }
      if (out.size() != 3) {
        throw malformed("it must have the keys descr, fortran_order and shape");
      }
      return out;
    }

    private Object value() {
      char c = peek();
      if (c == '\'' || c == '"') {
        return string();
      }
      if (s.startsWith("True", pos)) {
        pos += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("False", pos)) {
        pos += 5;
        return Boolean.FALSE;
      }
      if (c == '(') {
        return tuple();
      }
      throw malformed("unexpected value at offset " + pos);
    }

    private long[] tuple() {
      expect('(');
      List<Long> dims = new ArrayList<>();
      boolean trailingComma = false;
      while (true) {
        skipSpace();
        if (peek() == ')') {
          pos++;
          break;
        }
        dims.add(integer());
        skipSpace();
        if (peek() == ',') {
          pos++;
          trailingComma = true;
        } else if (peek() == ')') {
          trailingComma = false;
        } else {
          throw malformed("expected ',' or ')' in shape at offset " + pos);
        }
      }
      if (dims.size() == 1 && !trailingComma) {
        // "(16)" is just the integer 16 in Python, not a tuple.
        throw malformed("shape must be a tuple");
      }
      return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private long integer() {
      int begin = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos)) && pos - begin < 19) {
        pos++;
      }
      if (pos == begin) {
        throw malformed("expected an integer in shape at offset " + pos);
      }
      if (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        throw malformed("dimension too large in shape");
      }
      return Long.parseLong(s.substring(begin, pos));
    }

    private String string() {
      char quote = peek();
      if (quote != '\'' && quote != '"') {
        throw malformed("expected a quoted key at offset " + pos);
      }
      int end = s.indexOf(quote, pos + 1);
      if (end < 0) {
        throw malformed("unterminated string");
      }
      String out = s.substring(pos + 1, end);
      if (out.indexOf('\\') >= 0) {
        throw malformed("escapes in strings are not supported");
      }
      pos = end + 1;
      return out;
    }

    private void skipSpace() {
      while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
        pos++;
      }
    }

    private char peek() {
      if (pos >= s.length()) {
        throw malformed("unexpected end of header");
      }
      return s.charAt(pos);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw malformed("expected '" + c + "' at offset " + pos);
      }
      pos++;
    }

    private IllegalArgumentException malformed(String why) {
      return new IllegalArgumentException("malformed .npy header: " + why);
    }
  }
}
