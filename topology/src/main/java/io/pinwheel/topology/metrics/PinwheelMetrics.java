package io.pinwheel.topology.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.pinwheel.topology.DeadLetterReason;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code pinwheel.*} meters of the topology, as a Micrometer {@link MeterBinder}.
 *
 * <p>Create one instance per application, hand it to the topology, and {@link
 * #bindTo(MeterRegistry) bind} it to exactly one registry (use a {@code CompositeMeterRegistry} to
 * publish to several). The recording methods are thread-safe, allocate nothing of their own, and
 * are silent no-ops until the instance is bound, so the topology can record unconditionally.
 *
 * <p>The meters, their types and tags are the README's meter table (a test checks it against what
 * {@link #bindTo} registers); their units, buckets and descriptions are set in {@code Meters}
 * below. Prometheus names end in the unit and {@code _total} for counters, such as {@code
 * pinwheel_frames_dead_letter_total} and {@code pinwheel_latency_seconds}.
 *
 * <p>Every tagged series is registered at bind time, so each shows up as 0 before its first event
 * and {@code rate()} works from the start. Tag values come from fixed sets: an unknown dead-letter
 * reason or reload result is counted under {@code other}, so a bug or a hostile input cannot grow
 * the number of series.
 *
 * <p>Why the timer percentiles are separate gauges: the Prometheus registry (Micrometer 1.13 and
 * later, on the 1.x client) exports a timer either as a histogram, when it has buckets, or as a
 * summary with quantiles, never both, and the buckets matter more because only they aggregate
 * across instances ({@code histogram_quantile}). The percentiles are still computed in the timer
 * ({@link Timer#takeSnapshot()}); the {@code .percentile} gauges, in the same form Micrometer
 * itself uses for registries without native percentiles, carry them to Prometheus. They cover a
 * sliding window of about two minutes (the Micrometer default), so they describe recent behaviour,
 * and cannot be averaged across instances: for fleet-wide quantiles use {@code histogram_quantile}
 * over the buckets.
 *
 * <p>Why code density has no buckets: Micrometer's fixed-boundary histograms count whole numbers
 * only, so buckets below 1 would all stay empty; its percentiles have no such limit.
 *
 * <p>The model name is deliberately not exported. It is a user-chosen string, so as a tag it would
 * be unbounded over the life of a process, and every rename would split the version series in two;
 * capping it (say, 16 names, then {@code other}) would make it useless exactly in the long-running
 * deployments that reload most. The version number identifies the model well enough on a dashboard;
 * the name belongs in the reload log line.
 */
public final class PinwheelMetrics implements MeterBinder {

  /** Dead-letter reasons with their own series; anything else is counted as {@link #OTHER}. */
  private static final DeadLetterReason[] DEAD_LETTER_REASONS = DeadLetterReason.values();

  /** Model reload results with their own series; anything else is counted as {@link #OTHER}. */
  static final List<String> RELOAD_RESULTS = List.of("accepted", "rejected", "ignored");

  /** The tag value that unknown reasons and results fold into. */
  static final String OTHER = "other";

  /** Reported by {@code pinwheel.model.version} until a model is serving. */
  static final int NO_MODEL = -1;

  private static final double[] PERCENTILES = {0.5, 0.95, 0.99};

  private final AtomicBoolean bindCalled = new AtomicBoolean();

  // Lives outside Meters and is updated even before bindTo: the first model may well be loaded
  // before the registry exists, and the gauge should then report it rather than -1.
  private final AtomicInteger modelVersion = new AtomicInteger(NO_MODEL);

  // Null until bound; a single volatile read is all an unbound recording call costs.
  private volatile Meters meters;

  /** Snapshot of the end-to-end latency timer, for a human-readable progress line. */
  public record LatencySnapshot(long count, double p50Millis, double p99Millis, double meanMillis) {

    /** What {@link #latency()} reports before binding. */
    static final LatencySnapshot EMPTY = new LatencySnapshot(0, 0, 0, 0);
  }

  /** Creates unbound metrics; recording is a no-op until {@link #bindTo(MeterRegistry)}. */
  public PinwheelMetrics() {}

  /**
   * Registers every meter with {@code registry}.
   *
   * @param registry where the meters live
   * @throws IllegalStateException if this instance has already been bound
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    if (!bindCalled.compareAndSet(false, true)) {
      throw new IllegalStateException(
          "PinwheelMetrics is already bound; bind it once, to a CompositeMeterRegistry if need be");
    }
    meters = new Meters(registry, modelVersion);
  }

  /** Counts a frame record read from the input topic. */
  public void frameIn() {
    Meters m = meters;
    if (m != null) {
      m.framesIn.increment();
    }
  }

  /**
   * Counts a feature record produced, with its code density and end-to-end latency.
   *
   * @param codeDensity fraction of non-zero entries in the code, in [0, 1]; a negative or NaN value
   *     is not recorded in the density summary (the record is still counted)
   * @param endToEndMillis milliseconds from the input record's timestamp to now; negative values
   *     (clock skew between producer and this host) are recorded as 0
   */
  public void featureOut(double codeDensity, long endToEndMillis) {
    Meters m = meters;
    if (m != null) {
      m.featuresOut.increment();
      m.codeDensity.record(codeDensity);
      m.latency.record(Math.max(0L, endToEndMillis), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Counts a frame sent to the dead-letter topic.
   *
   * @param reason a {@link DeadLetterReason#tag()}, as the {@code pinwheel.error.reason} header
   *     holds it; anything else, null included, is counted as {@code other}
   */
  public void deadLettered(String reason) {
    Meters m = meters;
    if (m != null) {
      // A map lookup on the tag's cached hash: nothing is allocated on the hot path.
      DeadLetterReason r = DeadLetterReason.fromTag(reason);
      m.deadLetter[r == null ? DEAD_LETTER_REASONS.length : r.ordinal()].increment();
    }
  }

  /**
   * Records the time taken to decode one frame.
   *
   * @param nanos elapsed nanoseconds; negative values are recorded as 0
   */
  public void decodeNanos(long nanos) {
    Meters m = meters;
    if (m != null) {
      m.decode.record(Math.max(0L, nanos), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Records the time taken to encode one decoded frame.
   *
   * @param nanos elapsed nanoseconds; negative values are recorded as 0
   */
  public void encodeNanos(long nanos) {
    Meters m = meters;
    if (m != null) {
      m.encode.record(Math.max(0L, nanos), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Counts an encoder model reload attempt.
   *
   * @param result {@code accepted}, {@code rejected} or {@code ignored}; anything else, null
   *     included, is counted as {@code other}
   */
  public void modelReload(String result) {
    Meters m = meters;
    if (m != null) {
      m.reloads[reloadIndex(result)].increment();
    }
  }

  /**
   * Records which model is now serving. Unlike the other methods this takes effect even before
   * binding: the gauge reports the latest version once bound.
   *
   * @param name the model's name; not exported (see the class documentation), may be null
   * @param version the model's version
   */
  public void servingModel(String name, int version) {
    modelVersion.set(version);
  }

  /**
   * Returns the end-to-end latency so far: the count and mean since binding, and p50/p99 over the
   * recent window. All zero before binding or before the first record.
   *
   * @return a snapshot of {@code pinwheel.latency}
   */
  public LatencySnapshot latency() {
    Meters m = meters;
    if (m == null) {
      return LatencySnapshot.EMPTY;
    }
    HistogramSnapshot snapshot = m.latency.takeSnapshot();
    double p50 = 0;
    double p99 = 0;
    for (ValueAtPercentile value : snapshot.percentileValues()) {
      if (value.percentile() == 0.5) {
        p50 = value.value(TimeUnit.MILLISECONDS);
      } else if (value.percentile() == 0.99) {
        p99 = value.value(TimeUnit.MILLISECONDS);
      }
    }
    return new LatencySnapshot(snapshot.count(), p50, p99, snapshot.mean(TimeUnit.MILLISECONDS));
  }

  /**
   * Returns the number of frames read since binding.
   *
   * @return the value of {@code pinwheel.frames.in}, 0 before binding
   */
  public long framesIn() {
    Meters m = meters;
    return m == null ? 0 : (long) m.framesIn.count();
  }

  /**
   * Returns the number of feature records produced since binding.
   *
   * @return the value of {@code pinwheel.features.out}, 0 before binding
   */
  public long featuresOut() {
    Meters m = meters;
    return m == null ? 0 : (long) m.featuresOut.count();
  }

  /**
   * Returns the number of frames dead-lettered since binding, all reasons together.
   *
   * @return the sum of {@code pinwheel.frames.dead.letter} over all reasons, 0 before binding
   */
  public long deadLettered() {
    Meters m = meters;
    if (m == null) {
      return 0;
    }
    double total = 0;
    for (Counter counter : m.deadLetter) {
      total += counter.count();
    }
    return (long) total;
  }

  private static int reloadIndex(String result) {
    if (result == null) {
      return RELOAD_RESULTS.size();
    }
    return switch (result) {
      case "accepted" -> 0;
      case "rejected" -> 1;
      case "ignored" -> 2;
      default -> RELOAD_RESULTS.size();
    };
  }

  /** Every meter, registered at once so that recording never looks anything up. */
  private static final class Meters {
    final Counter framesIn;
    final Counter featuresOut;
    final Counter[] deadLetter;
    final DistributionSummary codeDensity;
    final Timer latency;
    final Timer decode;
    final Timer encode;
    final Counter[] reloads;

    Meters(MeterRegistry registry, AtomicInteger modelVersion) {
      framesIn =
          Counter.builder("pinwheel.frames.in")
              .description("Frame records read from the input topic")
              .register(registry);
      featuresOut =
          Counter.builder("pinwheel.features.out")
              .description("Sparse feature records produced")
              .register(registry);
      // Indexed by DeadLetterReason.ordinal(), with OTHER last.
      deadLetter = new Counter[DEAD_LETTER_REASONS.length + 1];
      for (int i = 0; i < deadLetter.length; i++) {
        String reason = i < DEAD_LETTER_REASONS.length ? DEAD_LETTER_REASONS[i].tag() : OTHER;
        deadLetter[i] =
            Counter.builder("pinwheel.frames.dead.letter")
                .description("Frames sent to the dead-letter topic, by reason")
                .tag("reason", reason)
                .register(registry);
      }
      codeDensity =
          DistributionSummary.builder("pinwheel.code.density")
              .description("Fraction of non-zero entries in each produced sparse code")
              .baseUnit("ratio")
              .publishPercentiles(PERCENTILES)
              .percentilePrecision(2)
              .register(registry);
      // End to end includes time queued in Kafka, so the buckets reach well past processing time
      // to tell a lagging consumer (seconds) from a slow one (hundreds of milliseconds).
      latency =
          timer(
              "pinwheel.latency",
              "End-to-end latency, from the input record's timestamp to the feature record being"
                  + " produced",
              millis(1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000),
              registry);
      decode =
          timer(
              "pinwheel.decode",
              "Time to decode one frame into pixels",
              micros(100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000),
              registry);
      encode =
          timer(
              "pinwheel.encode",
              "Time to encode one decoded frame into a sparse code",
              micros(
                  500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000,
                  1_000_000),
              registry);
      reloads = new Counter[RELOAD_RESULTS.size() + 1];
      for (int i = 0; i < reloads.length; i++) {
        String result = i < RELOAD_RESULTS.size() ? RELOAD_RESULTS.get(i) : OTHER;
        reloads[i] =
            Counter.builder("pinwheel.model.reloads")
                .description("Encoder model hot-reload attempts, by result")
                .tag("result", result)
                .register(registry);
      }
      Gauge.builder("pinwheel.model.version", modelVersion, AtomicInteger::get)
          .description("Version of the encoder model now serving; -1 before the first model")
          .strongReference(true)
          .register(registry);
    }

    private static Timer timer(
        String name, String description, Duration[] slos, MeterRegistry registry) {
      Timer timer =
          Timer.builder(name)
              .description(description)
              .publishPercentiles(PERCENTILES)
              // The default of one significant digit is only good to about 6%, too coarse to
              // compare the p99 of two runs; two digits cost a few KiB per timer.
              .percentilePrecision(2)
              .serviceLevelObjectives(slos)
              .register(registry);
      registerPercentileGauges(timer, description, registry);
      return timer;
    }

    // Registries without native percentiles (the simple one, most push registries) already add
    // these very gauges on their own; adding ours there too would only collide with them.
    private static void registerPercentileGauges(
        Timer timer, String description, MeterRegistry registry) {
      String name = timer.getId().getName() + ".percentile";
      if (registry.find(name).gauge() != null) {
        return;
      }
      TimeUnit unit = timer.baseTimeUnit();
      for (double percentile : PERCENTILES) {
        Gauge.builder(name, timer, t -> percentile(t, percentile, unit))
            .description(description + ", percentile over the recent window")
            .tag("phi", Double.toString(percentile))
            .baseUnit(timer.getId().getBaseUnit())
            .strongReference(true)
            .register(registry);
      }
    }

    private static double percentile(Timer timer, double percentile, TimeUnit unit) {
      for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
        if (value.percentile() == percentile) {
          return value.value(unit);
        }
      }
      return Double.NaN;
    }

    private static Duration[] millis(long... values) {
      Duration[] durations = new Duration[values.length];
      for (int i = 0; i < values.length; i++) {
        durations[i] = Duration.ofMillis(values[i]);
      }
      return durations;
    }

    private static Duration[] micros(long... values) {
      Duration[] durations = new Duration[values.length];
      for (int i = 0; i < values.length; i++) {
        durations[i] = Duration.ofNanos(values[i] * 1_000);
      }
      return durations;
    }
  }
}
