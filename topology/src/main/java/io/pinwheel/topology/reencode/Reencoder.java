package io.pinwheel.topology.reencode;

import io.pinwheel.client.FeatureRecord;
import io.pinwheel.client.FeatureRecordFormat;
import io.pinwheel.client.FeatureRecordSerializer;
import io.pinwheel.extractor.DecoderOptions;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.FrameDecodeException;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.topology.DeadLetterReason;
import io.pinwheel.topology.stream.FeatureRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-encodes the frames retained in a frames topic with one model into a per-version features
 * topic, from a start offset or time up to the end offsets the topic had when the run started,
 * exactly once.
 *
 * <p>Each batch of frames is read ({@code read_committed}), decoded and encoded, and its feature
 * records are written in one transaction with the batch's offsets, committed under the job id (a
 * consumer group, and the producer's {@code transactional.id}). A run that is stopped or crashes
 * leaves whole batches only; the next run with the same job id fences any survivor of the last,
 * resumes from the committed offsets and ends at the end offsets of its own start. So every frame
 * in the range ends once in the target topic, or is counted as skipped when it cannot be decoded or
 * encoded (the service dead-lettered it already; it is not written again). Records of the target
 * keep the frame's key, timestamp and headers, as the service's do, and the target is created with
 * the frames topic's partition count when missing, so a key lands in the same partition.
 *
 * <p>One thread: decoding and encoding run on the caller's thread, like one stream thread of the
 * service.
 */
