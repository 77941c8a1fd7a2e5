package io.pinwheel.trainer.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.trainer.OutputFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts of {@code F.report.json} every training job writes, in the same order and with the same
 * names, and the writing of it.
 */
public final class Reports {
  /** The JSON writer of reports: indented, so a report reads as a file. */
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Reports() {}

  /**
   * A report that starts with what every job says first: the model file's name, the model's name
   * and version, the data set and how many examples it had.
   */
  public static ObjectNode start(Path out, EncoderModel model, String dataset, int examples) {
    ObjectNode report = JSON.createObjectNode();
    report.put("model", out.getFileName().toString());
    report.put("name", model.name());
    report.put("version", model.version());
    report.put("dataset", dataset);
    report.put("examples", examples);
    return report;
  }

  /** The input a model reads, as reports give it. */
  public static Map<String, Object> inputJson(InputSpec in) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("height", in.height());
    m.put("width", in.width());
    m.put("channels", in.channels());
    m.put("normalize", in.normalize().toString());
    return m;
  }

  /**
   * Ends a report the same way for every job: the training and wall times, the files written (with
   * the report itself, {@code F.report.json}, last), then writes it atomically.
   *
   * @param started {@link System#nanoTime()} when the job started
   * @return the result of the job
   */
  public static JobResult finish(
      ObjectNode report,
      EncoderModel model,
      Path out,
      Map<String, Path> files,
      double trainSeconds,
      long started)
      throws IOException {
    Map<String, Path> all = new LinkedHashMap<>(files);
    Path reportJson = OutputFiles.sibling(out, ".report.json");
    all.put("report", reportJson);
    report.put("trainSeconds", trainSeconds);
    report.put("wallSeconds", (System.nanoTime() - started) / 1e9);
    ObjectNode written = report.putObject("files");
    all.forEach((k, v) -> written.put(k, v.getFileName().toString()));
    OutputFiles.writeAtomically(JSON.writeValueAsBytes(report), reportJson);
    return new JobResult(model, all, report);
  }
}
