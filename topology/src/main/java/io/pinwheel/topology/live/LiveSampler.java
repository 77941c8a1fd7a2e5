package io.pinwheel.topology.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.util.NamedThreadFactory;
import io.pinwheel.topology.model.ModelRegistry;
import io.pinwheel.topology.model.ServingModel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the service's meters once a second into a ring of the last ten minutes, for the live
 * page: rates from the {@code pinwheel.*} counters, the percentiles of its timers and of the code
 * density, the frames topic's consumer lag from the Kafka client meters, and the serving model.
 *
 * <p>It reads the registry by meter name, as a scrape does, so the page shows what {@code /metrics}
 * exports. Sampling runs on one daemon thread and costs a few snapshots a second; {@link #close()}
 * stops it. Thread-safe.
 */
public final class LiveSampler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveSampler.class);

  /** The time between two samples. */
  public static final Duration INTERVAL = Duration.ofSeconds(1);

  /** How many samples are kept: ten minutes. */
  public static final int CAPACITY = 600;

  /**
   * How long a timer's percentiles describe frames after the last one: Micrometer's default expiry
   * of its sliding window. After that the page shows a gap rather than a stale or zero value.
   */
  static final Duration PERCENTILE_WINDOW = Duration.ofMinutes(2);

  static final String FRAMES_IN = "pinwheel.frames.in";
  static final String FEATURES_OUT = "pinwheel.features.out";
  static final String DEAD_LETTER = "pinwheel.frames.dead.letter";
  static final String DECODE = "pinwheel.decode";
  static final String ENCODE = "pinwheel.encode";
  static final String LATENCY = "pinwheel.latency";
  static final String DENSITY = "pinwheel.code.density";
  static final String RECORDS_LAG = "kafka.consumer.fetch.manager.records.lag";

  private final MeterRegistry registry;
  private final ModelRegistry models;
  private final String framesTopic;
  private final LongSupplier clock;
  private final Deque<LiveSample> samples = new ArrayDeque<>();
  private final ScheduledExecutorService scheduler;

  // The previous sample's counts and when each timer last moved; touched by the sampling thread
  // (or a test calling sampleNow) only, under this.
  private long previousT;
  private double previousIn;
  private double previousOut;
  private final Map<String, Double> previousDeadLetters = new TreeMap<>();
  private final Map<String, long[]> lastMoved = new TreeMap<>();

  LiveSampler(
      MeterRegistry registry,
      ModelRegistry models,
      String framesTopic,
      LongSupplier clock,
      boolean scheduled) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.models = Objects.requireNonNull(models, "models");
    this.framesTopic = Objects.requireNonNull(framesTopic, "framesTopic");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.previousT = clock.getAsLong();
    this.previousIn = count(FRAMES_IN);
    this.previousOut = count(FEATURES_OUT);
    for (Counter c : registry.find(DEAD_LETTER).counters()) {
      previousDeadLetters.merge(c.getId().getTag("reason"), c.count(), Double::sum);
    }
    if (scheduled) {
      scheduler =
          Executors.newSingleThreadScheduledExecutor(new NamedThreadFactory("pinwheel-live"));
      long period = INTERVAL.toMillis();
      scheduler.scheduleAtFixedRate(this::sampleQuietly, period, period, TimeUnit.MILLISECONDS);
    } else {
      scheduler = null;
    }
  }

  /**
   * Starts sampling {@code registry} once a second.
   *
   * @param registry where the service's meters are bound
   * @param models the registry whose serving model is sampled
   * @param framesTopic the topic whose consumer lag is summed
   * @return the running sampler, to be closed by the caller
   */
  public static LiveSampler start(
      MeterRegistry registry, ModelRegistry models, String framesTopic) {
    return new LiveSampler(registry, models, framesTopic, System::currentTimeMillis, true);
  }

  /**
   * Returns the samples taken after {@code t}, oldest first.
   *
   * @param t epoch milliseconds; 0 for every sample kept
   * @return at most {@value #CAPACITY} samples
   */
  public synchronized List<LiveSample> since(long t) {
    List<LiveSample> out = new ArrayList<>();
    for (LiveSample s : samples) {
      if (s.t() > t) {
        out.add(s);
      }
    }
    return out;
  }

  /** Stops sampling; the samples stay readable. Idempotent. */
  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  private void sampleQuietly() {
    try {
      sampleNow();
    } catch (RuntimeException e) {
      // A meter that misbehaves must not end the schedule (an exception would cancel it).
      LOG.warn("could not sample the meters for the live page", e);
    }
  }

  /** Takes one sample now and keeps it. */
  synchronized LiveSample sampleNow() {
    long t = clock.getAsLong();
    double seconds = Math.max(1e-3, (t - previousT) / 1000.0);
    double in = count(FRAMES_IN);
    double out = count(FEATURES_OUT);
    Map<String, Double> counts = new TreeMap<>();
    for (Counter c : registry.find(DEAD_LETTER).counters()) {
      counts.merge(c.getId().getTag("reason"), c.count(), Double::sum);
    }
    Map<String, Double> byReason = new TreeMap<>();
    double deadLetters = 0;
    for (Map.Entry<String, Double> e : counts.entrySet()) {
      double before = previousDeadLetters.getOrDefault(e.getKey(), 0.0);
      double rate = Math.max(0, e.getValue() - before) / seconds;
      byReason.put(e.getKey(), rate);
      deadLetters += rate;
    }
    previousDeadLetters.putAll(counts);
    LiveSample sample =
        new LiveSample(
            t,
            Math.max(0, in - previousIn) / seconds,
            Math.max(0, out - previousOut) / seconds,
            deadLetters,
            byReason,
            timerPercentiles(DECODE, t),
            timerPercentiles(ENCODE, t),
            timerPercentiles(LATENCY, t),
            densityPercentiles(t),
            lag(),
            models.serving().map(ServingModel::version).orElse(-1));
    previousT = t;
    previousIn = in;
    previousOut = out;
    if (samples.size() == CAPACITY) {
      samples.removeFirst();
    }
    samples.addLast(sample);
    return sample;
  }

  private double count(String name) {
    Counter c = registry.find(name).counter();
    return c == null ? 0 : c.count();
  }

  private double[] timerPercentiles(String name, long t) {
    Timer timer = registry.find(name).timer();
    if (timer == null) {
      return new double[] {Double.NaN, Double.NaN, Double.NaN};
    }
    HistogramSnapshot snapshot = timer.takeSnapshot();
    if (!recent(name, snapshot.count(), t)) {
      return new double[] {Double.NaN, Double.NaN, Double.NaN};
    }
    return new double[] {
      percentile(snapshot, 0.5, true),
      percentile(snapshot, 0.95, true),
      percentile(snapshot, 0.99, true)
    };
  }

  private double[] densityPercentiles(long t) {
    DistributionSummary summary = registry.find(DENSITY).summary();
    if (summary == null) {
      return new double[] {Double.NaN, Double.NaN};
    }
    HistogramSnapshot snapshot = summary.takeSnapshot();
    if (!recent(DENSITY, snapshot.count(), t)) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {percentile(snapshot, 0.5, false), percentile(snapshot, 0.99, false)};
  }

  /** Whether the meter recorded something within the percentile window before {@code t}. */
  private boolean recent(String name, long count, long t) {
    long[] moved = lastMoved.computeIfAbsent(name, k -> new long[] {0, Long.MIN_VALUE});
    if (count != moved[0]) {
      moved[0] = count;
      moved[1] = t;
    }
    return count > 0 && t - moved[1] <= PERCENTILE_WINDOW.toMillis();
  }

  private static double percentile(HistogramSnapshot snapshot, double p, boolean millis) {
    for (ValueAtPercentile v : snapshot.percentileValues()) {
      if (v.percentile() == p) {
        return millis ? v.value(TimeUnit.MILLISECONDS) : v.value();
      }
    }
    return Double.NaN;
  }

  /** The frames topic's lag over this instance's partitions, NaN while none is reported. */
  private double lag() {
    double sum = 0;
    boolean any = false;
    for (Gauge g : registry.find(RECORDS_LAG).tag("topic", framesTopic).gauges()) {
      double v = g.value();
      if (Double.isFinite(v)) {
        sum += v;
        any = true;
      }
    }
    return any ? sum : Double.NaN;
  }
}
