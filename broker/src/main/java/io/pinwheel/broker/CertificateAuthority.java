package io.pinwheel.broker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A certificate authority made on the spot with the JDK alone ({@code java.security}): an EC P-256
 * key and a self-signed CA certificate, which issues server certificates for a TLS listener.
 *
 * <p>For the embedded broker's {@code SASL_SSL} listener and for tests that need a CA nobody else
 * trusts. Certificates are X.509 v3 with the extensions TLS peers check: basic constraints and key
 * usage, subject alternative names (the host names and addresses clients connect to, which Java and
 * OpenSSL verify), extended key usage (server and client authentication) and key identifiers. The
 * CA's private key stays in memory.
 *
 * <pre>{@code
 * CertificateAuthority ca = CertificateAuthority.create("pinwheel test CA");
 * CertificateAuthority.Issued server =
 *     ca.issue("pinwheel-broker", List.of("localhost"), List.of(InetAddress.getLoopbackAddress()));
 * server.writePkcs12(dir.resolve("broker.p12"), "broker", password);
 * ca.writeCertificatePem(dir.resolve("ca.pem"));
 * }</pre>
 */
public final class CertificateAuthority {
  private static final String KEY_ALGORITHM = "EC";
  private static final String CURVE = "secp256r1";
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final String ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
  private static final String COMMON_NAME = "2.5.4.3";
  private static final String SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
  private static final String KEY_USAGE = "2.5.29.15";
  private static final String SUBJECT_ALT_NAME = "2.5.29.17";
  private static final String BASIC_CONSTRAINTS = "2.5.29.19";
  private static final String AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";
  private static final String EXTENDED_KEY_USAGE = "2.5.29.37";
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_CERT_SIGN = 5;
  private static final int CRL_SIGN = 6;

  /** How long certificates are valid: long enough for a kept broker directory. */
  private static final Duration VALIDITY = Duration.ofDays(5 * 365);

  /** Back-dating, so that a peer whose clock is a little behind accepts a new certificate. */
  private static final Duration CLOCK_SKEW = Duration.ofHours(1);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String CA_ALIAS = "ca";

  private final String name;
  private final KeyPair keys;
  private final X509Certificate certificate;

  private CertificateAuthority(String name, KeyPair keys, X509Certificate certificate) {
    this.name = name;
    this.keys = keys;
    this.certificate = certificate;
  }

  /**
   * Makes a new CA: a fresh key pair and a self-signed certificate.
   *
   * @param name the CA's common name, such as {@code pinwheel test CA}
   * @return the CA, ready to issue certificates
   * @throws IllegalStateException if the JDK lacks EC P-256 or SHA256withECDSA (every JDK 17 has
   *     them)
   */
  public static CertificateAuthority create(String name) {
    Objects.requireNonNull(name, "name");
    KeyPair keys = newKeyPair();
    byte[] dn = distinguishedName(name);
    byte[] extensions =
        Der.sequence(
            extension(BASIC_CONSTRAINTS, true, Der.sequence(Der.bool(true))),
            extension(KEY_USAGE, true, Der.namedBits(KEY_CERT_SIGN, CRL_SIGN)),
            extension(SUBJECT_KEY_IDENTIFIER, false, Der.octetString(keyId(keys.getPublic()))));
    X509Certificate cert = sign(dn, dn, keys.getPublic(), extensions, keys.getPrivate());
    return new CertificateAuthority(name, keys, cert);
  }

  /**
   * Reads a CA that {@link #save} wrote.
   *
   * @param file the PKCS#12 key store
   * @param password its password
   * @return the CA, ready to issue certificates again
   * @throws IOException if it cannot be read, or holds no CA entry
   */
  public static CertificateAuthority load(Path file, char[] password) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      if (!(store.getKey(CA_ALIAS, password) instanceof PrivateKey key)
          || !(store.getCertificate(CA_ALIAS) instanceof X509Certificate cert)) {
        throw new IOException(file + " holds no CA key and certificate");
      }
      String name = cert.getSubjectX500Principal().getName().replaceFirst("^CN=", "");
      return new CertificateAuthority(name, new KeyPair(cert.getPublicKey(), key), cert);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the CA in " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the CA's key and certificate as a PKCS#12 key store, for {@link #load} to read.
   *
   * @param file where to write it; replaced if present
   * @param password the store's and the key's password
   * @throws IOException if it cannot be written
   */
  public void save(Path file, char[] password) throws IOException {
    new Issued(keys.getPrivate(), new X509Certificate[] {certificate})
        .writePkcs12(file, CA_ALIAS, password);
  }

