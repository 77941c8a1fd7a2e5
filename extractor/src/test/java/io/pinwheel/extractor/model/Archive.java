package io.pinwheel.extractor.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * An encoder file taken apart for editing, so tests can build hostile files by hand: change the
 * manifest or entries, optionally fix the checksums, and zip it up again with java.util.zip. Public
 * for other modules' tests (the extractor's test-jar), such as forged signed files in topology's.
 */
public final class Archive {
  public static final ObjectMapper JSON = new ObjectMapper();

  /** Entries other than manifest.json, in archive order. */
  public final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>();

  /** The manifest, editable. */
  public ObjectNode manifest;

  /** Whether manifest.json is written after the tensors instead of first. */
  public boolean manifestLast;

  /** Whether entries are deflated instead of stored. */
  public boolean deflate;

  /** manifest.json as it was in the file taken apart. */
  public byte[] manifestBytes;

  /** The archive comment (where a signature lives), or null for none. */
  public String comment;

  private Archive() {}

  /** Takes apart a well-formed encoder file. */
  public static Archive of(byte[] pwe) {
    Archive a = new Archive();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(pwe))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        byte[] data = zip.readAllBytes();
        if (e.getName().equals("manifest.json")) {
          a.manifestBytes = data;
          a.manifest = (ObjectNode) JSON.readTree(data);
        } else {
          a.entries.put(e.getName(), data);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    a.comment = comment(pwe);
    return a;
  }

  /** The comment of the end-of-central-directory record at the end of a ZIP file, or null. */
  private static String comment(byte[] zip) {
    for (int p = zip.length - 22; p >= 0; p--) {
      if (zip[p] == 'P' && zip[p + 1] == 'K' && zip[p + 2] == 5 && zip[p + 3] == 6) {
        int length = (zip[p + 20] & 0xff) | (zip[p + 21] & 0xff) << 8;
        if (p + 22 + length == zip.length) {
          return length == 0 ? null : new String(zip, p + 22, length, StandardCharsets.UTF_8);
        }
      }
    }
    return null;
  }

  /** The manifest's "files" object. */
  public ObjectNode files() {
    return (ObjectNode) manifest.get("files");
  }

  /** The manifest's layers[i] object. */
  public ObjectNode layer(int i) {
    return (ObjectNode) manifest.get("layers").get(i);
  }

  /** Replaces (or adds) an entry and lists it in "files" with its true checksum. */
  public Archive putListed(String name, byte[] data) {
    entries.put(name, data);
    files().put(name, sha256(data));
    return this;
  }

  /** The zip bytes, with the manifest serialized compactly. */
  public byte[] toBytes() {
    try {
      return zip(manifestText().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The manifest as compact JSON text. */
  public String manifestText() {
    try {
      return JSON.writeValueAsString(manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The zip bytes with {@code manifestBytes} as manifest.json (for malformed manifests). */
  public byte[] zip(byte[] manifestBytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setMethod(deflate ? ZipOutputStream.DEFLATED : ZipOutputStream.STORED);
      if (!manifestLast) {
        put(zip, "manifest.json", manifestBytes);
      }
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        put(zip, e.getKey(), e.getValue());
      }
      if (manifestLast) {
        put(zip, "manifest.json", manifestBytes);
      }
      if (comment != null) {
        zip.setComment(comment);
      }
    }
    return out.toByteArray();
  }

  private void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    if (!deflate) {
      CRC32 crc = new CRC32();
      crc.update(data);
      e.setSize(data.length);
      e.setCompressedSize(data.length);
      e.setCrc(crc.getValue());
    }
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }

  /** Lowercase hex SHA-256. */
  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A hand-made .npy file: {@code header} is the dict text, padded by this method. */
  public static byte[] npy(String header, int dataBytes) {
    StringBuilder h = new StringBuilder(header);
    while ((10 + h.length() + 1) % 64 != 0) {
      h.append(' ');
    }
    h.append('\n');
    byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[10 + head.length + dataBytes];
    byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
    System.arraycopy(magic, 0, out, 0, 8);
    out[8] = (byte) head.length;
    out[9] = (byte) (head.length >> 8);
    System.arraycopy(head, 0, out, 10, head.length);
    return out;
  }
}
