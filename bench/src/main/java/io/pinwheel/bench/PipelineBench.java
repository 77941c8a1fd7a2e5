package io.pinwheel.bench;

import io.pinwheel.broker.EmbeddedKafka;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.topology.admin.PinwheelTopics;
import io.pinwheel.topology.config.PinwheelConfig;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.metrics.ProcessMemoryMetrics;
import io.pinwheel.topology.model.ModelRegistry;
import io.pinwheel.topology.stream.FeatureTopology;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The whole service through a real (in-process) broker, next to decode + encode alone on the same
 * cores, in one run: throughput with a backlog, then end-to-end latency at half that rate under
 * at-least-once and exactly-once.
 */
final class PipelineBench {
  private PipelineBench() {}

  /**
   * Set the system property pinwheel.bench.trace to print, on stderr, the CPU each thread group and
   * the JIT used in every throughput run, how long the JIT took to go quiet, and every record of a
   * latency run slower than 50 ms.
   */
  private static final boolean TRACE = Boolean.getBoolean("pinwheel.bench.trace");

  /**
   * How long each latency run sends before its measured part, and reports apart: the start-up of a
   * new application's clients.
   */
  static final Duration LATENCY_STARTUP = Duration.ofSeconds(5);

  /**
   * Latency as a consumer sees it at a given offered rate, over one or more runs, for the frames
   * sent after each run's first {@link #LATENCY_STARTUP}: p50 and p99 are the medians of the runs'
   * own, max the largest, records the sum, and RSS from the start of the first run to the end of
   * the last. {@code startupP99Millis} is the largest p99 of the frames sent in a run's first
   * {@link #LATENCY_STARTUP}.
   */
  record Latency(
      String guarantee,
      double offeredFramesPerSecond,
      long records,
      double p50Millis,
      double p99Millis,
      double maxMillis,
      List<Double> p99Runs,
      double startupP99Millis,
      long rssStartBytes,
      long rssEndBytes) {

    /** The summary of {@code runs}, one guarantee's runs in the order they ran. */
    static Latency of(List<Latency> runs) {
      return new Latency(
          runs.get(0).guarantee(),
          runs.get(0).offeredFramesPerSecond(),
          runs.stream().mapToLong(Latency::records).sum(),
          median(runs.stream().map(Latency::p50Millis).toList()),
          median(runs.stream().map(Latency::p99Millis).toList()),
          runs.stream().mapToDouble(Latency::maxMillis).max().orElse(0),
          runs.stream().map(Latency::p99Millis).toList(),
          runs.stream().mapToDouble(Latency::startupP99Millis).max().orElse(0),
          runs.get(0).rssStartBytes(),
          runs.get(runs.size() - 1).rssEndBytes());
    }
  }

  /**
   * The whole run. Throughput figures are medians over {@code rounds} timed runs of each guarantee,
   * taken in alternating order (at_least_once first in even rounds, exactly_once_v2 first in odd
   * ones) after untimed warm-up runs ({@link #warmUp}), so neither guarantee pays for the broker's
   * and the JIT's warm-up. Decode + encode alone is measured before and after them, with the broker
   * running idle, and its reference figure is the median of both. {@code otherProcessesCpuPercent}
   * and {@code jitCpuPercent} are what other processes and this JVM's JIT compilers used over those
   * timed runs, in percent of one core; {@code warmupRuns} is how many untimed runs {@link #warmUp}
   * took. The throughput fields and {@code jitCpuPercent} are null when the latency rate was given
   * rather than measured. {@code brokerLogDir} is where the in-process broker kept its logs, null
   * for an outside broker.
   */
  record Result(
      String brokerLogDir,
      int threads,
      int partitions,
      Double decodeEncodeFramesPerSecond,
      Double atLeastOnceFramesPerSecond,
      Double pipelineFramesPerSecond,
      Double ratio,
      long commitIntervalMs,
      List<Double> decodeEncodeRuns,
      List<Double> atLeastOnceRuns,
      List<Double> exactlyOnceRuns,
      double otherProcessesCpuPercent,
      Double jitCpuPercent,
      int warmupRuns,
      List<Latency> latency) {}

