package io.pinwheel.topology.model;

import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.FrameDecodeException;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.Normalization;

/**
 * The checks a candidate model must pass before {@link ModelRegistry} serves it: it reads the same
 * input as the serving model, and a canary frame goes through a fresh decoder and encoder to finite
 * codes.
 */
final class ModelChecks {
  private ModelChecks() {}

  static String otherInput(EncoderModel model, ServingModel now) {
    return " reads "
        + describe(model.input())
        + " but the serving "
        + now
        + " reads "
        + describe(now.model().input())
        + "; codes of another input would mean something else to consumers (restart"
        + " with the new model to change the input)";
  }

  /** Runs the canary through the whole path; returns what went wrong, or null. */
  static String warmUp(EncoderModel model) {
    try {
      Frame frame = new FrameDecoder(model.input()).decode(CanaryImage.png(model.input()));
      try (Encoder encoder = new Encoder(model)) {
        float[] dense = encoder.encodeDense(frame);
        for (int i = 0; i < dense.length; i++) {
          if (!Float.isFinite(dense[i])) {
            return "the canary frame's code has the non-finite value "
                + dense[i]
                + " at flat index "
                + i;
          }
        }
        SparseCode code = encoder.encode(frame);
        for (float v : code.values()) {
          if (!Float.isFinite(v)) {
            return "the canary frame's sparse code has the non-finite value " + v;
          }
        }
        for (float v : code.scores()) {
          if (!Float.isFinite(v)) {
            return "the canary frame's class scores have the non-finite value " + v;
          }
        }
      }
      return null;
    } catch (FrameDecodeException e) {
      return "the canary frame could not be decoded or encoded: " + e.getMessage();
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  private static String describe(InputSpec input) {
    String norm;
    if (input.normalize() instanceof Normalization.Standardize s) {
      norm = "standardize(mean " + s.mean() + ", std " + s.std() + ")";
    } else if (input.normalize() instanceof Normalization.Lcn l) {
      norm = "lcn(sigma " + l.sigma() + ")";
    } else {
      norm = "no normalization";
    }
    return input.width() + "x" + input.height() + "x" + input.channels() + " frames with " + norm;
  }
}
