package io.pinwheel.bench;

import io.pinwheel.extractor.NativeRuntime;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.oracle.ConvSparseCoder;
import io.pinwheel.oracle.DrsaeGraph;
import io.pinwheel.trainer.Pooling;
import io.pinwheel.trainer.data.DataException;
import io.pinwheel.trainer.data.FashionMnist;
import io.pinwheel.trainer.data.FrameSet;
import io.pinwheel.trainer.data.GrayImages;
import io.pinwheel.trainer.data.ImageFolder;
import io.pinwheel.trainer.data.PatchSampler;
import io.pinwheel.trainer.drsae.DrsaeConfig;
import io.pinwheel.trainer.drsae.DrsaeModel;
import io.pinwheel.trainer.drsae.DrsaeOptions;
import io.pinwheel.trainer.drsae.DrsaeTrainer;
import io.pinwheel.trainer.optim.Parameters;
import io.pinwheel.trainer.optim.Shuffles;
import io.pinwheel.trainer.run.ResidentMemory;
import io.pinwheel.trainer.sparse.ConvGradients;
import io.pinwheel.trainer.sparse.ConvTrainer;
import io.pinwheel.trainer.sparse.TrainOptions;
import io.pinwheel.trainer.sparse.TrainState;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code bench train}: images per second of a training step for the three shipped recipes, the
 * trainer's (hand-written gradients on {@code --threads} workers) against the SameDiff graph the
 * trainers ran on before (the oracle module, with the old loop's Adam on ND4J arrays and its forced
 * collections), on the same data, both at each thread count; and the trainer's resident memory over
 * a long run of the Fashion-MNIST recipe.
 *
 * <p>A figure is the median over timed rounds of the rate over whole steps, after a warm-up round.
 * Both sides start from the same calibrated parameters, as a fresh {@code train} run would.
 */
final class TrainBench {
  /** The recipes, by the name the command takes. */
  static final List<String> RECIPES = List.of("fashion", "natural", "drsae");

  private TrainBench() {}

  /**
   * What to run.
   *
   * @param recipes recipe names from {@link #RECIPES}
   * @param threads thread counts to measure at
   * @param rounds timed rounds per figure
   * @param roundSeconds the least length of a round
   * @param memorySteps steps of the memory run (0 for none), at the largest thread count
   * @param fashionDir the Fashion-MNIST IDX files
   * @param naturalDir the natural photographs
   */
  record Plan(
      List<String> recipes,
      List<Integer> threads,
      int rounds,
      double roundSeconds,
      int memorySteps,
      Path fashionDir,
      Path naturalDir) {}

  /**
   * One recipe at one thread count.
   *
   * @param threads worker threads (native) or OpenMP threads of the calling thread (SameDiff)
   * @param nativeImagesPerSecond the trainer's rate
   * @param sameDiffImagesPerSecond SameDiff's rate
   * @param nativePerCore the trainer's rate per thread
   * @param sameDiffPerCore SameDiff's rate per thread
   * @param speedup native over SameDiff
   */
  record AtThreads(
      int threads,
      double nativeImagesPerSecond,
      double sameDiffImagesPerSecond,
      double nativePerCore,
      double sameDiffPerCore,
      double speedup) {}

  /**
   * One recipe's figures.
   *
   * @param name the recipe
   * @param description what is trained, on what
   * @param batch images per step
   * @param runs one entry per thread count
   * @param nativeScaling the trainer's rate at the most threads over its rate at one thread (0 when
   *     only one count was measured)
   */
  record RecipeResult(
      String name, String description, int batch, List<AtThreads> runs, double nativeScaling) {}

  /**
   * Resident memory through a long run of the trainer.
   *
   * @param recipe the recipe run
   * @param threads its worker threads
   * @param steps steps run
   * @param residentMegabytes VmRSS every 100 steps, by step
   * @param growthPercent the growth from step 200 to the last step
   * @param maxResidentMegabytes the largest sample
   * @param garbageCollections the JVM's collections during the run, of any cause (the trainer
   *     forces none)
   * @param heapBytesPerStep bytes allocated on the heap per step by every thread of the process,
   *     short-lived objects the young collections take
   */
  record Memory(
      String recipe,
      int threads,
      int steps,
      Map<Integer, Double> residentMegabytes,
      double growthPercent,
      double maxResidentMegabytes,
      long garbageCollections,
      double heapBytesPerStep) {}

  /** The run: the machine, each recipe's figures and the memory run. */
  record Result(
      String cpu,
      int cores,
      String loadAverageAtStart,
      List<RecipeResult> recipes,
      Memory memory) {}

