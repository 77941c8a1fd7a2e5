package io.pinwheel.extractor.model;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Checks a ZIP archive's central directory against the entries read in sequence from its local
 * headers.
 *
 * <p>{@link java.util.zip.ZipInputStream} reads local headers one after another and never looks at
 * the central directory, while Python's zipfile (and most tools) read only the central directory.
 * Without this check a truncated file could look like a valid shorter archive, and a crafted file
 * could show one set of entries to pinwheel and another to numpy.
 */
final class CentralDirectory {
  /** The central directory of 256 entries fits many times over; anything bigger is refused. */
  static final int MAX_TAIL_BYTES = 2 << 20;

  private static final int EOCD_SIGNATURE = 0x06054b50;
  private static final int CEN_SIGNATURE = 0x02014b50;
  private static final int EOCD_SIZE = 22;
  private static final int CEN_SIZE = 46;

  private CentralDirectory() {}

  /**
   * Why the central directory at the end of {@code tail} (the last bytes of the file) does not list
   * exactly {@code entries}, by name, in order, with the same CRC-32 and size; null when it does.
   */
  static String mismatch(byte[] tail, Map<String, byte[]> entries) {
    ByteBuffer b = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN);
    int eocd = -1;
    for (int p = tail.length - EOCD_SIZE; p >= 0 && p >= tail.length - EOCD_SIZE - 0xffff; p--) {
      if (b.getInt(p) == EOCD_SIGNATURE
          && p + EOCD_SIZE + (b.getShort(p + 20) & 0xffff) == tail.length) {
        eocd = p;
        break;
      }
    }
    if (eocd < 0) {
      return "no end-of-central-directory record; the file is truncated or not a ZIP archive";
    }
    int disk = b.getShort(eocd + 4) & 0xffff;
    int cenDisk = b.getShort(eocd + 6) & 0xffff;
    int count = b.getShort(eocd + 10) & 0xffff;
    long cenSize = b.getInt(eocd + 12) & 0xffffffffL;
    if (disk != 0 || cenDisk != 0) {
      return "multi-volume ZIP archives are not supported";
    }
    if (count == 0xffff || cenSize == 0xffffffffL) {
      return "ZIP64 archives are not supported";
    }
    if (count != entries.size()) {
      return "the central directory lists "
          + count
          + " entries but the archive holds "
          + entries.size();
    }
    if (cenSize > eocd) {
      return "the central directory is larger than " + MAX_TAIL_BYTES + " bytes or truncated";
    }
    List<String> names = new ArrayList<>(entries.keySet());
    int p = (int) (eocd - cenSize);
    for (int i = 0; i < count; i++) {
      if (p + CEN_SIZE > eocd || b.getInt(p) != CEN_SIGNATURE) {
        return "central directory record " + i + " is malformed";
      }
      long crc = b.getInt(p + 16) & 0xffffffffL;
      long size = b.getInt(p + 24) & 0xffffffffL;
      int nameLen = b.getShort(p + 28) & 0xffff;
      int extraLen = b.getShort(p + 30) & 0xffff;
      int commentLen = b.getShort(p + 32) & 0xffff;
      if (p + CEN_SIZE + nameLen > eocd) {
        return "central directory record " + i + " is malformed";
      }
      String name = new String(tail, p + CEN_SIZE, nameLen, StandardCharsets.UTF_8);
      if (!name.equals(names.get(i))) {
        return "the central directory lists \""
            + name
            + "\" where the archive holds \""
            + names.get(i)
            + "\"";
      }
      byte[] data = entries.get(name);
      CRC32 actual = new CRC32();
      actual.update(data);
      if (size != data.length || crc != actual.getValue()) {
        return "the central directory's size or CRC-32 of \"" + name + "\" does not match its data";
      }
      p += CEN_SIZE + nameLen + extraLen + commentLen;
    }
    if (p != eocd) {
      return "the central directory has trailing bytes";
    }
    return null;
  }

  /** Passes bytes through, keeping the last {@link #MAX_TAIL_BYTES} of them. */
  static final class TailCapture extends FilterInputStream {
    private final byte[] ring = new byte[MAX_TAIL_BYTES];
    private long count;

    TailCapture(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int c = super.read();
      if (c >= 0) {
        ring[(int) (count++ % ring.length)] = (byte) c;
      }
      return c;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = in.read(buf, off, len);
      for (int i = 0; i < n; i++) {
        ring[(int) (count++ % ring.length)] = buf[off + i];
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // Skipped bytes must be seen too; read them instead.
      byte[] buf = new byte[8192];
      long done = 0;
      while (done < n) {
        int r = read(buf, 0, (int) Math.min(buf.length, n - done));
        if (r < 0) {
          break;
        }
        done += r;
      }
      return done;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    /** Reads to the end of the stream, or just past {@code limit} bytes; returns the count. */
    long drain(long limit) throws IOException {
      byte[] buf = new byte[8192];
      long n = 0;
      int r;
      while (n <= limit && (r = read(buf, 0, buf.length)) >= 0) {
        n += r;
      }
      return n;
    }

    /** The last bytes read, at most {@link #MAX_TAIL_BYTES} of them, in order. */
    byte[] tail() {
      int len = (int) Math.min(count, ring.length);
      byte[] out = new byte[len];
      int start = (int) ((count - len) % ring.length);
      int first = Math.min(len, ring.length - start);
      System.arraycopy(ring, start, out, 0, first);
      System.arraycopy(ring, 0, out, first, len - first);
      return out;
    }
  }
}
