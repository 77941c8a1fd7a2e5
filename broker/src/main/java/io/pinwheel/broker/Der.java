package io.pinwheel.broker;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The few ASN.1 DER encodings an X.509 certificate needs (ITU-T X.690), for {@link
 * CertificateAuthority}: each method returns one complete element, tag and length included.
 */
final class Der {
  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GENERALIZED_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

  private Der() {}

  static byte[] sequence(byte[]... elements) {
    return element(0x30, concat(elements));
  }

  static byte[] set(byte[]... elements) {
    return element(0x31, concat(elements));
  }

  static byte[] integer(BigInteger value) {
    return element(0x02, value.toByteArray());
  }

  static byte[] bool(boolean value) {
    return element(0x01, new byte[] {(byte) (value ? 0xFF : 0x00)});
  }

  static byte[] octetString(byte[] value) {
    return element(0x04, value);
  }

  /** A BIT STRING of whole bytes (no unused bits), such as a signature. */
  static byte[] bitString(byte[] value) {
    byte[] content = new byte[value.length + 1];
    System.arraycopy(value, 0, content, 1, value.length);
    return element(0x03, content);
  }

  /**
   * A named-bit BIT STRING (keyUsage) with bits {@code 0..7} set as in {@code bits}, where bit 0 is
   * the most significant bit of the first byte; trailing zero bits are dropped as DER requires.
   */
  static byte[] namedBits(int... bits) {
    int value = 0;
    int highest = 0;
    for (int b : bits) {
      if (b < 0 || b > 7) {
        throw new IllegalArgumentException("only bits 0-7 are supported: " + b);
      }
      value |= 0x80 >> b;
      highest = Math.max(highest, b);
    }
    return element(0x03, new byte[] {(byte) (7 - highest), (byte) value});
  }

  static byte[] utf8String(String value) {
    return element(0x0C, value.getBytes(StandardCharsets.UTF_8));
  }

  /** UTCTime up to 2049, GeneralizedTime from 2050 on (RFC 5280, 4.1.2.5). */
  static byte[] time(ZonedDateTime t) {
    return t.getYear() < 2050
        ? element(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII))
        : element(0x18, GENERALIZED_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
  }

  /** An OBJECT IDENTIFIER from its dotted form, such as {@code 2.5.4.3}. */
  static byte[] oid(String dotted) {
    String[] parts = dotted.split("\\.");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(Integer.parseInt(parts[0]) * 40 + Integer.parseInt(parts[1]));
    for (int i = 2; i < parts.length; i++) {
      long arc = Long.parseLong(parts[i]);
      int groups = 1;
      while ((arc >> (7 * groups)) != 0) {
        groups++;
      }
      for (int g = groups - 1; g >= 0; g--) {
        int seven = (int) ((arc >> (7 * g)) & 0x7F);
        out.write(g == 0 ? seven : seven | 0x80);
      }
    }
    return element(0x06, out.toByteArray());
  }

  /** A context-specific constructed tag {@code [n]} around an element (EXPLICIT tagging). */
  static byte[] explicit(int n, byte[] element) {
    return element(0xA0 | n, element);
  }

  /** A context-specific primitive tag {@code [n]} with the given content (IMPLICIT tagging). */
  static byte[] implicit(int n, byte[] content) {
    return element(0x80 | n, content);
  }

  static byte[] element(int tag, byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
    out.write(tag);
    int n = content.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write(n >>> (8 * i));
      }
    }
    out.writeBytes(content);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
