package io.pinwheel.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Contenders timed in interleaved rounds: round r runs every contender in turn, then round r + 1,
 * so that whatever else the machine is doing falls on all of them alike and their ratios stay
 * meaningful on a shared machine. Each caller of a contender keeps its own thread and its own work
 * for the whole race.
 */
final class Race {
  private Race() {}

  /**
   * One way of doing the work.
   *
   * @param name its name in the results
   * @param callers how many threads call it at once, each with its own work
   * @param work makes one caller's work (on that caller's thread)
   */
  record Contender(String name, int callers, Supplier<Measure.Work> work) {}

  /**
   * Each contender's median rate (units of work a second, summed over its callers) over the plan's
   * rounds, after its warm-up rounds.
   */
  static Map<String, Double> run(List<Contender> contenders, Measure.Plan plan) throws Exception {
    int threads = contenders.stream().mapToInt(Contender::callers).max().orElse(1);
    List<ExecutorService> callers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      callers.add(Executors.newSingleThreadExecutor());
    }
    List<List<Measure.Work>> works = new ArrayList<>();
    try {
      for (Contender c : contenders) {
        List<Measure.Work> mine = new ArrayList<>();
        works.add(mine);
        for (int t = 0; t < c.callers(); t++) {
          mine.add(callers.get(t).submit(() -> c.work().get()).get());
        }
      }
      int total = plan.warmupRounds() + plan.rounds();
      double[][] rates = new double[contenders.size()][plan.rounds()];
      for (int r = 0; r < total; r++) {
        for (int c = 0; c < contenders.size(); c++) {
          double rate = round(works.get(c), callers, plan.roundMillis());
          if (r >= plan.warmupRounds()) {
            rates[c][r - plan.warmupRounds()] = rate;
          }
        }
      }
      Map<String, Double> medians = new LinkedHashMap<>();
      for (int c = 0; c < contenders.size(); c++) {
        medians.put(contenders.get(c).name(), Measure.median(rates[c]));
      }
      return medians;
    } finally {
      for (int c = 0; c < works.size(); c++) {
        for (int t = 0; t < works.get(c).size(); t++) {
          Measure.Work w = works.get(c).get(t);
          callers.get(t).submit(w::close).get();
        }
      }
      for (ExecutorService e : callers) {
        e.shutdownNow();
      }
    }
  }

  /** One round of one contender: every caller at once, its rate over its own elapsed time. */
  private static double round(List<Measure.Work> works, List<ExecutorService> callers, long millis)
      throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(works.size());
    List<Future<Double>> futures = new ArrayList<>();
    for (int t = 0; t < works.size(); t++) {
      Measure.Work work = works.get(t);
      futures.add(
          callers
              .get(t)
              .submit(
                  () -> {
                    barrier.await();
                    long start = System.nanoTime();
                    long deadline = start + millis * 1_000_000L;
                    long n = 0;
                    do {
                      n += work.step();
                    } while (System.nanoTime() < deadline);
                    return n * 1e9 / Math.max(1, System.nanoTime() - start);
                  }));
    }
    double sum = 0;
    for (Future<Double> f : futures) {
      sum += f.get();
    }
    return sum;
  }
}