  /**
   * Returns the CA's certificate, the one clients trust.
   *
   * @return the self-signed CA certificate
   */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * Returns the CA's common name.
   *
   * @return the name given to {@link #create}
   */
  public String name() {
    return name;
  }

  /**
   * Issues a certificate for a TLS server (also usable as a TLS client) with a new key pair.
   *
   * @param commonName the subject's common name
   * @param dnsNames host names the certificate is valid for, such as {@code localhost}
   * @param addresses IP addresses it is valid for, such as 127.0.0.1
   * @return the key and the chain (the certificate, then the CA's)
   * @throws IllegalArgumentException if there is neither a host name nor an address
   */
  public Issued issue(String commonName, List<String> dnsNames, List<InetAddress> addresses) {
    Objects.requireNonNull(commonName, "commonName");
    if (dnsNames.isEmpty() && addresses.isEmpty()) {
      throw new IllegalArgumentException(
          "a server certificate needs a host name or an address to be valid for");
    }
    List<byte[]> names = new ArrayList<>();
    for (String dns : dnsNames) {
      names.add(Der.implicit(2, dns.getBytes(StandardCharsets.US_ASCII)));
    }
    for (InetAddress a : addresses) {
      names.add(Der.implicit(7, a.getAddress()));
    }
    KeyPair subject = newKeyPair();
    byte[] extensions =
        Der.sequence(
            extension(BASIC_CONSTRAINTS, true, Der.sequence()),
            extension(KEY_USAGE, true, Der.namedBits(DIGITAL_SIGNATURE)),
            extension(
                EXTENDED_KEY_USAGE,
                false,
                Der.sequence(Der.oid(SERVER_AUTH), Der.oid(CLIENT_AUTH))),
            extension(SUBJECT_ALT_NAME, false, Der.sequence(names.toArray(byte[][]::new))),
            extension(SUBJECT_KEY_IDENTIFIER, false, Der.octetString(keyId(subject.getPublic()))),
            extension(
                AUTHORITY_KEY_IDENTIFIER,
                false,
                Der.sequence(Der.implicit(0, keyId(keys.getPublic())))));
    X509Certificate cert =
        sign(
            distinguishedName(name),
            distinguishedName(commonName),
            subject.getPublic(),
            extensions,
            keys.getPrivate());
    return new Issued(subject.getPrivate(), new X509Certificate[] {cert, certificate});
  }

  /**
   * Writes the CA certificate as PEM, the form {@code ssl.truststore.type=PEM} (Java clients) and
   * {@code ssl.ca.location} (librdkafka, Python) read.
   *
   * @param file where to write it; replaced if present
   * @throws IOException if it cannot be written
   */
  public void writeCertificatePem(Path file) throws IOException {
    Files.writeString(file, pem(certificate), StandardCharsets.US_ASCII);
  }

  /**
   * Returns a certificate in PEM form.
   *
   * @param certificate the certificate
   * @return {@code -----BEGIN CERTIFICATE-----}, base64 in 64-character lines, the end line
   */
  public static String pem(X509Certificate certificate) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode " + certificate.getSubjectX500Principal(), e);
    }
  }

  /**
   * A private key and its certificate chain, as issued.
   *
   * @param key the subject's private key
   * @param chain the subject's certificate first, then the CA's
   */
  public record Issued(PrivateKey key, X509Certificate[] chain) {
    /** Checks the components. */
    public Issued {
      Objects.requireNonNull(key, "key");
      chain = chain.clone();
      if (chain.length == 0) {
        throw new IllegalArgumentException("a chain holds at least the certificate");
      }
    }

    @Override
    public X509Certificate[] chain() {
      return chain.clone();
    }

    /**
     * Writes the key and chain as a PKCS#12 key store, the form {@code ssl.keystore.type=PKCS12}
     * reads.
     *
     * @param file where to write it; replaced if present
     * @param alias the entry's name
     * @param password the store's and the key's password
     * @throws IOException if it cannot be written
     */
    public void writePkcs12(Path file, String alias, char[] password) throws IOException {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(alias, key, password, chain);
        try (OutputStream out = Files.newOutputStream(file)) {
          store.store(out, password);
        }
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot make a PKCS#12 key store: " + e.getMessage(), e);
      }
    }

    /**
     * Writes the private key (unencrypted PKCS#8) and the chain as PEM files, the form OpenSSL and
     * librdkafka read ({@code ssl.key.location}, {@code ssl.certificate.location}).
     *
     * @param keyFile where to write the key; readable by its owner only on POSIX file systems
     * @param chainFile where to write the chain, the certificate first
     * @throws IOException if they cannot be written
     */
    public void writePem(Path keyFile, Path chainFile) throws IOException {
      StringBuilder chainPem = new StringBuilder();
      for (X509Certificate c : chain) {
        chainPem.append(pem(c));
      }
      Files.writeString(chainFile, chainPem, StandardCharsets.US_ASCII);
      Files.deleteIfExists(keyFile);
      Files.createFile(keyFile);
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
      }
      Files.writeString(
          keyFile,
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
              + "\n-----END PRIVATE KEY-----\n",
          StandardCharsets.US_ASCII);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Issued i && key.equals(i.key) && Arrays.equals(chain, i.chain);
    }

    @Override
    public int hashCode() {
      return 31 * key.hashCode() + Arrays.hashCode(chain);
    }

    @Override
    public String toString() {
      return "Issued[" + chain[0].getSubjectX500Principal() + "]";
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(KEY_ALGORITHM);
      g.initialize(new ECGenParameterSpec(CURVE), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make " + CURVE + " keys", e);
    }
  }

  private static byte[] distinguishedName(String commonName) {
    return Der.sequence(Der.set(Der.sequence(Der.oid(COMMON_NAME), Der.utf8String(commonName))));
  }

  private static byte[] extension(String oid, boolean critical, byte[] value) {
    return critical
        ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
        : Der.sequence(Der.oid(oid), Der.octetString(value));
  }

  /** A key identifier: the first 20 bytes of SHA-256 over the encoded public key. */
  private static byte[] keyId(PublicKey key) {
    try {
      return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()), 20);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  private static X509Certificate sign(
      byte[] issuer, byte[] subject, PublicKey subjectKey, byte[] extensions, PrivateKey signer) {
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
    byte[] algorithm = Der.sequence(Der.oid(ECDSA_WITH_SHA256));
    // A positive serial of 127 random bits, as RFC 5280 allows up to 20 bytes.
    BigInteger serial = new BigInteger(127, RANDOM).setBit(0);
    byte[] tbs =
        Der.sequence(
            Der.explicit(0, Der.integer(BigInteger.TWO)),
            Der.integer(serial),
            algorithm,
            issuer,
            Der.sequence(Der.time(now.minus(CLOCK_SKEW)), Der.time(now.plus(VALIDITY))),
            subject,
            subjectKey.getEncoded(),
            Der.explicit(3, extensions));
    try {
      Signature s = Signature.getInstance(SIGNATURE_ALGORITHM);
      s.initSign(signer);
      s.update(tbs);
      byte[] der = Der.sequence(tbs, algorithm, Der.bitString(s.sign()));
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Checks that {@code certificate} was signed by this CA.
   *
   * @param certificate a certificate
   * @return true if this CA's key verifies its signature
   */
  public boolean issued(Certificate certificate) {
    try {
      certificate.verify(keys.getPublic());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
