package io.pinwheel.topology.service;

import io.pinwheel.extractor.model.ModelSignatures;
import io.pinwheel.topology.config.PinwheelConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The public keys a service trusts to sign models, read from its configuration at start-up. */
final class TrustedKeys {
  // Logged under the service's name, as before this class was split out of it.
  private static final Logger LOG = LoggerFactory.getLogger(PinwheelService.class);

  private TrustedKeys() {}

  /** The keys of {@code pinwheel.models.trusted-keys}, by key id. */
  static Map<String, PublicKey> read(PinwheelConfig config) {
    Map<String, PublicKey> keys = new HashMap<>();
    for (Path file : config.trustedKeys()) {
      try {
        PublicKey key = ModelSignatures.readPublicKey(file);
        keys.put(ModelSignatures.keyId(key), key);
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalStateException(
            "cannot read the trusted key " + file + ": " + e.getMessage(), e);
      }
    }
    if (keys.isEmpty()) {
      LOG.info("models are not verified: no {} set", PinwheelConfig.TRUSTED_KEYS);
    } else {
      LOG.info(
          "models from the models topic and directory must be signed by one of {} trusted"
              + " key(s)",
          keys.size());
    }
    return keys;
  }
}
