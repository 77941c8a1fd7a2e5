package io.pinwheel.topology.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pinwheel.extractor.model.Archive;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.ModelSignatures;
import io.pinwheel.topology.RejectReason;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.ReloadResult.Outcome;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A registry given trusted keys ({@code pinwheel.models.trusted-keys}): it serves a signed model,
 * and refuses every forged or replayed one while the model it serves keeps serving.
 */
class SignedModelRegistryTest {
  private static final KeyPair KEYS = ModelSignatures.generateKeyPair();
  private static final KeyPair OTHER = ModelSignatures.generateKeyPair();

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private ModelRegistry registry;
  private ServingModel before;

  /** Serves version 2 of "alpha", signed by the trusted key. */
  @BeforeEach
  void serveASignedModel() {
    PinwheelMetrics metrics = new PinwheelMetrics();
    metrics.bindTo(meters);
    registry =
        new ModelRegistry(
            metrics, Map.of(ModelSignatures.keyId(KEYS.getPublic()), KEYS.getPublic()));
    assertThat(registry.offer(signed(TestModels.model("alpha", 2), KEYS), "v2", false).accepted())
        .isTrue();
    before = registry.current();
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private static byte[] signed(EncoderModel model, KeyPair pair) {
    try {
      return ModelSignatures.sign(TestModels.bytes(model), pair.getPrivate(), pair.getPublic());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void assertRefusedKeepingTheOldModel(ReloadResult r, RejectReason reason) {
    assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(r.reason()).isEqualTo(reason);
    if (reason != RejectReason.INVALID) {
      assertThat(r.message()).contains(reason.tag());
    }
    assertThat(registry.current()).isSameAs(before);
    assertThat(
            meters
                .get("pinwheel.model.reloads")
                .tag("result", "rejected")
                .tag("reason", reason.tag())
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void shouldServeAModelSignedByATrustedKey() {
    ReloadResult r = registry.offer(signed(TestModels.model("alpha", 3), KEYS), "v3", false);

    assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
    assertThat(registry.current().version()).isEqualTo(3);
  }

  @Test
  void shouldRejectAnUnsignedModel() {
    ReloadResult r =
        registry.offer(TestModels.bytes(TestModels.model("alpha", 3)), "unsigned", false);

    assertRefusedKeepingTheOldModel(r, RejectReason.UNSIGNED);
  }

  @Test
  void shouldRejectAModelSignedByAnotherKey() {
    ReloadResult r = registry.offer(signed(TestModels.model("alpha", 3), OTHER), "other", false);

    assertRefusedKeepingTheOldModel(r, RejectReason.UNTRUSTED_KEY);
  }

  @Test
  void shouldRejectAManifestChangedAfterSigning() {
    Archive a = Archive.of(signed(TestModels.model("alpha", 3), KEYS));
    a.manifest.put("version", 99);

    ReloadResult r = registry.offer(a.toBytes(), "forged", false);

    assertRefusedKeepingTheOldModel(r, RejectReason.BAD_SIGNATURE);
  }

  @Test
  void shouldRejectATensorChangedAfterSigning() throws Exception {
    Archive a = Archive.of(signed(TestModels.model("alpha", 3), KEYS));
    byte[] weights = a.entries.get("layers/0/weights.npy");
    weights[weights.length - 1] ^= 0x01;

    // The signed manifest still verifies; its SHA-256 of the tensor does not.
    ReloadResult r = registry.offer(a.zip(a.manifestBytes), "tampered", false);

    assertRefusedKeepingTheOldModel(r, RejectReason.INVALID);
    assertThat(r.message()).contains("layers/0/weights.npy").contains("checksum mismatch");
  }

  @Test
  void shouldIgnoreAReplayedOlderSignedVersion() {
    byte[] v1 = signed(TestModels.model("alpha", 1), KEYS);

    ReloadResult r = registry.offer(v1, "replayed", false);

    assertThat(r.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(r.message()).contains("not newer than the serving version 2");
    assertThat(registry.current()).isSameAs(before);
  }

  @Test
  void shouldStillReadAnUnsignedModelFromMemory() {
    // Models given on the command line or built in are the operator's own, not from a source.
    ReloadResult r = registry.offer(TestModels.model("alpha", 3), "built-in", false);

    assertThat(r.outcome()).isEqualTo(Outcome.ACCEPTED);
  }
}
