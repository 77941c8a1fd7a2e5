package io.pinwheel.topology.model;

import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Rollbacks and pins, written to the models topic for every instance ({@link ModelRegistry} applies
 * them) and for every instance started later (which reads them with the models).
 *
 * <ul>
 *   <li>{@link #rollback}: withdraws the newest version of a name that is on the topic and not yet
 *       withdrawn, so that every instance goes back to the one it accepted before (the previous
 *       version, or its default model when none is left). Refused while a version of that name is
 *       pinned.
 *   <li>{@link #pin}: every instance serves that version, which must be on the topic, whatever is
 *       published after it; a rolled-back version pinned is served again.
 *   <li>{@link #unpin}: the newest version not rolled back serves again.
 * </ul>
 *
 * <p>Each reads the topic to its end ({@code read_committed}) for the versions on it and the
 * current {@link RolloutState}, then writes the whole new state as the rollout record. Two
 * operators changing the state at the same moment can lose one change (the later record wins); run
 * one change at a time.
 */
public final class ModelRollouts {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private ModelRollouts() {}

  /**
   * The models topic as rollbacks see it.
   *
   * @param versions every model version on the topic, by key
   * @param state the latest rollout record, or {@link RolloutState#NONE}
   */
  public record TopicView(SortedSet<ModelKey> versions, RolloutState state) {
    /** Copies the set. */
    public TopicView {
      versions = new TreeSet<>(versions);
    }

    /**
     * The versions of {@code name} that no instance has been told to leave, oldest first.
     *
     * @param name a model name
     * @return its versions on the topic, not withdrawn
     */
    public List<ModelKey> live(String name) {
      List<ModelKey> out = new ArrayList<>();
      for (ModelKey k : versions) {
        if (k.name().equals(name) && !state.isWithdrawn(k)) {
          out.add(k);
        }
      }
      return out;
    }
  }

  /**
   * What a change did.
   *
   * @param state the new rollout state
   * @param subject the version rolled back, pinned or unpinned
   * @param next for a rollback, the version that serves next (empty: each instance's default)
   * @param offset where the rollout record was written
   */
  public record Change(
      RolloutState state, ModelKey subject, Optional<ModelKey> next, String topic, long offset) {}

  /**
   * Reads the models topic to its end.
   *
   * @param clientProperties {@code bootstrap.servers} and security settings
   * @param topic the models topic
   * @return the versions on it and its rollout state
   * @throws KafkaException if the topic cannot be read
   */
  public static TopicView read(Map<String, Object> clientProperties, String topic) {
    Map<String, Object> c = new HashMap<>(clientProperties);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "pinwheel-rollouts");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, ModelsTopicListener.MAX_FETCH_BYTES);
    c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, ModelsTopicListener.MAX_FETCH_BYTES);
    SortedSet<ModelKey> versions = new TreeSet<>();
    RolloutState state = RolloutState.NONE;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        throw new KafkaException("the models topic " + topic + " does not exist");
      }
      List<TopicPartition> partitions = new ArrayList<>();
      infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!caughtUp(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new KafkaException(
              "could not read the models topic "
                  + topic
                  + " to its end in "
                  + TIMEOUT.toSeconds()
                  + " s");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
          if (isRollout(r)) {
            state = r.value() == null ? RolloutState.NONE : RolloutState.parse(r.value());
          } else if (r.value() == null) {
            removeKey(versions, key);
          } else {
            modelKey(r).ifPresent(versions::add);
          }
        }
      }
    }
    return new TopicView(versions, state);
  }

  /**
   * Rolls the newest live version of {@code name} back.
   *
   * @param clientProperties {@code bootstrap.servers} and security settings
   * @param topic the models topic
   * @param name the model's name
   * @return the change, with the version that serves next
   * @throws IllegalStateException if no version of {@code name} is left to roll back, or one is
   *     pinned
   * @throws KafkaException if the topic cannot be read or written
   */
  public static Change rollback(Map<String, Object> clientProperties, String topic, String name) {
    TopicView view = read(clientProperties, topic);
    Optional<ModelKey> pin = view.state().pin().filter(p -> p.name().equals(name));
    if (pin.isPresent()) {
      throw new IllegalStateException(
          pin.get() + " is pinned; unpin it first (--unpin) or pin another version (--pin)");
    }
    List<ModelKey> live = view.live(name);
    if (live.isEmpty()) {
      throw new IllegalStateException(
          "no version of "
              + name
              + " is left to roll back on "
              + topic
              + (view.versions().stream().anyMatch(k -> k.name().equals(name))
                  ? " (all are rolled back already)"
                  : " (none was published)"));
    }
    ModelKey withdrawn = live.get(live.size() - 1);
    Optional<ModelKey> next =
        live.size() > 1 ? Optional.of(live.get(live.size() - 2)) : Optional.empty();
    RolloutState state = view.state().withdraw(withdrawn);
    return write(clientProperties, topic, state, withdrawn, next);
  }

  /**
   * Pins {@code key}: every instance serves it until unpinned.
   *
   * @param clientProperties {@code bootstrap.servers} and security settings
   * @param topic the models topic
   * @param key the version to pin, which must be on the topic
   * @return the change
   * @throws IllegalStateException if {@code key} is not on the topic
   * @throws KafkaException if the topic cannot be read or written
   */
  public static Change pin(Map<String, Object> clientProperties, String topic, ModelKey key) {
    Objects.requireNonNull(key, "key");
    TopicView view = read(clientProperties, topic);
    if (!view.versions().contains(key)) {
      throw new IllegalStateException(
          key + " is not on " + topic + "; publish it first (on it: " + view.versions() + ")");
    }
    return write(clientProperties, topic, view.state().pinned(key), key, Optional.of(key));
  }

  /**
   * Removes the pin.
   *
   * @param clientProperties {@code bootstrap.servers} and security settings
   * @param topic the models topic
   * @return the change; its subject is the version that was pinned
   * @throws IllegalStateException if nothing is pinned
   * @throws KafkaException if the topic cannot be read or written
   */
  public static Change unpin(Map<String, Object> clientProperties, String topic) {
    TopicView view = read(clientProperties, topic);
    ModelKey pinned =
        view.state()
            .pin()
            .orElseThrow(() -> new IllegalStateException("nothing is pinned on " + topic));
    return write(clientProperties, topic, view.state().unpinned(), pinned, Optional.empty());
  }

  private static Change write(
      Map<String, Object> clientProperties,
      String topic,
      RolloutState state,
      ModelKey subject,
      Optional<ModelKey> next) {
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "pinwheel-rollouts");
    RecordHeaders headers = new RecordHeaders();
    headers.add(RolloutState.HEADER, RolloutState.HEADER_VALUE.getBytes(StandardCharsets.UTF_8));
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      RecordMetadata m =
          producer
              .send(
                  new ProducerRecord<>(
                      topic,
                      null,
                      RolloutState.KEY.getBytes(StandardCharsets.UTF_8),
                      state.toJson(),
                      headers))
              .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new Change(state, subject, next, m.topic(), m.offset());
    } catch (ExecutionException e) {
      throw new KafkaException(
          "could not write the rollout record to " + topic + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new KafkaException("timed out writing the rollout record to " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted writing the rollout record to " + topic, e);
    }
  }

  private static boolean caughtUp(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isRollout(ConsumerRecord<byte[], byte[]> r) {
    Header h = r.headers().lastHeader(RolloutState.HEADER);
    return h != null
        && RolloutState.HEADER_VALUE.equals(new String(h.value(), StandardCharsets.UTF_8));
  }

  /** The model a record holds: from its headers, else (older records) from the file itself. */
  private static Optional<ModelKey> modelKey(ConsumerRecord<byte[], byte[]> r) {
    Header name = r.headers().lastHeader(ModelPublisher.NAME_HEADER);
    Header version = r.headers().lastHeader(ModelPublisher.VERSION_HEADER);
    try {
      if (name != null && version != null) {
        return Optional.of(
            new ModelKey(
                new String(name.value(), StandardCharsets.UTF_8),
                Integer.parseInt(new String(version.value(), StandardCharsets.UTF_8))));
      }
      EncoderModel m = EncoderFile.read(r.value(), r.topic() + "@" + r.offset());
      return Optional.of(ModelKey.of(m));
    } catch (InvalidModelException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A tombstone deletes the model under its key ({@code NAME@VERSION}). */
  private static void removeKey(SortedSet<ModelKey> versions, String key) {
    try {
      versions.remove(ModelKey.parse(key));
    } catch (IllegalArgumentException notAVersionKey) {
      // An older record's key is the bare name: its version is unknown here, so nothing goes.
    }
  }
}