  /** A unit of work: one training step of {@code batch()} images. */
  interface Stepper extends AutoCloseable {
    int batch();

    void step();

    @Override
    void close();

    /**
     * Steps through {@code count} examples in batches of {@code batch}, from the first again when
     * the next batch would pass the end.
     *
     * @param step runs one step on the batch starting at the example it is given
     * @param close frees what the steps used
     */
    static Stepper cycling(int batch, int count, IntConsumer step, Runnable close) {
      return new Stepper() {
        private int from;

        @Override
        public int batch() {
          return batch;
        }

        @Override
        public void step() {
          if (from + batch > count) {
            from = 0;
          }
          step.accept(from);
          from += batch;
        }

        @Override
        public void close() {
          close.run();
        }
      };
    }
  }

  static Result run(Plan plan) throws DataException {
    NativeRuntime.init();
    ResidentMemory.keepHeapTight();
    String load = SystemFacts.loadAverage();
    List<RecipeResult> results = new ArrayList<>();
    Memory memory = null;
    int most = plan.threads().stream().mapToInt(Integer::intValue).max().orElse(1);
    for (String name : plan.recipes()) {
      Recipe recipe = recipe(name, plan);
      // The memory run comes first, before SameDiff has touched anything in this process.
      if (memory == null && plan.memorySteps() > 0 && name.equals("fashion")) {
        memory = memory(recipe, most, plan.memorySteps());
      }
      List<AtThreads> runs = new ArrayList<>();
      for (int threads : plan.threads()) {
        double nat = rate(recipe.nativeStepper(threads), plan);
        double sd = rate(recipe.sameDiffStepper(threads), plan);
        runs.add(new AtThreads(threads, nat, sd, nat / threads, sd / threads, nat / sd));
      }
      double scaling = 0;
      if (runs.size() > 1) {
        AtThreads one = runs.stream().filter(r -> r.threads() == 1).findFirst().orElse(null);
        AtThreads top =
            runs.stream().filter(r -> r.threads() == most).findFirst().orElse(runs.get(0));
        if (one != null && top != one) {
          scaling = top.nativeImagesPerSecond() / one.nativeImagesPerSecond();
        }
      }
      results.add(new RecipeResult(name, recipe.description, recipe.batch, runs, scaling));
    }
    return new Result(
        SystemFacts.cpuModel(), Runtime.getRuntime().availableProcessors(), load, results, memory);
  }

  /** Median images/s over the plan's rounds, after one warm-up round. */
  static double rate(Stepper stepper, Plan plan) {
    try (stepper) {
      double[] rates = new double[plan.rounds()];
      for (int r = -1; r < plan.rounds(); r++) {
        long start = System.nanoTime();
        long images = 0;
        long deadline = start + (long) (plan.roundSeconds() * 1e9);
        do {
          stepper.step();
          images += stepper.batch();
        } while (System.nanoTime() < deadline);
        if (r >= 0) {
          rates[r] = images / ((System.nanoTime() - start) / 1e9);
        }
      }
      return Measure.median(rates);
    }
  }

  /**
   * The trainer's resident memory every 100 steps over {@code steps} steps. The heap is collected
   * once before the run, so the figures are the training loop's and not what reading the data set
   * left behind; the loop itself forces no collection.
   */
  static Memory memory(Recipe recipe, int threads, int steps) {
    Map<Integer, Double> samples = new LinkedHashMap<>();
    System.gc();
    long collections = collections();
    long allocated;
    try (Stepper s = recipe.nativeStepper(threads)) {
      s.step();
      Map<Long, Long> before = allocatedBytes();
      for (int i = 2; i <= steps; i++) {
        s.step();
        if (i % 100 == 0) {
          samples.put(i, ResidentMemory.megabytes());
        }
      }
      allocated = allocatedSince(before);
    }
    long gcs = collections() - collections;
    double at200 = samples.getOrDefault(200, samples.values().stream().findFirst().orElse(0.0));
    double last = samples.values().stream().reduce((a, b) -> b).orElse(0.0);
    double max = samples.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return new Memory(
        recipe.name,
        threads,
        steps,
        samples,
        at200 > 0 ? 100 * (last - at200) / at200 : 0,
        max,
        gcs,
        steps > 1 ? allocated / (double) (steps - 1) : 0);
  }

