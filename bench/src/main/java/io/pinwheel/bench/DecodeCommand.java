package io.pinwheel.bench;

import io.pinwheel.cli.support.ModelOption;
import io.pinwheel.cli.support.ModelsOption;
import io.pinwheel.extractor.model.EncoderModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pinwheel bench decode}: camera frames into each model, with and without DCT scaling. */
@Command(
    name = "decode",
    mixinStandardHelpOptions = true,
    description = {
      "Camera frames (1280x720 and 1920x1080 JPEGs of photographs, quality 90; see --camera-dir)"
          + " into each model, on one thread. For each model and frame size: what libjpeg's"
          + " reduced (DCT-scaled) decoding, on by default, does to the codes (mean, 1st"
          + " percentile and lowest cosine between the dense codes of a full and a reduced decode"
          + " of each frame); the median time of each stage in microseconds a frame (imdecode and"
          + " INTER_AREA resize for the full and the reduced decode, normalization such as LCN,"
          + " encode, and the whole FrameDecoder both ways); and bytes to sparse code in frames/s"
          + " with the full decode (the path before reduced decoding was the default) and the"
          + " reduced one, timed in interleaved rounds of the same run, with their ratio.",
      "Takes about 20 s per model and frame size."
    })
final class DecodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Without --model: every .pwe under ./models (the shipped ones in a checkout), else the bundled
  // natural and fashion-mnist models.
  @Mixin ModelsOption models;

  @Mixin CameraDirOption cameraDir;

  @Option(
      names = "--rounds",
      defaultValue = "5",
      description = "Timed rounds per figure; the median is reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--round-millis",
      defaultValue = "400",
      description = "Length of one round in ms (default: ${DEFAULT-VALUE}).")
  long roundMillis;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1 || roundMillis < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--rounds and --round-millis must be >= 1");
    }
    List<EncoderModel> chosen;
    try {
      chosen = models();
    } catch (ModelOption.UnusableModelException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    DecodeBench.Result result =
        DecodeBench.run(
            chosen, CameraFrames.load(cameraDir.dir()), new Measure.Plan(1, rounds, roundMillis));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(BenchCommand.json().writeValueAsString(result));
    } else {
      print(result, out);
    }
    out.flush();
    return 0;
  }

  private List<EncoderModel> models() throws IOException, ModelOption.UnusableModelException {
    List<String> chosen = new ArrayList<>(models.choices());
    if (chosen.isEmpty() && Files.isDirectory(Path.of("models"))) {
      try (Stream<Path> walk = Files.walk(Path.of("models"))) {
        walk.filter(p -> p.toString().endsWith(".pwe"))
            .sorted()
            .forEach(p -> chosen.add(p.toString()));
      }
    }
    if (chosen.isEmpty()) {
      chosen.addAll(List.of("natural", "fashion-mnist"));
    }
    List<EncoderModel> loaded = new ArrayList<>();
    for (String m : chosen) {
      loaded.add(ModelOption.load(m).model());
    }
    return loaded;
  }

  private static void print(DecodeBench.Result r, PrintWriter out) {
    for (Map.Entry<String, String> e : r.frameSources().entrySet()) {
      out.printf(Locale.ROOT, "%s frames: %s%n", e.getKey(), e.getValue());
    }
    out.printf(
        Locale.ROOT,
        "%-14s %-6s %6s  %-6s %6s %6s %6s  %s%n",
        "model",
        "frames",
        "KB",
        "decode",
        "cos",
        "p01",
        "min",
        "microseconds a frame");
    for (DecodeBench.Row row : r.rows()) {
      DecodeBench.Fidelity f = row.fidelity();
      StringBuilder stages = new StringBuilder();
      for (Map.Entry<String, Double> s : row.microsPerFrame().entrySet()) {
        stages.append(String.format(Locale.ROOT, "%s %.0f, ", s.getKey(), s.getValue()));
      }
      out.printf(
          Locale.ROOT,
          "%-14s %-6s %6.0f  1/%-4d %6.4f %6.4f %6.4f  %s%n",
          row.model(),
          row.frames(),
          row.meanKilobytes(),
          f.reduction(),
          f.meanCosine(),
          f.p01Cosine(),
          f.minCosine(),
          stages.substring(0, stages.length() - 2));
      out.printf(
          Locale.ROOT,
          "%-14s %-6s bytes -> code, 1 thread: full decode %.0f frames/s, reduced %.0f frames/s"
              + " (%.2fx)%n",
          "",
          "",
          row.fullPathFramesPerSecond(),
          row.reducedPathFramesPerSecond(),
          row.speedup());
    }
  }
}
