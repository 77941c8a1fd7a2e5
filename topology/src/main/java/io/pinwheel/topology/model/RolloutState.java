package io.pinwheel.topology.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What operators have decided about the models on the models topic, beyond publishing them: the
 * versions rolled back (withdrawn: no instance serves them, unless pinned) and the one pinned
 * (every instance serves it, whatever else is published). It is the value of the topic's one
 * rollout record (key {@value #KEY}), replaced whole at each change, so compaction keeps the latest
 * and an instance that reads the topic from the start ends in the same state as one that was
 * running.
 *
 * <p>JSON, camelCase: {@code {"withdrawn":["natural@3"],"pin":"natural@1","change":"rollback
 * natural@3","at":"2026-..."}}; {@code pin} is null when nothing is pinned.
 *
 * @param withdrawn the versions rolled back
 * @param pin the version pinned, if any
 * @param change what the latest change was, in words, for logs and the live page
 * @param at when it was made
 */
public record RolloutState(
    SortedSet<ModelKey> withdrawn, Optional<ModelKey> pin, String change, Instant at) {

  /** The key of the rollout record on the models topic; not a possible model name. */
  public static final String KEY = "pinwheel/rollout";

  /** The header that marks the rollout record, with value {@value #HEADER_VALUE}. */
  public static final String HEADER = "pinwheel.models.record";

  /** The value of {@link #HEADER} on the rollout record. */
  public static final String HEADER_VALUE = "rollout";

  /** Nothing withdrawn, nothing pinned: a topic without a rollout record. */
  public static final RolloutState NONE =
      new RolloutState(new TreeSet<>(), Optional.empty(), "none", Instant.EPOCH);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Checks the components and copies the set. */
  public RolloutState {
    withdrawn = new TreeSet<>(Objects.requireNonNull(withdrawn, "withdrawn"));
    Objects.requireNonNull(pin, "pin");
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(at, "at");
  }

  @Override
  public SortedSet<ModelKey> withdrawn() {
    return new TreeSet<>(withdrawn);
  }

  /**
   * Tells whether {@code key} is rolled back and not pinned.
   *
   * @param key a model
   * @return true if no instance should serve it
   */
  public boolean isWithdrawn(ModelKey key) {
    return withdrawn.contains(key) && !pin.map(key::equals).orElse(false);
  }

  /**
   * This state with {@code key} rolled back.
   *
   * @param key the version to withdraw
   * @return the new state
   */
  public RolloutState withdraw(ModelKey key) {
    Set<ModelKey> w = withdrawn();
    w.add(key);
    return new RolloutState(new TreeSet<>(w), pin, "rollback " + key, Instant.now());
  }

  /**
   * This state with {@code key} pinned: served everywhere, even if it had been rolled back.
   *
   * @param key the version to pin
   * @return the new state
   */
  public RolloutState pinned(ModelKey key) {
    SortedSet<ModelKey> w = withdrawn();
    w.remove(key);
    return new RolloutState(w, Optional.of(key), "pin " + key, Instant.now());
  }

  /**
   * This state without a pin.
   *
   * @return the new state
   */
  public RolloutState unpinned() {
    return new RolloutState(
        withdrawn,
        Optional.empty(),
        "unpin " + pin.map(ModelKey::toString).orElse("(none)"),
        Instant.now());
  }

  /**
   * The record's value.
   *
   * @return UTF-8 JSON
   */
  public byte[] toJson() {
    ObjectNode o = JSON.createObjectNode();
    withdrawn.forEach(k -> o.withArray("withdrawn").add(k.toString()));
    if (withdrawn.isEmpty()) {
      o.putArray("withdrawn");
    }
    if (pin.isPresent()) {
      o.put("pin", pin.get().toString());
    } else {
      o.putNull("pin");
    }
    o.put("change", change);
    o.put("at", at.toString());
    try {
      return JSON.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write a rollout record", e);
    }
  }

  /**
   * Reads a rollout record's value.
   *
   * @param json the value
   * @return the state
   * @throws IllegalArgumentException naming what is wrong
   */
  public static RolloutState parse(byte[] json) {
    JsonNode o;
    try {
      o = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("a rollout record is not JSON: " + e.getMessage(), e);
    }
    if (o == null || !o.isObject() || !o.path("withdrawn").isArray()) {
      throw new IllegalArgumentException(
          "a rollout record must be a JSON object with a \"withdrawn\" array, got "
              + new String(json, StandardCharsets.UTF_8));
    }
    SortedSet<ModelKey> withdrawn = new TreeSet<>();
    for (JsonNode k : o.path("withdrawn")) {
      withdrawn.add(ModelKey.parse(k.asText()));
    }
    Optional<ModelKey> pin =
        o.path("pin").isTextual()
            ? Optional.of(ModelKey.parse(o.path("pin").asText()))
            : Optional.empty();
    Instant at;
    try {
      at = Instant.parse(o.path("at").asText(Instant.EPOCH.toString()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "a rollout record's \"at\" is not a time: " + o.path("at"), e);
    }
    return new RolloutState(withdrawn, pin, o.path("change").asText("unknown change"), at);
  }
}
