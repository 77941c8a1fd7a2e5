package io.pinwheel.bench;

import io.pinwheel.cli.support.ModelOption;
import io.pinwheel.extractor.model.EncoderModel;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pinwheel bench soak}: native memory over many frames ({@link SoakBench}). */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = {
      "Decode (OpenCV) and encode (oneDNN or ND4J) --frames JPEG frames (the --workload: synthetic, or"
          + " camera frames) on one thread, sampling the"
          + " process's resident memory (VmRSS, and javacpp's physical bytes); reports growth from"
          + " the first sample (after warm-up) to the last."
    })
final class SoakCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--frames",
      defaultValue = "100000",
      description = "Frames (default: ${DEFAULT-VALUE}).")
  int frames;

  @Option(
      names = "--samples",
      defaultValue = "10",
      description = "Memory samples over the run (default: ${DEFAULT-VALUE}).")
  int samples;

  @Mixin ModelOption model;

  @Option(
      names = "--reload-every",
      defaultValue = "0",
      paramLabel = "N",
      description = {
        "Every N frames, read the model again from its file bytes and swap in a new encoder,"
            + " closing the old one, as a hot reload does; 0 for never (default: ${DEFAULT-VALUE})."
      })
  int reloadEvery;

  @Mixin FrameWorkload workload;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (frames < samples || samples < 2 || reloadEvery < 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--samples must be >= 2, --frames >= --samples and --reload-every >= 0");
    }
    EncoderModel m;
    try {
      m = model.load().model();
    } catch (ModelOption.UnusableModelException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    FrameWorkload.Frames jpegs;
    try {
      jpegs = workload.frames();
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    SoakBench.Result result = SoakBench.run(m, jpegs, frames, samples, reloadEvery);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(BenchCommand.json().writeValueAsString(result));
    } else {
      out.printf(Locale.ROOT, "frames: %s%n", result.frameSource());
      out.printf(Locale.ROOT, "%10s %8s %10s %14s%n", "frames", "seconds", "RSS MB", "physical MB");
      for (SoakBench.Sample s : result.samples()) {
        out.printf(
            Locale.ROOT,
            "%10d %8.1f %10.1f %14.1f%n",
            s.frames(),
            s.seconds(),
            s.rssBytes() / 1e6,
            s.physicalBytes() / 1e6);
      }
      out.printf(
          Locale.ROOT,
          "%d frames%s at %.0f frames/s; growth after warm-up: RSS %+.1f MB, physical %+.1f MB%n",
          result.frames(),
          result.reloads() == 0 ? "" : " and " + result.reloads() + " reloads",
          result.framesPerSecond(),
          result.rssGrowthBytes() / 1e6,
          result.physicalGrowthBytes() / 1e6);
    }
    out.flush();
    return 0;
  }
}
