package io.pinwheel.extractor.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Signed encoder files (docs/encoder-format.md, section 10): an Ed25519 signature over {@code
 * manifest.json}, which lists every other entry's SHA-256, kept in the ZIP archive's comment.
 *
 * <p>The signature is not an archive entry, so the rule that every entry is listed in the manifest
 * stands, and a reader that knows nothing of signatures reads a signed file as before (the archive
 * comment is outside every entry). The signed message is {@value #DOMAIN} followed by the exact
 * bytes of {@code manifest.json}. The comment is one line of JSON:
 *
 * <pre>{"pinwheelSignature":1,"algorithm":"Ed25519","keyId":"<64 hex>","signature":"<base64>"}
 * </pre>
 *
 * <p>{@code keyId} is the SHA-256 of the public key's X.509 (SubjectPublicKeyInfo) encoding, the
 * DER inside its PEM file. Keys are PEM files: {@code PRIVATE KEY} (PKCS#8) and {@code PUBLIC KEY}.
 * Ed25519 is the JDK's own (Java 15 on); nothing else is needed.
 */
public final class ModelSignatures {
  /** The prefix of every signed message, so that a signing key signs nothing else by mistake. */
  public static final String DOMAIN = "pinwheel-encoder-signature/1\n";

  /** The version of the signature block this reader knows. */
  public static final int SIGNATURE_VERSION = 1;

  private static final String ALGORITHM = "Ed25519";
  private static final int EOCD_SIGNATURE = 0x06054b50;
  private static final int EOCD_SIZE = 22;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelSignatures() {}

  /** What a signature check found; {@link #tag()} is the reason a service logs and counts. */
  public enum Status {
    /** Signed by a trusted key, and the signature verifies. */
    SIGNED,
    /** No signature at all. */
    UNSIGNED,
    /** Signed, but by a key not among the trusted ones. */
    UNTRUSTED_KEY,
    /** Signed by a trusted key, but the signature does not verify, or cannot be read. */
    BAD_SIGNATURE;

    /**
     * Returns the reason's name in logs and metrics.
     *
     * @return {@code signed}, {@code unsigned}, {@code untrusted-key} or {@code bad-signature}
     */
    public String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * The outcome of {@link #verify}.
   *
   * @param status what was found
   * @param keyId the key id the file names, or empty when it names none
   * @param message one line saying what was found, for logs
   */
  public record Verdict(Status status, String keyId, String message) {
    /** Checks the components. */
    public Verdict {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(message, "message");
    }

    /**
     * Tells whether the file may be served.
     *
     * @return true for {@link Status#SIGNED}
     */
    public boolean trusted() {
      return status == Status.SIGNED;
    }
  }

  /**
   * Makes a new Ed25519 key pair.
   *
   * @return the pair
   */
  public static KeyPair generateKeyPair() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no " + ALGORITHM, e);
    }
  }

  /**
   * Returns a key's id: the SHA-256 of its X.509 encoding, as 64 lowercase hex digits.
   *
   * @param key an Ed25519 public key
   * @return the id
   */
  public static String keyId(PublicKey key) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * Returns a private key as PEM ({@code -----BEGIN PRIVATE KEY-----}, PKCS#8).
   *
   * @param key the private key
   * @return the PEM text
   */
  public static String pem(PrivateKey key) {
    return pem("PRIVATE KEY", key.getEncoded());
  }

  /**
   * Returns a public key as PEM ({@code -----BEGIN PUBLIC KEY-----}, X.509).
   *
   * @param key the public key
   * @return the PEM text
   */
  public static String pem(PublicKey key) {
    return pem("PUBLIC KEY", key.getEncoded());
  }

  /**
   * Reads an Ed25519 private key from a PEM file.
   *
   * @param file a {@code PRIVATE KEY} PEM file, as {@code pinwheel keygen} writes
   * @return the key
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file, if it holds no Ed25519 private key
   */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    byte[] der = der(file, "PRIVATE KEY");
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + ": not an Ed25519 private key (" + e + ")", e);
    }
  }

  /**
   * Reads an Ed25519 public key from a PEM file.
   *
   * @param file a {@code PUBLIC KEY} PEM file, as {@code pinwheel keygen} writes
   * @return the key
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file, if it holds no Ed25519 public key
   */
  public static PublicKey readPublicKey(Path file) throws IOException {
    byte[] der = der(file, "PUBLIC KEY");
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + ": not an Ed25519 public key (" + e + ")", e);
    }
  }

  /**
   * Signs an encoder file: returns its bytes with the archive comment set to a signature of its
   * manifest. Any earlier signature is replaced; nothing else changes.
   *
   * @param pwe the encoder file's bytes; its manifest is what gets signed
   * @param key the private key
   * @param publicKey its public key, whose id goes into the signature
   * @return the signed file's bytes
   * @throws InvalidModelException if the bytes hold no manifest or end in no ZIP directory
   */
  public static byte[] sign(byte[] pwe, PrivateKey key, PublicKey publicKey)
      throws InvalidModelException {
    byte[] manifest = manifest(pwe);
    byte[] signature;
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(DOMAIN.getBytes(StandardCharsets.UTF_8));
      s.update(manifest);
      signature = s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
    }
    ObjectNode block = JSON.createObjectNode();
    block.put("pinwheelSignature", SIGNATURE_VERSION);
    block.put("algorithm", ALGORITHM);
    block.put("keyId", keyId(publicKey));
    block.put("signature", Base64.getEncoder().encodeToString(signature));
    return withComment(pwe, block.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Signs the encoder file at {@code file} in place, after checking that it is a valid model; the
   * file is replaced atomically, as {@link EncoderFile#write} writes.
   *
   * @param file the {@code .pwe} file
   * @param key the private key
   * @param publicKey its public key
   * @return the model that was signed
   * @throws IOException if the file cannot be read or written
   * @throws InvalidModelException if it is not a valid encoder file; nothing is written then
   */
  public static EncoderModel signFile(Path file, PrivateKey key, PublicKey publicKey)
      throws IOException, InvalidModelException {
    byte[] bytes = Files.readAllBytes(file);
    EncoderModel model = EncoderFile.read(bytes, file.toString());
    EncoderFile.writeAtomically(sign(bytes, key, publicKey), file);
    return model;
  }

  /**
   * Reads the public key kept beside a private key in a file {@code pinwheel keygen} wrote.
   *
   * @param privateKeyFile the private key file
   * @return its {@code PUBLIC KEY} block
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException naming the file, if it holds no Ed25519 public key
   */
  public static PublicKey readPublicKeyBeside(Path privateKeyFile) throws IOException {
    return readPublicKey(privateKeyFile);
  }

  /**
   * Checks an encoder file's signature against trusted keys. Only the signature is checked: that
   * the manifest's checksums match the entries is the reader's part ({@link EncoderFile#read}).
   *
   * @param pwe the encoder file's bytes
   * @param trusted the trusted public keys by {@link #keyId}
   * @return what was found; never throws for bad bytes
   */
  public static Verdict verify(byte[] pwe, Map<String, PublicKey> trusted) {
    byte[] comment;
    try {
      comment = comment(pwe);
    } catch (InvalidModelException e) {
      return new Verdict(Status.UNSIGNED, "", "not signed: " + e.getMessage());
    }
    if (comment.length == 0) {
      return new Verdict(Status.UNSIGNED, "", "not signed");
    }
    JsonNode block;
    try {
      block = JSON.readTree(comment);
    } catch (IOException e) {
      return new Verdict(
          Status.UNSIGNED, "", "not signed (the archive comment is not a pinwheel signature)");
    }
    if (block == null || !block.has("pinwheelSignature")) {
      return new Verdict(
          Status.UNSIGNED, "", "not signed (the archive comment is not a pinwheel signature)");
    }
    String keyId = block.path("keyId").asText("");
    if (block.path("pinwheelSignature").asInt(-1) != SIGNATURE_VERSION
        || !ALGORITHM.equals(block.path("algorithm").asText())) {
      return new Verdict(
          Status.BAD_SIGNATURE,
          keyId,
          "signature block version "
              + block.path("pinwheelSignature")
              + " with algorithm "
              + block.path("algorithm")
              + " is not one this pinwheel checks (version 1, Ed25519); it may need a newer"
              + " pinwheel");
    }
    PublicKey key = trusted.get(keyId);
    if (key == null) {
      return new Verdict(
          Status.UNTRUSTED_KEY,
          keyId,
          "signed by key " + shortId(keyId) + ", which is not trusted");
    }
    try {
      byte[] signature = Base64.getDecoder().decode(block.path("signature").asText(""));
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(DOMAIN.getBytes(StandardCharsets.UTF_8));
      s.update(manifest(pwe));
      if (s.verify(signature)) {
        return new Verdict(Status.SIGNED, keyId, "signed by trusted key " + shortId(keyId));
      }
    } catch (IllegalArgumentException | GeneralSecurityException | InvalidModelException e) {
      return new Verdict(
          Status.BAD_SIGNATURE,
          keyId,
          "the signature by key " + shortId(keyId) + " cannot be checked: " + e.getMessage());
    }
    return new Verdict(
        Status.BAD_SIGNATURE,
        keyId,
        "the signature by key " + shortId(keyId) + " does not match the manifest (changed since)");
  }

  /** The first 16 hex digits of a key id, enough to tell keys apart in a log line. */
  public static String shortId(String keyId) {
    return keyId.length() > 16 ? keyId.substring(0, 16) : keyId;
  }

  // ---------------------------------------------------------------- the archive

  /** The bytes of the {@code manifest.json} entry. */
  static byte[] manifest(byte[] pwe) throws InvalidModelException {
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(pwe))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        if (e.getName().equals(Manifest.NAME)) {
          return zip.readNBytes(Math.toIntExact(EncoderFile.Limits.V1.maxManifestBytes() + 1));
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidModelException("not a readable ZIP archive (" + e.getMessage() + ")", e);
    }
    throw new InvalidModelException("the ZIP archive has no " + Manifest.NAME);
  }

  /** The offset of the end-of-central-directory record, whose comment runs to the file's end. */
  private static int endOfDirectory(byte[] pwe) throws InvalidModelException {
    ByteBuffer b = ByteBuffer.wrap(pwe).order(ByteOrder.LITTLE_ENDIAN);
    for (int p = pwe.length - EOCD_SIZE; p >= 0 && p >= pwe.length - EOCD_SIZE - 0xffff; p--) {
      if (b.getInt(p) == EOCD_SIGNATURE
          && p + EOCD_SIZE + (b.getShort(p + 20) & 0xffff) == pwe.length) {
        return p;
      }
    }
    throw new InvalidModelException("no end-of-central-directory record (not a ZIP archive?)");
  }

  private static byte[] comment(byte[] pwe) throws InvalidModelException {
    int p = endOfDirectory(pwe);
    return Arrays.copyOfRange(pwe, p + EOCD_SIZE, pwe.length);
  }

  private static byte[] withComment(byte[] pwe, byte[] comment) throws InvalidModelException {
    if (comment.length > 0xffff) {
      throw new IllegalArgumentException("a ZIP comment holds at most 65535 bytes");
    }
    int p = endOfDirectory(pwe);
    byte[] out = Arrays.copyOf(pwe, p + EOCD_SIZE + comment.length);
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putShort(p + 20, (short) comment.length);
    System.arraycopy(comment, 0, out, p + EOCD_SIZE, comment.length);
    return out;
  }

  // ---------------------------------------------------------------- PEM

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static byte[] der(Path file, String type) throws IOException {
    // Decoded leniently: a binary file then fails the PEM check below, which names the problem,
    // rather than the decoder's bare "Input length = 1".
    String text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      throw new IllegalArgumentException(
          file + ": not a PEM file with a " + type + " (no '" + begin + "' line)");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException(file + ": the " + type + " is not valid base64", ex);
    }
  }
}