public final class Reencoder {
  private static final Logger LOG = LoggerFactory.getLogger(Reencoder.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Frames per transaction: each costs a few milliseconds to encode. */
  static final int BATCH = 64;

  private Reencoder() {}

  /**
   * What to re-encode, and where to.
   *
   * @param framesTopic the frames topic
   * @param targetTopic the per-version features topic
   * @param model the encoder
   * @param start where to start when the job id has no committed offsets
   * @param jobId the consumer group and transactional id; the same id resumes
   * @param format the feature records' format
   * @param decoderOptions the decoder's limits, as the service's
   * @param progressInterval how often progress is reported
   */
  public record Job(
      String framesTopic,
      String targetTopic,
      EncoderModel model,
      ReencodeStart start,
      String jobId,
      FeatureRecordFormat format,
      DecoderOptions decoderOptions,
      Duration progressInterval) {

    /** Checks that every component is present and the two topics differ. */
    public Job {
      Objects.requireNonNull(framesTopic, "framesTopic");
      Objects.requireNonNull(targetTopic, "targetTopic");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(jobId, "jobId");
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(decoderOptions, "decoderOptions");
      Objects.requireNonNull(progressInterval, "progressInterval");
      if (framesTopic.equals(targetTopic)) {
        throw new IllegalArgumentException("the target topic must not be the frames topic");
      }
    }

    /**
     * The per-version topic of {@code model}: {@code FEATURES.NAME.vVERSION}.
     *
     * @param featuresTopic the service's features topic
     * @param model the encoder
     * @return e.g. {@code pinwheel.features.natural.v3}
     */
    public static String targetTopic(String featuresTopic, EncoderModel model) {
      return featuresTopic + "." + model.name() + ".v" + model.version();
    }
  }

  /**
   * Runs {@code job} to the end offsets, or until {@code stop} says so between two batches.
   *
   * @param clientProperties {@code bootstrap.servers} and security settings
   * @param job what to do
   * @param progress told every {@link Job#progressInterval()} and at the end
   * @param stop polled between batches; true aborts the open batch and returns
   * @return what was done
   * @throws KafkaException if Kafka fails; the committed batches stay, and a run with the same job
   *     id resumes
   */
  public static ReencodeResult run(
      Map<String, Object> clientProperties,
      Job job,
      Consumer<ReencodeProgress> progress,
      BooleanSupplier stop) {
    long t0 = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(clientProperties, job);
        KafkaProducer<byte[], byte[]> producer = producer(clientProperties, job);
        Encoder encoder = new Encoder(job.model())) {
      List<TopicPartition> partitions = partitions(consumer, job.framesTopic());
      ensureTarget(clientProperties, job.targetTopic(), partitions.size());
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      // Fences an earlier run's producer and aborts its open transaction before anything is read.
      producer.initTransactions();
      Map<TopicPartition, OffsetAndMetadata> committed =
          consumer.committed(new HashSet<>(partitions), TIMEOUT);
      boolean resumed = committed.values().stream().anyMatch(Objects::nonNull);
      Map<TopicPartition, Long> from = startOffsets(consumer, partitions, job, committed, resumed);
      Map<TopicPartition, Long> reached = new LinkedHashMap<>(from);
      consumer.assign(partitions);
      from.forEach(consumer::seek);
      List<TopicPartition> active = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        if (from.get(tp) < end.get(tp)) {
          active.add(tp);
        }
      }
      consumer.pause(partitions);
      consumer.resume(active);
      long total = 0;
      for (TopicPartition tp : partitions) {
        total += Math.max(0, end.get(tp) - from.get(tp));
      }
      LOG.info(
          "re-encoding {} ({} frames, {}) with {} v{} into {} as {}",
          job.framesTopic(),
          total,
          resumed ? "resuming from committed offsets" : "from " + job.start(),
          job.model().name(),
          job.model().version(),
          job.targetTopic(),
          job.jobId());

      FrameDecoder decoder = new FrameDecoder(job.model().input(), job.decoderOptions());
      FeatureRecordSerializer serializer = new FeatureRecordSerializer(job.format());
      Counts counts = new Counts();
      long nextReport = System.nanoTime() + job.progressInterval().toNanos();
      boolean stopped = false;
      while (!active.isEmpty()) {
        if (stop.getAsBoolean()) {
          stopped = true;
          break;
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        Counts batch = new Counts();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        producer.beginTransaction();
        try {
          for (ConsumerRecord<byte[], byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (r.offset() >= end.get(tp)) {
              continue;
            }
            encode(r, decoder, encoder, serializer, job, producer, batch);
          }
          for (TopicPartition tp : active) {
            long at = Math.min(consumer.position(tp), end.get(tp));
            if (at > reached.get(tp)) {
              offsets.put(tp, new OffsetAndMetadata(at));
            }
          }
          if (!offsets.isEmpty()) {
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
          }
          producer.commitTransaction();
        } catch (KafkaException e) {
          abortQuietly(producer);
          throw e;
        }
        counts.add(batch);
        offsets.forEach((tp, o) -> reached.put(tp, o.offset()));
        List<TopicPartition> done = new ArrayList<>();
        for (TopicPartition tp : active) {
          if (reached.get(tp) >= end.get(tp)) {
            done.add(tp);
          }
        }
        if (!done.isEmpty()) {
          consumer.pause(done);
          active.removeAll(done);
        }
        if (System.nanoTime() >= nextReport) {
          progress.accept(counts.progress(from, reached, total, t0));
          nextReport = System.nanoTime() + job.progressInterval().toNanos();
        }
      }
      ReencodeProgress last = counts.progress(from, reached, total, t0);
      progress.accept(last);
      List<ReencodeResult.Range> ranges = new ArrayList<>();
      for (TopicPartition tp : partitions) {
        ranges.add(
            new ReencodeResult.Range(tp.partition(), from.get(tp), end.get(tp), reached.get(tp)));
      }
      return new ReencodeResult(job.targetTopic(), job.jobId(), resumed, !stopped, ranges, last);
    }
  }

