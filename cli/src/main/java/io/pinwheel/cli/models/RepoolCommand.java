package io.pinwheel.cli.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.cli.support.CliContext;
import io.pinwheel.cli.support.DataOption;
import io.pinwheel.cli.support.ExitCodes;
import io.pinwheel.cli.support.MinActiveOption;
import io.pinwheel.cli.support.ModelOption;
import io.pinwheel.cli.support.OutputRuleOption;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.trainer.data.DataException;
import io.pinwheel.trainer.data.ImageFolder;
import io.pinwheel.trainer.eval.Repooling;
import io.pinwheel.trainer.eval.Stability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pinwheel repool}: a trained encoder served with another pooling window. */
@Command(
    name = "repool",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a trained encoder served with another spatial pooling window: the learned filters"
          + " and groups stay, the last L2 pool's window and stride become --pool, and the output"
          + " threshold lets --density of the pooled values through on the camera frames (the"
          + " pan and zoom of eval stability) of the photographs in --data, which should be"
          + " validation photographs, not those a figure is reported on; --output-rule says what"
          + " a value above it emits and --min-active how many values each frame keeps at least."
          + " Larger windows make the code more stable under camera motion, and so does the"
          + " shrink rule (eval stability measures both).",
      "Prints one JSON line describing what was written.",
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      ExitCodes.OK_HELP,
      "1:the model could not be written",
      "2:nothing done: invalid options, a missing or unreadable model, folder or photograph",
      ExitCodes.INTERNAL_HELP
    })
public final class RepoolCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CliContext context;

  @Mixin ModelOption model;

  @Mixin DataOption data;

  @Option(
      names = "--pool",
      required = true,
      paramLabel = "N[:S]",
      description = "The new pooling window side N and stride S in code pixels (S = N if omitted).")
  String pool;

  @Option(
      names = "--density",
      defaultValue = "0.1",
      paramLabel = "D",
      description =
          "Share of pooled values the output threshold lets through on --data's camera frames."
              + " Default: ${DEFAULT-VALUE}.")
  double density;

  @Mixin OutputRuleOption outputRule;

  @Mixin MinActiveOption minActive;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE.pwe",
      description = "The encoder to write; replaced if it exists (version + 1 for the same name).")
  Path out;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "Model name. Default: the file name without .pwe.")
  String name;

  @Option(
      names = "--threads",
      defaultValue = "2",
      paramLabel = "N",
      description = "Encoder threads. Default: ${DEFAULT-VALUE}.")
  int threads;

  public RepoolCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    int window;
    int stride;
    Path dir;
    try {
      String[] parts = pool.split(":", -1);
      if (parts.length > 2) {
        throw new NumberFormatException();
      }
      window = Integer.parseInt(parts[0]);
      stride = parts.length == 2 ? Integer.parseInt(parts[1]) : window;
    } catch (NumberFormatException e) {
      return usage("invalid --pool '" + pool + "': expected N or N:S, e.g. 44:22");
    }
    if (threads < 1) {
      return usage("--threads must be >= 1, got " + threads);
    }
    if (data.text() == null) {
      return usage("--data DIR is required: a folder of validation photographs");
    }
    try {
      dir = data.folder();
    } catch (IllegalArgumentException e) {
      return usage("invalid option: " + e.getMessage());
    }
    EncoderModel trained;
    try {
      trained = model.load().model();
    } catch (ModelOption.UnusableModelException e) {
      return usage(e.getMessage());
    }
    var topK = trained.output().topK();
    if (minActive.value().isPresent()
        && topK.isPresent()
        && minActive.value().getAsInt() > topK.getAsInt()) {
      return usage(
          "--min-active must be <= the model's output.topK ("
              + topK.getAsInt()
              + "), got "
              + minActive.value().getAsInt());
    }
    String newName = name != null ? name : out.getFileName().toString().replaceFirst("\\.pwe$", "");
    int version = 1;
    if (Files.exists(out)) {
      try {
        EncoderModel old = EncoderFile.read(out);
        version = old.name().equals(newName) ? old.version() + 1 : 1;
      } catch (IOException | InvalidModelException | RuntimeException e) {
        // Not a readable model: it is replaced by version 1.
        version = 1;
      }
    }
    Repooling.Result r;
    try {
      r =
          Repooling.repool(
              trained,
              window,
              stride,
              density,
              outputRule.rule(),
              minActive.value(),
              ImageFolder.scan(dir).files(),
              Stability.Camera.defaults(),
              threads,
              newName,
              version);
    } catch (DataException | IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    try {
      EncoderFile.write(r.model(), out);
    } catch (IOException e) {
      context.err().println("pinwheel repool: cannot write " + out + ": " + e.getMessage());
      return 1;
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("written", out.toString());
    o.put("name", r.model().name());
    o.put("version", r.model().version());
    o.put("from", trained.name() + " v" + trained.version());
    o.put("poolWindow", window);
    o.put("poolStride", stride);
    o.put("codeShape", Arrays.toString(r.model().outputShape()));
    o.put("threshold", r.threshold());
    o.put("outputRule", outputRule.rule().wireName());
    minActive.value().ifPresent(k -> o.put("minActive", k));
    o.put("density", r.density());
    o.put("frames", r.frames());
    o.put("flooredFrames", r.flooredFrames());
    o.put("emptyFrames", r.emptyFrames());
    o.put("photographs", r.photographs().size());
    o.put("skipped", r.skipped().size());
    context.out().println(o.toString());
    return ExitCodes.OK;
  }

  private int usage(String message) {
    context.err().println("pinwheel repool: " + message);
    return ExitCodes.USAGE;
  }
}
