package io.pinwheel.topology;

import io.pinwheel.extractor.model.ModelSignatures;
import java.util.Locale;

/**
 * Why a model offered to the {@code ModelRegistry} was rejected. Its {@link #tag()}s are the only
 * source of the {@code reason} tag of the {@code pinwheel.model.reloads} counter (with {@code none}
 * for a model accepted or ignored) and of the word after the origin in a rejection's log line.
 *
 * <p>Three are the signature check's refusals, one for each {@link ModelSignatures.Status} but
 * {@code SIGNED}, whose tags they take; {@link #of(ModelSignatures.Status)} maps them, so a status
 * added to the extractor fails this module's build until it has one here.
 */
public enum RejectReason {
  /** Not rejected: accepted or ignored. */
  NONE,
  /** The file is not a valid encoder for this service (format, checksums, input, warm-up). */
  INVALID,
  /** Models must be signed ({@code pinwheel.models.trusted-keys}) and this one is not. */
  UNSIGNED,
  /** Signed, but by a key that is not trusted. */
  UNTRUSTED_KEY,
  /** Signed by a trusted key, but the signature does not match the manifest. */
  BAD_SIGNATURE;

  /**
   * Returns the reason's name in logs and metrics.
   *
   * @return {@code none}, {@code invalid}, {@code unsigned}, {@code untrusted-key} or {@code
   *     bad-signature}
   */
  public String tag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The reason of a signature check's verdict.
   *
   * @param status the verdict's status
   * @return its reason, {@link #NONE} for a trusted signature
   */
  public static RejectReason of(ModelSignatures.Status status) {
    // A switch over every constant without a default: a new status fails to compile here.
    return switch (status) {
      case SIGNED -> NONE;
      case UNSIGNED -> UNSIGNED;
      case UNTRUSTED_KEY -> UNTRUSTED_KEY;
      case BAD_SIGNATURE -> BAD_SIGNATURE;
    };
  }
}
