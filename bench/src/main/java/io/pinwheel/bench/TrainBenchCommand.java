package io.pinwheel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pinwheel.trainer.data.DataException;
import io.pinwheel.trainer.data.FashionMnist;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pinwheel bench train}: the trainer against SameDiff on the shipped recipes. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Images/s of a training step for the three shipped recipes (Fashion-MNIST conv auto-encoder,"
          + " natural-image conv auto-encoder on 32x32 patches of 96x96 frames, DrSAE with 400"
          + " units and T = 11): the trainer (hand-written gradients, one worker thread per"
          + " --threads) against the SameDiff graph it ran on before, on the same data and the"
          + " same start, at each thread count; and the trainer's resident memory (VmRSS) every"
          + " 100 steps over a long Fashion-MNIST run.",
      "Needs Fashion-MNIST and, for the natural recipe, scripts/get-datasets.sh's data/natural."
          + " Takes about ten minutes with the defaults, most of it SameDiff's.",
    })
final class TrainBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(
      names = "--recipes",
      split = ",",
      defaultValue = "fashion,natural,drsae",
      paramLabel = "NAME",
      description = "Recipes: fashion, natural, drsae (default: ${DEFAULT-VALUE}).")
  List<String> recipes;

  @Option(
      names = "--threads",
      split = ",",
      paramLabel = "N",
      description = "Thread counts (default: 1 and the number of cores).")
  List<Integer> threads;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description = "Timed rounds per figure; the median is reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--round-seconds",
      defaultValue = "5",
      description = "The least length of a round (default: ${DEFAULT-VALUE}).")
  double roundSeconds;

  @Option(
      names = "--memory-steps",
      defaultValue = "2000",
      description =
          "Steps of the Fashion-MNIST memory run at the most threads; 0 for none (default:"
              + " ${DEFAULT-VALUE}).")
  int memorySteps;

  @Option(
      names = "--fashion-mnist",
      paramLabel = "DIR",
      description = "Fashion-MNIST's IDX files (default: /usr/share/datasets/fashion-mnist).")
  Path fashionDir = FashionMnist.DEFAULT_DIR;

  @Option(
      names = "--natural",
      paramLabel = "DIR",
      defaultValue = "data/natural",
      description = "The natural photographs (default: ${DEFAULT-VALUE}).")
  Path naturalDir;

  @Override
  public Integer call() throws Exception {
    List<Integer> counts =
        threads == null
            ? new ArrayList<>(
                List.of(1, Runtime.getRuntime().availableProcessors()).stream().distinct().toList())
            : threads;
    List<String> bad = new ArrayList<>();
    if (rounds < 1) {
      bad.add("--rounds must be >= 1, got " + rounds);
    }
    if (!(roundSeconds > 0)) {
      bad.add("--round-seconds must be > 0, got " + roundSeconds);
    }
    if (memorySteps < 0) {
      bad.add("--memory-steps must be >= 0, got " + memorySteps);
    }
    if (counts.isEmpty() || counts.stream().anyMatch(t -> t < 1)) {
      bad.add("--threads must be >= 1, got " + counts);
    }
    for (String r : recipes) {
      if (!TrainBench.RECIPES.contains(r)) {
        bad.add("--recipes: no recipe " + r + "; expected " + TrainBench.RECIPES);
      }
    }
    if (!bad.isEmpty()) {
      throw new ParameterException(spec.commandLine(), String.join("; ", bad));
    }
    TrainBench.Result result;
    try {
      result =
          TrainBench.run(
              new TrainBench.Plan(
                  recipes, counts, rounds, roundSeconds, memorySteps, fashionDir, naturalDir));
    } catch (DataException e) {
      spec.commandLine().getErr().println("pinwheel bench train: " + e.getMessage());
      return 2;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
    } else {
      print(result, out);
    }
    out.flush();
    return 0;
  }

  private static void print(TrainBench.Result r, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "cpu: %s, %d cores; load average at start %s%n%n",
        r.cpu(),
        r.cores(),
        r.loadAverageAtStart());
    out.printf(
        Locale.ROOT,
        "%-8s %7s %14s %9s %14s %9s %9s%n",
        "recipe",
        "threads",
        "native img/s",
        "per core",
        "SameDiff img/s",
        "per core",
        "speedup");
    for (TrainBench.RecipeResult recipe : r.recipes()) {
      for (TrainBench.AtThreads t : recipe.runs()) {
        out.printf(
            Locale.ROOT,
            "%-8s %7d %14.0f %9.0f %14.1f %9.1f %8.1fx%n",
            recipe.name(),
            t.threads(),
            t.nativeImagesPerSecond(),
            t.nativePerCore(),
            t.sameDiffImagesPerSecond(),
            t.sameDiffPerCore(),
            t.speedup());
      }
      if (recipe.nativeScaling() > 0) {
        out.printf(
            Locale.ROOT,
            "%-8s native scaling from 1 thread to %d: %.2fx%n",
            recipe.name(),
            recipe.runs().get(recipe.runs().size() - 1).threads(),
            recipe.nativeScaling());
      }
    }
    TrainBench.Memory m = r.memory();
    if (m != null) {
      out.printf(
          Locale.ROOT,
          "%nmemory (%s, %d threads, %d steps): resident %s MB at step 200, %s MB at step %d"
              + " (%+.1f%%), at most %.0f MB; %d garbage collections of any cause, %.1f KB allocated on"
              + " the heap per step%n",
          m.recipe(),
          m.threads(),
          m.steps(),
          format(m.residentMegabytes().get(200)),
          format(last(m.residentMegabytes())),
          m.steps(),
          m.growthPercent(),
          m.maxResidentMegabytes(),
          m.garbageCollections(),
          m.heapBytesPerStep() / 1024);
    }
    for (TrainBench.RecipeResult recipe : r.recipes()) {
      out.printf(Locale.ROOT, "%n%s: %s%n", recipe.name(), recipe.description());
    }
  }

  private static String format(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.0f", v);
  }

  private static Double last(Map<Integer, Double> samples) {
    Double last = null;
    for (Double v : samples.values()) {
      last = v;
    }
    return last;
  }
}
