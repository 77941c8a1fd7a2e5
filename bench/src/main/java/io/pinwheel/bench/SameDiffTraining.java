package io.pinwheel.bench;

import io.pinwheel.extractor.NativeRuntime;
import io.pinwheel.oracle.ConvSparseCoder;
import io.pinwheel.oracle.DrsaeGraph;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The trainers' steps as they ran before the hand-written gradients, for {@code bench train} to
 * measure against: a SameDiff graph computes the gradients, Adam updates the graph's variables with
 * ND4J array ops, and a collection is forced whenever resident memory climbs 768 MB above its level
 * after the first step (without that, SameDiff 1.0.0-M2.1's per-step intermediates took resident
 * memory to gigabytes within a hundred steps). Each step builds its batch array as the trainers
 * did. Native matrix products use the given thread count on the calling thread, as the trainers set
 * it.
 */
final class SameDiffTraining {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;
  private static final long GARBAGE_BUDGET = 768L << 20;

  private SameDiffTraining() {}

  /** A step of the conv auto-encoder's trainer on a batch of frames. */
  static final class Conv {
    private final ConvSparseCoder graph;
    private final Map<String, INDArray> first = new HashMap<>();
    private final Map<String, INDArray> second = new HashMap<>();
    private final int[] shape;
    private final double rate;
    private final int threads;
    private long steps;
    private long floor;

    /**
     * @param graph the graph, its variables the start of training
     * @param shape one frame's [C, H, W]
     */
    Conv(ConvSparseCoder graph, int[] shape, double rate, int threads) {
      this.graph = graph;
      this.shape = shape.clone();
      this.rate = rate;
      this.threads = threads;
      for (String name : ConvSparseCoder.PARAMETERS) {
        first.put(name, graph.parameter(name).like().assign(0));
        second.put(name, graph.parameter(name).like().assign(0));
      }
    }

    /** One step on {@code n} frames of {@code frames} from {@code from}. */
    void step(float[] frames, int from, int n) {
      NativeRuntime.applyToCurrentThread(threads);
      int size = shape[0] * shape[1] * shape[2];
      float[] buf = Arrays.copyOfRange(frames, from * size, (from + n) * size);
      try (INDArray x = Nd4j.create(buf, new long[] {n, shape[0], shape[1], shape[2]}, 'c')) {
        ConvSparseCoder.Step step = graph.step(x);
        Map<String, INDArray> live = new HashMap<>();
        ConvSparseCoder.PARAMETERS.forEach(p -> live.put(p, graph.parameter(p)));
        adam(ConvSparseCoder.PARAMETERS, live, step.gradients(), first, second, steps, rate);
        step.gradients().values().forEach(INDArray::close);
        floor = collectWhenOverBudget(floor);
        graph.normalizeDecoder();
        steps++;
      }
    }
  }

  /** A step of DrSAE's trainer in its discriminative phase, weights averaged. */
  static final class Drsae {
    private final DrsaeGraph graph;
    private final Map<String, INDArray> first = new HashMap<>();
    private final Map<String, INDArray> second = new HashMap<>();
    private final Map<String, INDArray> average = new HashMap<>();
    private final int inputs;
    private final double rate;
    private final double alpha;
    private final double averaging;
    private final int threads;
    private long steps;
    private long floor;

    Drsae(DrsaeGraph graph, double rate, double alpha, double averaging, int threads) {
      this.graph = graph;
      this.inputs = graph.config().inputs();
      this.rate = rate;
      this.alpha = alpha;
      this.averaging = averaging;
      this.threads = threads;
      for (String name : DrsaeGraph.PARAMETERS) {
        first.put(name, graph.parameter(name).like().assign(0));
        second.put(name, graph.parameter(name).like().assign(0));
      }
    }

    /** One step on the rows {@code from..from+n) of {@code x} ([N, D]) and their labels. */
    void step(float[] x, int[] labels, int from, int n) {
      NativeRuntime.applyToCurrentThread(threads);
      float[] rows = Arrays.copyOfRange(x, from * inputs, (from + n) * inputs);
      int[] y = Arrays.copyOfRange(labels, from, from + n);
      try (INDArray xb = Nd4j.create(rows, new long[] {n, inputs}, 'c')) {
        DrsaeGraph.Step step = graph.step(xb, y, alpha);
        adam(
            DrsaeGraph.PARAMETERS,
            graph.parameters(),
            step.gradients(),
            first,
            second,
            steps,
            rate);
        step.gradients().values().forEach(INDArray::close);
        floor = collectWhenOverBudget(floor);
        graph.normalize();
        double decay = Math.min(averaging, (1.0 + steps) / (10.0 + steps));
        graph
            .parameters()
            .forEach(
                (name, p) -> {
                  INDArray a = average.get(name);
                  if (a == null) {
                    average.put(name, p.dup());
                  } else {
                    a.muli(decay);
                    try (INDArray scaled = p.mul(1 - decay)) {
                      a.addi(scaled);
                    }
                  }
                });
        steps++;
      }
    }
  }

  /** Adam as the trainers ran it on ND4J arrays, temporaries closed at once. */
  private static void adam(
      List<String> names,
      Map<String, INDArray> parameters,
      Map<String, INDArray> gradients,
      Map<String, INDArray> first,
      Map<String, INDArray> second,
      long stepsDone,
      double rate) {
    long t = stepsDone + 1;
    double correction = Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
    for (String name : names) {
      INDArray g = gradients.get(name);
      INDArray m = first.get(name);
      INDArray v = second.get(name);
      m.muli(BETA1);
      try (INDArray scaled = g.mul(1 - BETA1)) {
        m.addi(scaled);
      }
      v.muli(BETA2);
      try (INDArray squared = g.mul(g)) {
        v.addi(squared.muli(1 - BETA2));
      }
      try (INDArray update = Transforms.sqrt(v, true)) {
        update.addi(EPSILON).rdivi(m).muli(rate * correction);
        parameters.get(name).subi(update);
      }
    }
  }

  /** A collection whenever resident memory is the budget above its level after the first step. */
  private static long collectWhenOverBudget(long floor) {
    long resident = Pointer.physicalBytes();
    if (floor == 0) {
      return resident;
    }
    if (resident > floor + GARBAGE_BUDGET) {
      System.gc();
    }
    return floor;
  }
}
