package io.pinwheel.trainer.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.extractor.model.EncoderModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a training job wrote and measured.
 *
 * @param model the encoder written to the job's {@code out}
 * @param files every file written, by kind ({@code model}, {@code report}, and the job's pictures
 *     and checkpoint)
 * @param report the report, as written to {@code F.report.json}
 */
public record JobResult(EncoderModel model, Map<String, Path> files, ObjectNode report) {
  /** Copies the file map, keeping its order. */
  public JobResult {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(report, "report");
    files = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(files));
  }
}