  /**
   * The most untimed warm-up runs (pairs of both guarantees) {@link #warmUp} makes before it gives
   * up waiting for the JIT to settle.
   */
  static final int MAX_WARMUP_PAIRS = 6;

  /**
   * The JIT compilation, in percent of one core over a warm-up pair, below which the pair counts as
   * warm.
   */
  static final double WARM_JIT_PERCENT = 10;

  /**
   * Untimed runs of both guarantees, repeated until the JIT compiles for less than {@link
   * #WARM_JIT_PERCENT} of a core while they run (at most {@link #MAX_WARMUP_PAIRS} pairs). The JIT
   * compiles the broker's, the clients' and Kafka Streams' code only as that code runs, and a fixed
   * warm-up was not enough: after one pair of 2,000-frame runs it still took 40% of a core in the
   * first timed run and 17% in the second, which the timed runs would charge to the pipeline. A
   * quiet JIT while nothing runs says nothing, so the test is made under load. Returns the number
   * of runs made.
   */
  private static int warmUp(
      Cluster kafka,
      EncoderModel model,
      List<byte[]> jpegs,
      int threads,
      int partitions,
      int backlog)
      throws Exception {
    int frames = Math.max(2, Math.min(backlog, 4000));
    for (int pair = 1; ; pair++) {
      long wall = System.nanoTime();
      long jit = jitMillis();
      throughput(kafka, model, jpegs, threads, partitions, frames, false, "warmup-" + pair, false);
      throughput(kafka, model, jpegs, threads, partitions, frames, true, "warmup-" + pair, false);
      double percent = 100.0 * (jitMillis() - jit) / ((System.nanoTime() - wall) / 1e6);
      if (TRACE) {
        System.err.printf(
            java.util.Locale.ROOT, "trace warm-up pair %d: JIT %.1f%% of a core%n", pair, percent);
      }
      if (percent < WARM_JIT_PERCENT || pair == MAX_WARMUP_PAIRS) {
        return 2 * pair;
      }
    }
  }

  /**
   * Milliseconds the JIT compilers have worked since the JVM started, or -1 if this JVM does not
   * monitor them (so that differences between two readings are 0).
   */
  private static long jitMillis() {
    java.lang.management.CompilationMXBean jit =
        java.lang.management.ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : -1;
  }

