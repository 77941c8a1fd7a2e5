package io.pinwheel.extractor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.extractor.model.ModelSignatures.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signatures in the archive comment: what they accept, what they refuse, what they leave alone. */
class ModelSignaturesTest {
  private static final KeyPair KEYS = ModelSignatures.generateKeyPair();
  private static final KeyPair OTHER = ModelSignatures.generateKeyPair();

  @TempDir Path dir;

  private static Map<String, PublicKey> trusting(KeyPair pair) {
    return Map.of(ModelSignatures.keyId(pair.getPublic()), pair.getPublic());
  }

  private static byte[] signed(EncoderModel model, KeyPair pair) throws InvalidModelException {
    return ModelSignatures.sign(EncoderFile.toBytes(model), pair.getPrivate(), pair.getPublic());
  }

  @Test
  void shouldRefuseABinaryFileAsAKeyNamingThePemItLacks() throws Exception {
    Path key = dir.resolve("random.key");
    byte[] bytes = new byte[512];
    new Random(7).nextBytes(bytes);
    Files.write(key, bytes);

    assertThatThrownBy(() -> ModelSignatures.readPrivateKey(key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a PEM file");
  }

  @Test
  void shouldAcceptAFileSignedByATrustedKey() throws Exception {
    byte[] file = signed(TestModels.tiny(), KEYS);

    ModelSignatures.Verdict v = ModelSignatures.verify(file, trusting(KEYS));

    assertThat(v.status()).isEqualTo(Status.SIGNED);
    assertThat(v.keyId()).isEqualTo(ModelSignatures.keyId(KEYS.getPublic()));
  }

  @Test
  void shouldReadASignedFileAsTheSameModelAsBefore() throws Exception {
    EncoderModel model = TestModels.random(new Random(3));
    byte[] plain = EncoderFile.toBytes(model);
    byte[] file = ModelSignatures.sign(plain, KEYS.getPrivate(), KEYS.getPublic());

    assertThat(file).isNotEqualTo(plain);
    assertThat(EncoderFile.toBytes(EncoderFile.read(file, "signed.pwe"))).isEqualTo(plain);
  }

  @Test
  void shouldCallAFileWithoutSignatureUnsigned() {
    byte[] file = EncoderFile.toBytes(TestModels.tiny());

    assertThat(ModelSignatures.verify(file, trusting(KEYS)).status()).isEqualTo(Status.UNSIGNED);
  }

  @Test
  void shouldRefuseASignatureByAnotherKeyAsUntrusted() throws Exception {
    byte[] file = signed(TestModels.tiny(), OTHER);

    ModelSignatures.Verdict v = ModelSignatures.verify(file, trusting(KEYS));

    assertThat(v.status()).isEqualTo(Status.UNTRUSTED_KEY);
    assertThat(v.status().tag()).isEqualTo("untrusted-key");
    assertThat(v.message())
        .contains(ModelSignatures.shortId(ModelSignatures.keyId(OTHER.getPublic())));
  }

  @Test
  void shouldRefuseAManifestChangedAfterSigningAsBadSignature() throws Exception {
    Archive a = Archive.of(signed(TestModels.tiny(), KEYS));
    ((ObjectNode) a.manifest.get("output")).put("threshold", 0.5);
    byte[] forged = a.toBytes();

    ModelSignatures.Verdict v = ModelSignatures.verify(forged, trusting(KEYS));

    assertThat(v.status()).isEqualTo(Status.BAD_SIGNATURE);
    assertThat(v.status().tag()).isEqualTo("bad-signature");
  }

  @Test
  void shouldLeaveATamperedTensorToTheChecksumsWhichRefuseIt() throws Exception {
    Archive a = Archive.of(signed(TestModels.tiny(), KEYS));
    byte[] weights = a.entries.get("layers/0/weights.npy");
    weights[weights.length - 1] ^= 0x01;
    byte[] tampered = a.zip(a.manifestBytes);

    // The signature covers the manifest, which still verifies; its checksum of the tensor does not.
    assertThat(ModelSignatures.verify(tampered, trusting(KEYS)).trusted()).isTrue();
    assertThatThrownBy(() -> EncoderFile.read(tampered, "tampered.pwe"))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("layers/0/weights.npy")
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void shouldRoundTripKeysThroughPemFiles() throws Exception {
    Path key = dir.resolve("k.key");
    Path pub = dir.resolve("k.pub");
    Files.writeString(
        key, ModelSignatures.pem(KEYS.getPrivate()) + ModelSignatures.pem(KEYS.getPublic()));
    Files.writeString(pub, ModelSignatures.pem(KEYS.getPublic()));

    byte[] file =
        ModelSignatures.sign(
            EncoderFile.toBytes(TestModels.tiny()),
            ModelSignatures.readPrivateKey(key),
            ModelSignatures.readPublicKeyBeside(key));
    PublicKey read = ModelSignatures.readPublicKey(pub);

    assertThat(ModelSignatures.verify(file, Map.of(ModelSignatures.keyId(read), read)).trusted())
        .isTrue();
  }

  @Test
  void shouldNameTheFileThatHoldsNoPublicKey() throws Exception {
    Path key = dir.resolve("only-private.key");
    Files.writeString(key, ModelSignatures.pem(KEYS.getPrivate()));

    assertThatThrownBy(() -> ModelSignatures.readPublicKey(key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key.toString())
        .hasMessageContaining("PUBLIC KEY");
  }

  @Test
  void shouldReplaceAnEarlierSignature() throws Exception {
    byte[] once = signed(TestModels.tiny(), OTHER);
    byte[] twice = ModelSignatures.sign(once, KEYS.getPrivate(), KEYS.getPublic());

    assertThat(ModelSignatures.verify(twice, trusting(KEYS)).trusted()).isTrue();
    assertThat(twice.length).isEqualTo(once.length);
  }
}
