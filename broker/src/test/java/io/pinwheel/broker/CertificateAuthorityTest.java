package io.pinwheel.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates made with the JDK alone must pass a real TLS handshake, and OpenSSL's checks. */
class CertificateAuthorityTest {
  private static final char[] PASSWORD = "secret".toCharArray();

  @TempDir Path dir;

  @Test
  void shouldPassTlsHandshakeWithHostnameVerificationAgainstItsCa() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test CA");
    Path ks = dir.resolve("server.p12");
    ca.issue("server", List.of("localhost"), List.of(InetAddress.getByName("127.0.0.1")))
        .writePkcs12(ks, "server", PASSWORD);
    Path pem = dir.resolve("ca.pem");
    ca.writeCertificatePem(pem);

    assertThat(handshake(ks, pem)).isEqualTo("TLSv1.3");
  }

  @Test
  void shouldFailTlsHandshakeWhenClientTrustsAnotherCa() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test CA");
    Path ks = dir.resolve("server.p12");
    ca.issue("server", List.of("localhost"), List.of(InetAddress.getByName("127.0.0.1")))
        .writePkcs12(ks, "server", PASSWORD);
    Path other = dir.resolve("other.pem");
    CertificateAuthority.create("another CA").writeCertificatePem(other);

    assertThatThrownBy(() -> handshake(ks, other))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("PKIX path building failed");
    // A CA of the same name but another key is no better.
    Path sameName = dir.resolve("same-name.pem");
    CertificateAuthority.create("test CA").writeCertificatePem(sameName);
    assertThatThrownBy(() -> handshake(ks, sameName))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("PKIX path validation failed");
  }

  @Test
  void shouldFailTlsHandshakeWhenCertificateNamesAnotherAddress() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test CA");
    Path ks = dir.resolve("server.p12");
    ca.issue("server", List.of("example.org"), List.of()).writePkcs12(ks, "server", PASSWORD);
    Path pem = dir.resolve("ca.pem");
    ca.writeCertificatePem(pem);

    assertThatThrownBy(() -> handshake(ks, pem))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("No subject alternative names matching IP address 127.0.0.1");
  }

  @Test
  void shouldIssueCertificatesThatOpensslVerifies() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("test CA");
    X509Certificate leaf =
        ca.issue("server", List.of("localhost"), List.of(InetAddress.getByName("127.0.0.1")))
            .chain()[0];
    Path caPem = dir.resolve("ca.pem");
    ca.writeCertificatePem(caPem);
    Path leafPem = dir.resolve("leaf.pem");
    Files.writeString(leafPem, CertificateAuthority.pem(leaf));
    Process p;
    try {
      p =
          new ProcessBuilder(
                  "openssl",
                  "verify",
                  "-x509_strict",
                  "-purpose",
                  "sslserver",
                  "-verify_ip",
                  "127.0.0.1",
                  "-CAfile",
                  caPem.toString(),
                  leafPem.toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      org.junit.jupiter.api.Assumptions.abort("no openssl command here: " + e.getMessage());
      return;
    }
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains(": OK");
  }

  @Test
  void shouldWriteCaCertificateThatParsesBackAsASelfSignedCa() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("pinwheel CA");
    Path pem = dir.resolve("ca.pem");
    ca.writeCertificatePem(pem);
    X509Certificate read;
    try (InputStream in = Files.newInputStream(pem)) {
      read = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    assertThat(read).isEqualTo(ca.certificate());
    assertThat(read.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
    assertThat(read.getSubjectX500Principal().getName()).isEqualTo("CN=pinwheel CA");
    assertThat(ca.issued(read)).isTrue();
    assertThat(CertificateAuthority.create("other").issued(read)).isFalse();
  }

  /** Runs a TLS server with {@code keystore} and a client trusting {@code caPem}; the protocol. */
  private static String handshake(Path keystore, Path caPem) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD);
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);

    KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
    ts.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      ts.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);

    try (SSLServerSocket listener =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      CompletableFuture<Void> accepted =
          CompletableFuture.runAsync(
              () -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                  s.startHandshake();
                  OutputStream out = s.getOutputStream();
                  out.write(1);
                  out.flush();
                } catch (IOException e) {
                  // The client's failure is what the test looks at.
                }
              });
      try (SSLSocket s =
          (SSLSocket)
              client
                  .getSocketFactory()
                  .createSocket(InetAddress.getByName("127.0.0.1"), listener.getLocalPort())) {
        SSLParameters params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(params);
        s.startHandshake();
        assertThat(s.getInputStream().read()).isEqualTo(1);
        return s.getSession().getProtocol();
      } finally {
        accepted.get(10, TimeUnit.SECONDS);
      }
    }
  }
}