  private static void encode(
      ConsumerRecord<byte[], byte[]> r,
      FrameDecoder decoder,
      Encoder encoder,
      FeatureRecordSerializer serializer,
      Job job,
      KafkaProducer<byte[], byte[]> producer,
      Counts batch) {
    SparseCode code;
    try {
      Frame frame = decoder.decode(r.value());
      code = encoder.encode(frame);
    } catch (FrameDecodeException e) {
      batch.skip(DeadLetterReason.of(e.reason()).tag());
      return;
    } catch (RuntimeException e) {
      batch.skip(DeadLetterReason.ENCODE_ERROR.tag());
      return;
    }
    FeatureRecord feature =
        FeatureRecords.of(
            code,
            FeatureRecords.frameId(r.headers(), r.topic(), r.partition(), r.offset()),
            r.timestamp(),
            job.model().name(),
            job.model().version());
    producer.send(
        new ProducerRecord<>(
            job.targetTopic(),
            null,
            r.timestamp(),
            r.key(),
            serializer.serialize(job.targetTopic(), feature),
            FeatureRecords.headers(r.headers(), job.format())));
    batch.features++;
  }

  private static Map<TopicPartition, Long> startOffsets(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      Job job,
      Map<TopicPartition, OffsetAndMetadata> committed,
      boolean resumed) {
    Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, TIMEOUT);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
    Map<TopicPartition, Long> from = new LinkedHashMap<>();
    if (resumed) {
      for (TopicPartition tp : partitions) {
        OffsetAndMetadata c = committed.get(tp);
        from.put(tp, Math.max(beginning.get(tp), c == null ? beginning.get(tp) : c.offset()));
      }
      return from;
    }
    if (job.start().time() != null) {
      Map<TopicPartition, Long> query = new HashMap<>();
      partitions.forEach(tp -> query.put(tp, job.start().time().toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, TIMEOUT);
      for (TopicPartition tp : partitions) {
        OffsetAndTimestamp o = found.get(tp);
        from.put(tp, o == null ? end.get(tp) : o.offset());
      }
      return from;
    }
    for (TopicPartition tp : partitions) {
      from.put(tp, Math.min(end.get(tp), Math.max(beginning.get(tp), job.start().offset())));
    }
    return from;
  }

  private static List<TopicPartition> partitions(
      KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      throw new KafkaException("the frames topic " + topic + " does not exist");
    }
    List<TopicPartition> out = new ArrayList<>();
    infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
    out.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
    return out;
  }

  private static void ensureTarget(Map<String, Object> client, String topic, int partitions) {
    try (Admin admin = Admin.create(new HashMap<>(client))) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty())))
          .all()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("created topic {} ({} partitions)", topic, partitions);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new KafkaException(
            "could not create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new KafkaException("timed out creating topic " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted creating topic " + topic, e);
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> client, Job job) {
    Map<String, Object> c = new HashMap<>(client);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, job.jobId());
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, job.jobId() + "-consumer");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, BATCH);
    c.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 << 20);
    return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> client, Job job) {
    Map<String, Object> p = new HashMap<>(client);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, job.jobId());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, job.jobId() + "-producer");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 20);
    p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void abortQuietly(KafkaProducer<byte[], byte[]> producer) {
    try {
      producer.abortTransaction();
    } catch (KafkaException e) {
      LOG.debug("could not abort the open transaction", e);
    }
  }

  /** Feature records and skipped frames, by reason. */
  private static final class Counts {
    long features;
    final Map<String, Long> skipped = new TreeMap<>();

    void skip(String reason) {
      skipped.merge(reason, 1L, Long::sum);
    }

    void add(Counts o) {
      features += o.features;
      o.skipped.forEach((k, v) -> skipped.merge(k, v, Long::sum));
    }

    ReencodeProgress progress(
        Map<TopicPartition, Long> from, Map<TopicPartition, Long> reached, long total, long t0) {
      long done = 0;
      for (Map.Entry<TopicPartition, Long> e : reached.entrySet()) {
        done += e.getValue() - from.get(e.getKey());
      }
      long skippedTotal = skipped.values().stream().mapToLong(Long::longValue).sum();
      return new ReencodeProgress(
          done, total, features, skippedTotal, skipped, (System.nanoTime() - t0) / 1e9);
    }
  }
}