  /**
   * The whole run against {@code bootstrapServers}, or against an in-process broker started for it
   * when that is null. An outside broker (for instance {@code pinwheel broker} pinned to other
   * cores) keeps the broker's CPU off the cores being measured, as it is off the service's machines
   * in a deployment; topic and application names then carry {@code runId} so that runs do not meet
   * each other's topics.
   */
  static Result run(
      String bootstrapServers,
      String runId,
      Map<String, String> properties,
      EncoderModel model,
      List<byte[]> jpegs,
      int threads,
      int partitions,
      int backlog,
      int rounds,
      Duration latencyRun,
      Double latencyRate,
      Path brokerLogParent,
      Measure.Plan plan)
      throws Exception {
    List<Double> alone = new ArrayList<>();
    List<Double> atLeastOnce = new ArrayList<>();
    List<Double> exactlyOnce = new ArrayList<>();
    try (EmbeddedKafka embedded =
        bootstrapServers == null
            ? EmbeddedKafka.builder()
                .temporaryLogDirIn(brokerLogParent)
                // A deleted run's segments go after a second rather than the default minute, so
                // that at most one run's frames occupy the log directory. (With 0 the broker's
                // scheduler re-ran its deletion task without pause: 3% of a core.)
                .config("log.segment.delete.delay.ms", "1000")
                .start()
            : null) {
      Cluster kafka =
          new Cluster(
              embedded == null ? bootstrapServers : embedded.bootstrapServers(),
              runId,
              Map.copyOf(properties),
              embedded == null ? null : embedded.logDir().resolve("data"));
      int warmupRuns = warmUp(kafka, model, jpegs, threads, partitions, backlog);
      awaitQuietJit(Duration.ofSeconds(20));
      MachineCpu machine = MachineCpu.start();
      long jitStart = jitMillis();
      Double reference = null;
      Double atLeastOnceMedian = null;
      Double pipeline = null;
      double rate;
      if (latencyRate == null) {
        alone.add(decodeEncode(model, jpegs, threads, plan));
        alternating(
            rounds,
            (eos, round) ->
                throughput(kafka, model, jpegs, threads, partitions, backlog, eos, round, true),
            atLeastOnce,
            exactlyOnce);
        alone.add(decodeEncode(model, jpegs, threads, plan));
        reference = median(alone);
        atLeastOnceMedian = median(atLeastOnce);
        pipeline = median(exactlyOnce);
        rate = pipeline / 2;
      } else {
        rate = latencyRate;
      }
      double others = machine.othersPercent();
      Double jit =
          latencyRate == null ? 100.0 * (jitMillis() - jitStart) / machine.elapsedMillis() : null;
      // Rounds alternate as the throughput runs do. One run's p99 rests on its slowest 1%, which a
      // single pause of the shared machine can fill; the median over rounds does not.
      List<Latency> atLeastOnceLatency = new ArrayList<>();
      List<Latency> exactlyOnceLatency = new ArrayList<>();
      alternating(
          rounds,
          (eos, round) ->
              latency(kafka, model, jpegs, threads, partitions, rate, latencyRun, eos, round),
          atLeastOnceLatency,
          exactlyOnceLatency);
      return new Result(
          embedded == null ? null : embedded.logDir().getParent().toString(),
          threads,
          partitions,
          reference,
          atLeastOnceMedian,
          pipeline,
          pipeline == null ? null : pipeline / reference,
          // What the runs used: -p commit.interval.ms may have changed it.
          config(kafka, "bench", threads, true).commitIntervalMs(),
          alone,
          atLeastOnce,
          exactlyOnce,
          others,
          jit,
          warmupRuns,
          List.of(Latency.of(atLeastOnceLatency), Latency.of(exactlyOnceLatency)));
    }
  }

  /** One timed run of a guarantee in a round. */
  @FunctionalInterface
  private interface TimedRun<T> {
    T run(boolean exactlyOnce, String round) throws Exception;
  }