  /** Heap bytes allocated so far by each live thread, by thread id (HotSpot's counters). */
  private static Map<Long, Long> allocatedBytes() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Map<Long, Long> bytes = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      long b = threads.getThreadAllocatedBytes(id);
      if (b >= 0) {
        bytes.put(id, b);
      }
    }
    return bytes;
  }

  /**
   * Bytes allocated between two snapshots by the threads alive at the second: a thread that ended
   * in between takes its count with it, so it is left out rather than subtracted.
   */
  private static long allocatedSince(Map<Long, Long> before) {
    long sum = 0;
    for (Map.Entry<Long, Long> now : allocatedBytes().entrySet()) {
      sum += now.getValue() - before.getOrDefault(now.getKey(), 0L);
    }
    return sum;
  }

  private static long collections() {
    long n = 0;
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  /** A recipe's data and how to step it, natively or through SameDiff. */
  abstract static class Recipe {
    final String name;
    final String description;
    final int batch;

    Recipe(String name, String description, int batch) {
      this.name = name;
      this.description = description;
      this.batch = batch;
    }

    abstract Stepper nativeStepper(int threads);

    abstract Stepper sameDiffStepper(int threads);
  }

  static Recipe recipe(String name, Plan plan) throws DataException {
    return switch (name) {
      case "fashion" -> fashion(plan.fashionDir());
      case "natural" -> natural(plan.naturalDir());
      case "drsae" -> drsae(plan.fashionDir());
      default -> throw new IllegalArgumentException("no recipe " + name + "; expected " + RECIPES);
    };
  }

  /** models/fashion-mnist.pwe's recipe: 60,000 28×28 images, LCN σ 2. */
  static Recipe fashion(Path dir) throws DataException {
    GrayImages images = FashionMnist.read(dir, FashionMnist.Split.TRAIN);
    FrameSet frames = FashionMnist.frames(images, new Normalization.Lcn(2.0));
    return new ConvRecipe(
        "fashion",
        "conv AE on Fashion-MNIST: 64 maps 5x5, topo:8x8:3, 4x4 pools stride 2, lambda 0.1,"
            + " batch 64 of 28x28",
        t ->
            new TrainOptions(
                64, 5, Pooling.parse("topo:8x8:3"), 4, 2, 0.1, 1e-4, 3, 64, 0.005, 0.95, 1, t),
        frames);
  }

  /** models/natural.pwe's recipe: 10,000 32×32 patches of 96×96 photographs, LCN σ 2. */
  static Recipe natural(Path dir) throws DataException {
    InputSpec input = new InputSpec(96, 96, 1, new Normalization.Lcn(2.0));
    FrameSet photos = ImageFolder.scan(dir).load(ImageFolder.decoder(input)).frames();
    FrameSet patches = PatchSampler.sample(photos, 32, 10_000, 31);
    return new ConvRecipe(
        "natural",
        "conv AE on natural photographs: 64 maps 9x9, topo:8x8:3, 4x4 pools stride 4, lambda 1.5,"
            + " batch 64 of 32x32 patches of 96x96 frames",
        t ->
            new TrainOptions(
                64, 9, Pooling.parse("topo:8x8:3"), 4, 4, 1.5, 1e-4, 12, 64, 0.01, 0.1, 1, t),
        patches);
  }

  /** models/drsae.pwe's recipe: 400 units, T = 11, batch 100, discriminative phase (α 50). */
  static Recipe drsae(Path dir) throws DataException {
    GrayImages images = FashionMnist.read(dir, FashionMnist.Split.TRAIN);
    FrameSet frames = FashionMnist.frames(images, images.standardization());
    return new DrsaeRecipe(frames.data(), images.labels(), images.height(), images.width());
  }

  /** A conv auto-encoder recipe: both sides start from the trainer's calibrated start. */
  static final class ConvRecipe extends Recipe {
    private final IntFunction<TrainOptions> options;
    private final FrameSet data;
    private final int[] order;

    ConvRecipe(String name, String description, IntFunction<TrainOptions> options, FrameSet data) {
      super(name, description, options.apply(1).batch());
      this.options = options;
      this.data = data;
      this.order = Shuffles.epochOrder(data.count(), 1, 0);
    }

    @Override
    Stepper nativeStepper(int threads) {
      TrainOptions o = options.apply(threads);
      ConvTrainer trainer = new ConvTrainer(o);
      TrainState state = TrainState.initial(data.channels(), o);
      ConvTrainer.Session session = trainer.session(data);
      session.calibrate(state.parameters(), data);
      long total = (long) o.epochs() * data.count() / o.batch();
      return Stepper.cycling(
          o.batch(),
          data.count(),
          from -> session.step(state, data, order, from, o.batch(), total),
          session::close);
    }

    @Override
    Stepper sameDiffStepper(int threads) {
      TrainOptions o = options.apply(threads);
      ConvTrainer trainer = new ConvTrainer(o);
      TrainState state = TrainState.initial(data.channels(), o);
      try (ConvTrainer.Session session = trainer.session(data)) {
        session.calibrate(state.parameters(), data);
      }
      Parameters p = state.parameters();
      ConvSparseCoder graph =
          new ConvSparseCoder(
              ConvSparseCoder.variableLayout(array(p, ConvGradients.ENCODER)),
              array(p, ConvGradients.BIAS),
              array(p, ConvGradients.GAIN),
              ConvSparseCoder.variableLayout(array(p, ConvGradients.DECODER)),
              trainer.pool(),
              o.lambda(),
              o.epsilon());
      SameDiffTraining.Conv loop =
          new SameDiffTraining.Conv(
              graph,
              new int[] {data.channels(), data.height(), data.width()},
              o.learningRate(),
              threads);
      float[] shuffled = shuffled(data.data(), data.frameSize(), order);
      return Stepper.cycling(
          o.batch(), data.count(), from -> loop.step(shuffled, from, o.batch()), () -> {});
    }
  }

  /** The DrSAE recipe, measured in its discriminative phase with weight averaging on. */
  static final class DrsaeRecipe extends Recipe {
    private static final DrsaeConfig CONFIG = new DrsaeConfig(400, 784, 10, 11, 0.25);
    private final float[] x;
    private final int[] labels;
    private final int height;
    private final int width;
    private final int[] order;

    DrsaeRecipe(float[] x, int[] labels, int height, int width) {
      super(
          "drsae",
          "DrSAE on Fashion-MNIST: 400 units, T = 11, lambda 0.25, alpha 50, batch 100,"
              + " translations of 1 pixel, weight averaging",
          100);
      this.x = x;
      this.labels = labels;
      this.height = height;
      this.width = width;
      this.order = Shuffles.epochOrder(labels.length, 1, 1);
    }

    private static DrsaeOptions options(int threads) {
      return new DrsaeOptions(1, 49, 50, 100, 0.003, 1, threads, 0.999, 1, 0);
    }

    @Override
    Stepper nativeStepper(int threads) {
      DrsaeModel model = DrsaeModel.initial(CONFIG, 1);
      model.normalize();
      DrsaeTrainer.Session session =
          new DrsaeTrainer(options(threads), height, width).session(model);
      SplittableRandom shifts = Shuffles.epochRandom(1, 1);
      long total = 50L * labels.length / 100;
      return Stepper.cycling(
          100,
          labels.length,
          from -> session.step(x, labels, order, from, 100, 1, shifts, total),
          session::close);
    }

    @Override
    Stepper sameDiffStepper(int threads) {
      DrsaeModel model = DrsaeModel.initial(CONFIG, 1);
      model.normalize();
      Map<String, INDArray> p = new LinkedHashMap<>();
      for (String name : DrsaeModel.PARAMETERS) {
        long[] shape = Arrays.stream(model.parameters().shape(name)).asLongStream().toArray();
        p.put(name, Nd4j.create(model.parameter(name).clone(), shape, 'c'));
      }
      DrsaeGraph graph =
          new DrsaeGraph(
              new DrsaeGraph.Shape(
                  CONFIG.units(),
                  CONFIG.inputs(),
                  CONFIG.classes(),
                  CONFIG.steps(),
                  CONFIG.lambda()),
              p);
      SameDiffTraining.Drsae loop = new SameDiffTraining.Drsae(graph, 0.003, 50, 0.999, threads);
      float[] shuffled = shuffled(x, CONFIG.inputs(), order);
      int[] shuffledLabels = new int[labels.length];
      for (int i = 0; i < labels.length; i++) {
        shuffledLabels[i] = labels[order[i]];
      }
      return Stepper.cycling(
          100, labels.length, from -> loop.step(shuffled, shuffledLabels, from, 100), () -> {});
    }
  }

  private static INDArray array(Parameters p, String name) {
    long[] shape = Arrays.stream(p.shape(name)).asLongStream().toArray();
    return Nd4j.create(p.get(name).clone(), shape, 'c').castTo(DataType.FLOAT);
  }

  private static float[] shuffled(float[] data, int size, int[] order) {
    float[] out = new float[order.length * size];
    for (int i = 0; i < order.length; i++) {
      System.arraycopy(data, order[i] * size, out, i * size, size);
    }
    return out;
  }
}
