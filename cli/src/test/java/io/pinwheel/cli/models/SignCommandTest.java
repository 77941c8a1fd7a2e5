package io.pinwheel.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.ModelSignatures;
import io.pinwheel.extractor.model.ModelSignatures.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pinwheel keygen} and {@code pinwheel sign}, as a release manager runs them. */
class SignCommandTest {
  @TempDir Path dir;

  private Path model() {
    Path file = dir.resolve("m.pwe");
    Cli init = Cli.run("init-model", "--out", file.toString(), "--name", "edges");
    assertThat(init.exitCode()).as(init.err()).isZero();
    return file;
  }

  private JsonNode keygen(String name) {
    Cli cli = Cli.run("keygen", "--out", dir.resolve(name).toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    return cli.lastLine();
  }

  @Test
  void shouldSignAFileSoThatItsPublicKeyVerifiesIt() throws Exception {
    Path file = model();
    JsonNode keys = keygen("release");

    Cli cli = Cli.run("sign", "--key", keys.get("privateKey").asText(), file.toString());

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    PublicKey pub = ModelSignatures.readPublicKey(Path.of(keys.get("publicKey").asText()));
    String id = ModelSignatures.keyId(pub);
    assertThat(keys.get("keyId").asText()).isEqualTo(id);
    assertThat(cli.lastLine().get("keyId").asText()).isEqualTo(id);
    assertThat(cli.lastLine().get("name").asText()).isEqualTo("edges");
    byte[] signed = Files.readAllBytes(file);
    assertThat(ModelSignatures.verify(signed, Map.of(id, pub)).status()).isEqualTo(Status.SIGNED);
    assertThat(EncoderFile.read(signed, "signed").name()).isEqualTo("edges");
  }

  @Test
  void shouldRefuseToOverwriteKeysWithoutForce() throws Exception {
    keygen("release");
    String before = Files.readString(dir.resolve("release.key"));

    Cli cli = Cli.run("keygen", "--out", dir.resolve("release").toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(Files.readString(dir.resolve("release.key"))).isEqualTo(before);
  }

  @Test
  void shouldRefuseToSignAFileThatIsNoModelLeavingItAlone() throws Exception {
    Path bogus = Files.write(dir.resolve("bogus.pwe"), new byte[] {1, 2, 3});
    JsonNode keys = keygen("release");

    Cli cli = Cli.run("sign", "--key", keys.get("privateKey").asText(), bogus.toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("refusing to sign").contains("bogus.pwe");
    assertThat(Files.readAllBytes(bogus)).containsExactly(1, 2, 3);
  }

  @Test
  void shouldRefuseAPublicKeyGivenAsTheSigningKey() throws Exception {
    Path file = model();
    JsonNode keys = keygen("release");

    Cli cli = Cli.run("sign", "--key", keys.get("publicKey").asText(), file.toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("cannot use key").contains("release.pub");
  }
}