  /**
   * Runs {@code rounds} rounds of both guarantees, at_least_once first in even rounds and
   * exactly_once_v2 first in odd ones, so that neither always runs on the warmer machine.
   */
  private static <T> void alternating(
      int rounds, TimedRun<T> run, List<T> atLeastOnce, List<T> exactlyOnce) throws Exception {
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < 2; i++) {
        boolean exactlyOnceNow = (i == 0) == (round % 2 == 1);
        T result = run.run(exactlyOnceNow, Integer.toString(round));
        (exactlyOnceNow ? exactlyOnce : atLeastOnce).add(result);
      }
    }
  }

  /**
   * Waits until the JIT compiler has drained its queue: less than 20 ms of compilation in the last
   * 500 ms, or {@code max}. With the broker, the clients and Kafka Streams in one JVM, C2 compiles
   * for a minute or more and takes up to half a core while it does; that is not the service's cost.
   */
  static void awaitQuietJit(Duration max) throws InterruptedException {
    long before = jitMillis();
    if (before < 0) {
      return;
    }
    long start = System.nanoTime();
    long deadline = start + max.toNanos();
    while (System.nanoTime() < deadline) {
      Thread.sleep(500);
      long now = jitMillis();
      if (now - before < 20) {
        break;
      }
      before = now;
    }
    if (TRACE) {
      System.err.printf(
          java.util.Locale.ROOT,
          "trace waited %.1f s for the JIT to go quiet%n",
          (System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * CPU used on the whole machine by other processes, from {@code /proc/stat} less this process's
   * own CPU time: the machines are shared, and a timed run next to someone else's build is not
   * comparable. NaN where {@code /proc/stat} cannot be read.
   */
  record MachineCpu(long wallStart, long busyTicksStart, long ownNanosStart) {
    static MachineCpu start() {
      return new MachineCpu(System.nanoTime(), busyTicks(), ownNanos());
    }

    double elapsedMillis() {
      return (System.nanoTime() - wallStart) / 1e6;
    }

    double othersPercent() {
      long busy = busyTicks();
      if (busy < 0 || busyTicksStart < 0) {
        return Double.NaN;
      }
      // USER_HZ is 100 on every Linux the JDK runs on.
      double machineNanos = (busy - busyTicksStart) * 1e7;
      double own = ownNanos() - ownNanosStart;
      return Math.max(0, 100 * (machineNanos - own) / (System.nanoTime() - wallStart));
    }

    private static long busyTicks() {
      try {
        String[] f =
            java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))
                .get(0)
                .trim()
                .split("\\s+");
        // cpu user nice system idle iowait irq softirq steal ...
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
          busy += Long.parseLong(f[i]);
        }
        return busy;
      } catch (java.io.IOException | RuntimeException e) {
        return -1;
      }
    }

    private static long ownNanos() {
      return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
              instanceof com.sun.management.OperatingSystemMXBean os
          ? os.getProcessCpuTime()
          : 0;
    }
  }

  /**
   * Counts the frames the broker refused. A run once lost its whole backlog to a fresh topic's
   * first produce requests (NOT_LEADER_OR_FOLLOWER, then OUT_OF_ORDER_SEQUENCE_NUMBER until the
   * delivery timeout), and then waited out its deadline for frames that were never queued.
   */
  private static final class SendFailures implements Callback {
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> first = new AtomicReference<>();

    @Override
    public void onCompletion(RecordMetadata m, Exception e) {
      if (e != null) {
        failed.incrementAndGet();
        first.compareAndSet(null, e);
      }
    }

    /** Throws, naming the first error, if any of the {@code sent} frames was refused. */
    void check(long sent) {
      if (failed.get() > 0) {
        throw new IllegalStateException(
            "the broker refused "
                + failed.get()
                + " of "
                + sent
                + " frames; the first error: "
                + first.get(),
            first.get());
      }
    }
  }

  /**
   * Where a run's topics live, and the prefix that keeps its names apart from other runs'. {@code
   * brokerData} is the in-process broker's data directory, null for an outside broker.
   */
  record Cluster(
      String bootstrapServers, String runId, Map<String, String> properties, Path brokerData) {
    String app(String name) {
      return runId.isEmpty() ? name : name + "-" + runId;
    }
  }

  private static double median(List<Double> values) {
    return Measure.median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * Keys spread evenly over the partitions, {@code perPartition} of them each: key {@code k} of
   * {@link #keyFor} goes to partition {@code k % partitions} under the default partitioner. Keys
   * such as {@code cam-0 .. cam-7} hash unevenly (6 of those 8 land in one of 2 partitions), which
   * would leave one stream thread idle while the other works off most of the backlog.
   */
  static List<byte[]> balancedKeys(int partitions, int perPartition) {
    List<List<byte[]>> byPartition = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      byPartition.add(new ArrayList<>());
    }
    for (int n = 0; byPartition.stream().anyMatch(l -> l.size() < perPartition); n++) {
      byte[] key = ("cam-" + n).getBytes(StandardCharsets.UTF_8);
      int p = Utils.toPositive(Utils.murmur2(key)) % partitions;
      if (byPartition.get(p).size() < perPartition) {
        byPartition.get(p).add(key);
      }
    }
    List<byte[]> keys = new ArrayList<>();
    for (int k = 0; k < perPartition; k++) {
      for (int p = 0; p < partitions; p++) {
        keys.add(byPartition.get(p).get(k));
      }
    }
    return keys;
  }

  /** Decode + encode with one decoder and encoder per thread: the ceiling for the pipeline. */
  static double decodeEncode(EncoderModel model, List<byte[]> jpegs, int threads, Measure.Plan plan)
      throws Exception {
    FrameDecoder decoder = new FrameDecoder(model.input());
    AtomicInteger thread = new AtomicInteger();
    Supplier<Measure.Work> factory =
        () -> {
          Encoder encoder = new Encoder(model);
          int[] next = {thread.getAndIncrement() * 7};
          return new Measure.Work() {
            @Override
            public int step() throws Exception {
              encoder.encode(decoder.decode(jpegs.get(next[0]++ % jpegs.size())));
              return 1;
            }

            @Override
            public void close() {
              encoder.close();
            }
          };
        };
    return Measure.framesPerSecond(factory, threads, plan);
  }

  private static PinwheelConfig config(
      Cluster kafka, String app, int threads, boolean exactlyOnce) {
    Map<String, String> p = new HashMap<>(kafka.properties());
    p.put(PinwheelConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    p.put(PinwheelConfig.APPLICATION_ID, app);
    p.put(PinwheelConfig.MODELS_TOPIC, app + ".models");
    p.put(PinwheelConfig.FRAMES_TOPIC, app + ".frames");
    p.put(PinwheelConfig.FEATURES_TOPIC, app + ".features");
    p.put(PinwheelConfig.DEAD_LETTER_TOPIC, app + ".dlq");
    p.put(PinwheelConfig.NUM_STREAM_THREADS, Integer.toString(threads));
    p.put(PinwheelConfig.PROCESSING_GUARANTEE, guarantee(exactlyOnce));
    p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/pinwheel-bench");
    return PinwheelConfig.fromProperties(p);
  }

  private static KafkaProducer<byte[], byte[]> producer(Cluster kafka) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * The bench's reader of the features and dead-letter topics, returned once it owns their {@code
   * partitions} partitions each. Joining the group takes a second or more; a consumer started with
   * the service would then read a start-up's worth of records in one poll, which a throughput run
   * would count as if made in its first 50 ms. Runs of 4,000 frames came out above decode + encode
   * alone that way.
   */
  private static KafkaConsumer<byte[], byte[]> consumer(
      Cluster kafka, PinwheelConfig c, boolean readCommitted, int partitions) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, c.applicationId() + "-reader");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        readCommitted ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(c.featuresTopic(), c.deadLetterTopic()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (consumer.assignment().size() < 2 * partitions) {
      if (System.nanoTime() > deadline) {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
        throw new IllegalStateException("the bench's consumer got no partitions within a minute");
      }
      consumer.poll(Duration.ofMillis(50));
    }
    return consumer;
  }

  private static KafkaStreams startStreams(PinwheelConfig c, EncoderModel model)
      throws InterruptedException {
    PinwheelMetrics metrics = new PinwheelMetrics();
    ModelRegistry registry = new ModelRegistry(metrics);
    registry.offerDefault(model, "bench");
    KafkaStreams streams =
        new KafkaStreams(FeatureTopology.build(c, registry, metrics), c.toStreamsProperties());
    streams.cleanUp();
    streams.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (System.nanoTime() > deadline) {
        streams.close(Duration.ofSeconds(10));
        throw new IllegalStateException("Kafka Streams did not reach RUNNING: " + streams.state());
      }
      Thread.sleep(20);
    }
    return streams;
  }

  /**
   * Frames/s with a backlog: from the first output record to the last. An untimed run (a warm-up)
   * does not need the stream threads balanced for most of it, and gives NaN if they never were.
   */
  private static double throughput(
      Cluster kafka,
      EncoderModel model,
      List<byte[]> jpegs,
      int threads,
      int partitions,
      int backlog,
      boolean exactlyOnce,
      String run,
      boolean timed)
      throws Exception {
    return onFreshTopics(
        kafka,
        "bench-throughput-" + (exactlyOnce ? "eos" : "alos") + "-" + run,
        threads,
        partitions,
        exactlyOnce,
        c -> workOff(kafka, c, model, jpegs, threads, partitions, backlog, exactlyOnce, timed));
  }

  /** A run of one application, given its configuration. */
  @FunctionalInterface
  private interface OnTopics<T> {
    T run(PinwheelConfig c) throws Exception;
  }

  /**
   * Runs {@code body} as application {@code app} (made unique by {@link Cluster#app}) on topics
   * created for it, and deletes them after.
   */
  private static <T> T onFreshTopics(
      Cluster kafka, String app, int threads, int partitions, boolean exactlyOnce, OnTopics<T> body)
      throws Exception {
    PinwheelConfig c = config(kafka, kafka.app(app), threads, exactlyOnce);
    PinwheelTopics.ensure(c, partitions);
    try {
      return body.run(c);
    } finally {
      deleteTopics(kafka, c);
    }
  }

  /** {@link #throughput} on its topics, created. */
  private static double workOff(
      Cluster kafka,
      PinwheelConfig c,
      EncoderModel model,
      List<byte[]> jpegs,
      int threads,
      int partitions,
      int backlog,
      boolean exactlyOnce,
      boolean timed)
      throws Exception {
    List<byte[]> keys = balancedKeys(partitions, 4);
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      SendFailures failures = new SendFailures();
      for (int i = 0; i < backlog; i++) {
        producer.send(
            new ProducerRecord<>(
                c.framesTopic(), keys.get(i % keys.size()), jpegs.get(i % jpegs.size())),
            failures);
      }
      producer.flush();
      failures.check(backlog);
    }
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, c, exactlyOnce, partitions);
        KafkaStreams streams = startStreams(c, model)) {
      Map<String, Long> cpuBefore = TRACE ? threadCpu() : Map.of();
      long wallBefore = System.nanoTime();
      // The clock starts once the stream threads each own a partition. Each thread's consumer joins
      // the group on its own, and the in-process broker forms a group at once
      // (group.initial.rebalance.delay.ms = 0), so for the first second or two one thread may hold
      // both partitions while the other waits for a second rebalance. That start-up is not the
      // service's steady-state throughput, and its length varies from run to run.
      long first = 0;
      long last = 0;
      long seen = 0;
      long counted = -1;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (seen < backlog && System.nanoTime() < deadline) {
        requireAlive(streams);
        int n = consumer.poll(Duration.ofMillis(50)).count();
        long now = System.nanoTime();
        seen += n;
        // The poll that finds the threads balanced brought records made before: not counted.
        if (counted < 0) {
          if (balanced(streams, threads, partitions)) {
            counted = 0;
            first = now;
          }
        } else if (n > 0) {
          counted += n;
          last = now;
        }
      }
      if (seen < backlog) {
        throw new IllegalStateException("only " + seen + " of " + backlog + " frames came out");
      }
      if (timed && counted < backlog / 2) {
        // Three threads on three partitions took some 3,000 frames to settle in a warm-up run.
        throw new IllegalStateException(
            "the stream threads were balanced for only "
                + Math.max(0, counted)
                + " of "
                + backlog
                + " frames: use a larger --backlog");
      }
      double fps = counted > 0 ? counted / ((last - first) / 1e9) : Double.NaN;
      if (TRACE) {
        traceCpu(c.applicationId(), fps, cpuBefore, threadCpu(), System.nanoTime() - wallBefore);
      }
      return fps;
    }
  }

  /**
   * Deletes a finished run's topics. A run leaves nothing on a broker it was pointed at, and the
   * in-process broker holds one run's frames at a time: a full bench writes about 9 GB of frames
   * and features, and their writeback to disk took both cores for seconds in the middle of later
   * runs. With the in-process broker this waits until the files are gone too: freeing them took 3%
   * of a core during the next run otherwise.
   */
  private static void deleteTopics(Cluster kafka, PinwheelConfig c) throws Exception {
    try (Admin admin = Admin.create(c.clientProperties())) {
      admin
          .deleteTopics(
              List.of(c.framesTopic(), c.featuresTopic(), c.deadLetterTopic(), c.modelsTopic()))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    if (kafka.brokerData() == null) {
      return;
    }
    // Every topic of the run, and so every partition directory, starts with its application id.
    String prefix = c.applicationId() + ".";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Stream<Path> dirs = Files.list(kafka.brokerData())) {
        if (dirs.noneMatch(d -> d.getFileName().toString().startsWith(prefix))) {
          return;
        }
      }
      Thread.sleep(50);
    }
  }

  /**
   * Whether the work is spread: as many stream threads as there are partitions to go round (at most
   * {@code threads}) each own an active task, and the client is RUNNING.
   */
  private static boolean balanced(KafkaStreams streams, int threads, int partitions) {
    long busy =
        streams.metadataForLocalThreads().stream().filter(t -> !t.activeTasks().isEmpty()).count();
    return busy >= Math.min(threads, partitions) && streams.state() == KafkaStreams.State.RUNNING;
  }

  /** Waits up to a minute for {@link #balanced}. */
  private static void awaitBalanced(KafkaStreams streams, int threads, int partitions)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!balanced(streams, threads, partitions)) {
      requireAlive(streams);
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the stream threads did not each get a partition within a minute");
      }
      Thread.sleep(20);
    }
  }

  /** End-to-end latency (record timestamp to consumer) at a paced rate. */
  private static Latency latency(
      Cluster kafka,
      EncoderModel model,
      List<byte[]> jpegs,
      int threads,
      int partitions,
      double rate,
      Duration run,
      boolean exactlyOnce,
      String round)
      throws Exception {
    return onFreshTopics(
        kafka,
        "bench-latency-" + guarantee(exactlyOnce).replace('_', '-') + "-" + round,
        threads,
        partitions,
        exactlyOnce,
        c -> paced(kafka, c, model, jpegs, threads, partitions, rate, run, exactlyOnce));
  }

  /** {@link #latency} on its topics, created. */
  private static Latency paced(
      Cluster kafka,
      PinwheelConfig c,
      EncoderModel model,
      List<byte[]> jpegs,
      int threads,
      int partitions,
      double rate,
      Duration run,
      boolean exactlyOnce)
      throws Exception {
    String guarantee = guarantee(exactlyOnce);
    List<byte[]> keys = balancedKeys(partitions, 4);
    long rssStart = ProcessMemoryMetrics.residentBytes();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, c, exactlyOnce, partitions);
        KafkaStreams streams = startStreams(c, model);
        KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      // As in the throughput runs: the paced frames start once each thread owns a partition.
      awaitBalanced(streams, threads, partitions);
      ExecutorService pacer = Executors.newSingleThreadExecutor();
      long total = (long) (rate * run.plus(LATENCY_STARTUP).toMillis() / 1000.0);
      SendFailures failures = new SendFailures();
      Future<?> sending =
          pacer.submit(
              () -> {
                long start = System.nanoTime();
                for (long i = 0; i < total; i++) {
                  long due = start + (long) (i * 1e9 / rate);
                  long wait = due - System.nanoTime();
                  if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                  }
                  producer.send(
                      new ProducerRecord<>(
                          c.framesTopic(),
                          null,
                          System.currentTimeMillis(),
                          keys.get((int) (i % keys.size())),
                          jpegs.get((int) (i % jpegs.size()))),
                      failures);
                }
                return null;
              });
      // The first seconds of a new application are reported apart: records sent in them wait
      // behind the first fetches, transactions and commits of fresh clients (up to 400 ms in a
      // run where every later record took under 50 ms), which is start-up, not steady state.
      long skipBefore = System.currentTimeMillis() + LATENCY_STARTUP.toMillis();
      List<Long> lat = new ArrayList<>();
      List<Long> startup = new ArrayList<>();
      long seen = 0;
      long deadline = System.nanoTime() + run.toNanos() + TimeUnit.SECONDS.toNanos(60);
      while ((seen < total) && System.nanoTime() < deadline) {
        requireAlive(streams);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
          long now = System.currentTimeMillis();
          seen++;
          if (r.timestamp() < skipBefore) {
            startup.add(now - r.timestamp());
          } else {
            lat.add(now - r.timestamp());
            if (TRACE && now - r.timestamp() > 50) {
              System.err.printf(
                  "trace %s t=%d ms sent at %d ms since the epoch latency %d ms partition %d%n",
                  guarantee,
                  r.timestamp() - skipBefore,
                  r.timestamp(),
                  now - r.timestamp(),
                  r.partition());
            }
          }
        }
      }
      sending.get();
      pacer.shutdown();
      producer.flush();
      failures.check(total);
      if (seen < total) {
        throw new IllegalStateException("only " + seen + " of " + total + " frames came out");
      }
      long[] sorted = lat.stream().mapToLong(Long::longValue).sorted().toArray();
      long[] first = startup.stream().mapToLong(Long::longValue).sorted().toArray();
      double p99 = percentile(sorted, 0.99);
      return new Latency(
          guarantee,
          rate,
          sorted.length,
          percentile(sorted, 0.5),
          p99,
          sorted.length == 0 ? 0 : sorted[sorted.length - 1],
          List.of(p99),
          percentile(first, 0.99),
          rssStart,
          ProcessMemoryMetrics.residentBytes());
    }
  }

  private static String guarantee(boolean exactlyOnce) {
    return exactlyOnce ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE;
  }

  /** CPU nanoseconds of every live thread, by thread name with ids and numbers folded. */
  private static Map<String, Long> threadCpu() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    Map<String, Long> cpu = new HashMap<>();
    cpu.put("(JIT compilation, ms of CPU as ns/1e6)#0", Math.max(0, jitMillis()) * 1_000_000L);
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      cpu.put("(whole process)#0", os.getProcessCpuTime());
    }
    for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      long ns = mx.getThreadCpuTime(info.getThreadId());
      if (ns > 0) {
        cpu.put(info.getThreadName() + "#" + info.getThreadId(), ns);
      }
    }
    return cpu;
  }

  private static void traceCpu(
      String app, double fps, Map<String, Long> before, Map<String, Long> after, long wallNanos) {
    Map<String, Long> byGroup = new java.util.TreeMap<>();
    after.forEach(
        (name, ns) -> {
          String group =
              name.replaceAll("#\\d+$", "")
                  .replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "X")
                  .replaceAll("\\d+", "N");
          byGroup.merge(group, ns - before.getOrDefault(name, 0L), Long::sum);
        });
    StringBuilder b = new StringBuilder();
    byGroup.entrySet().stream()
        .filter(e -> e.getValue() > wallNanos / 100)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(
            e ->
                b.append(
                    String.format(
                        java.util.Locale.ROOT,
                        "%n    %5.1f%% %s",
                        100.0 * e.getValue() / wallNanos,
                        e.getKey())));
    System.err.printf(
        java.util.Locale.ROOT,
        "trace %s: %.0f frames/s, %.1f s, CPU of one core by threads:%s%n",
        app,
        fps,
        wallNanos / 1e9,
        b);
  }

  private static void requireAlive(KafkaStreams streams) {
    if (!streams.state().isRunningOrRebalancing()) {
      throw new IllegalStateException("Kafka Streams stopped: " + streams.state());
    }
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
