package io.pinwheel.topology.model;

import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.extractor.model.ModelSignatures;
import io.pinwheel.topology.RejectReason;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.ModelHistory.Candidate;
import io.pinwheel.topology.model.ReloadEvent.Trigger;
import io.pinwheel.topology.model.ReloadResult.Outcome;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model the stream threads encode with, and the rules by which a new one replaces it.
 *
 * <p>Models arrive by {@link #offer(byte[], String, boolean)} from the models topic ({@link
 * ModelsTopicListener}), a watched directory ({@link ModelDirectoryWatcher}) or the caller. Each
 * offer is decided in this order:
 *
 * <ol>
 *   <li><b>Verify</b>: {@link EncoderFile#read(byte[], String)} checks checksums, shapes and
 *       finiteness. A bad file is <em>rejected</em>.
 *   <li><b>Same input</b>: the model must read the same {@link InputSpec} (size, channels,
 *       normalization) as the serving one, since codes of another input mean something else to
 *       consumers; otherwise it is <em>rejected</em>, even when forced. The first model served sets
 *       the input; serving another input takes a restart.
 *   <li><b>Newer</b>, unless forced: with the serving model's name, its version must be higher;
 *       with another name, it must have been created later ({@link EncoderModel#createdAt()}).
 *       Otherwise it is <em>ignored</em>. Comparing creation times across names, rather than
 *       letting any other name replace the serving model, makes every instance that replays the
 *       compacted models topic end on the same model, whatever order it reads the partitions in. A
 *       model installed with {@link #offerDefault} gives way to any model with another name.
 *   <li><b>Warm up</b>: a synthetic PNG of the input size goes through a new {@link FrameDecoder}
 *       and a fresh {@link Encoder}; every value of the pooled map must be finite. A failure is
 *       <em>rejected</em>. This loads the natives and touches every code path before a stream
 *       thread does, so the swap costs a stream thread only the construction of its own encoder.
 *   <li><b>Swap</b>: the new {@link ServingModel} is published with one atomic write; each stream
 *       thread sees it at its next record, so no record is dropped and none waits on the warm-up.
 * </ol>
 *
 * <p><b>Rollbacks and pins</b> come from the models topic's rollout record ({@link RolloutState},
 * written by {@link ModelRollouts}, applied by {@link #applyRollout}). The registry remembers the
 * models it accepted, in order, and the default: a rolled-back version is never served again (nor
 * accepted when offered again) unless pinned, and when the serving one is rolled back the newest
 * accepted one left serves, else the default. A pinned version serves whatever arrives after it;
 * newer models arriving meanwhile are set aside and the newest serves once unpinned. Since the
 * rollout record holds the whole state and the topic keeps every version, an instance that reads
 * the topic from its start ends on the same model as one that followed it live.
 *
 * <p>Every offer counts once in {@link PinwheelMetrics#modelReload(String)} by outcome, and is
 * logged (accepted and ignored at INFO, rejected at WARN). A model that is not accepted changes
 * nothing: the serving one keeps serving.
 *
 * <p>Start-up order for a service: create the registry, start its sources ({@link #listen}, {@link
 * #watch}), wait for the topic to be read ({@link ModelsTopicListener#awaitCaughtUp}), then {@link
 * #offerDefault} the built-in model, which serves only if no source provided one. Only then build
 * the topology.
 *
 * <p>Thread-safe: offers are serialized (they are rare and each is decided against the model the
 * previous one left), and {@link #current()} is a lock-free read. {@link #close()} stops the
 * sources the registry started.
 */
public final class ModelRegistry implements EncoderSource, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

  /** How many decisions {@link #reloads()} remembers. */
  public static final int RELOADS_KEPT = 100;

  private final PinwheelMetrics metrics;
  private final AtomicReference<ServingModel> serving = new AtomicReference<>();
  private final List<AutoCloseable> sources = new ArrayList<>();
  private final ReloadLog log = new ReloadLog(RELOADS_KEPT);

  /** The models to roll back to and pin; guarded by {@code this}. */
  private final ModelHistory history = new ModelHistory();

  /** The latest rollout record read; guarded by {@code this}. */
  private RolloutState rollout = RolloutState.NONE;

  private final Map<String, PublicKey> trustedKeys;

  /** Guarded by {@code this}. */
  private boolean closed;

  /**
   * Creates a registry serving nothing yet.
   *
   * @param metrics where reloads and the serving model are recorded
   */
  public ModelRegistry(PinwheelMetrics metrics) {
    this(metrics, Map.of());
  }

  /**
   * Creates a registry serving nothing yet that accepts from files ({@link #offer(byte[], String,
   * boolean)}: the models topic, the watched directory) only models signed by a trusted key.
   *
   * @param metrics where reloads and the serving model are recorded
   * @param trustedKeys Ed25519 public keys by {@link ModelSignatures#keyId}; empty to accept
   *     unsigned models, as without signatures
   */
  public ModelRegistry(PinwheelMetrics metrics, Map<String, PublicKey> trustedKeys) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.trustedKeys = Map.copyOf(trustedKeys);
  }

  /**
   * Tells whether models from files must be signed by a trusted key.
   *
   * @return true when the registry was given trusted keys
   */
  public boolean verifiesSignatures() {
    return !trustedKeys.isEmpty();
  }

  /**
   * Returns the serving model.
   *
   * @return the model accepted last
   * @throws IllegalStateException if no model has been accepted yet
   */
  @Override
  public ServingModel current() {
    ServingModel s = serving.get();
    if (s == null) {
      throw new IllegalStateException("no encoder model has been loaded yet");
    }
    return s;
  }

  /**
   * Returns the serving model, if any.
   *
   * @return the model accepted last, or empty before the first
   */
  public Optional<ServingModel> serving() {
    return Optional.ofNullable(serving.get());
  }

  /**
   * Returns the latest decisions, oldest first: every offer, accepted, rejected or ignored.
   *
   * @return at most {@value #RELOADS_KEPT} events
   */
  public List<ReloadEvent> reloads() {
    return log.events();
  }

  /**
   * Offers the bytes of an encoder file ({@code .pwe}).
   *
   * @param pweBytes the whole file
   * @param origin where the bytes came from, for messages and logs
   * @param force accept a model that is not newer than the serving one (a rollback); the input must
   *     still match
   * @return what was done, and why; never throws for bad bytes
   */
  public ReloadResult offer(byte[] pweBytes, String origin, boolean force) {
    Objects.requireNonNull(origin, "origin");
    if (pweBytes == null || pweBytes.length == 0) {
      return finish(
          Outcome.REJECTED, origin + ": no model bytes", null, null, origin, Trigger.OFFER);
    }
    if (!trustedKeys.isEmpty()) {
      ModelSignatures.Verdict verdict = ModelSignatures.verify(pweBytes, trustedKeys);
      if (!verdict.trusted()) {
        return finish(
            new ReloadResult(
                Outcome.REJECTED,
                origin + ": " + verdict.status().tag() + ": " + verdict.message(),
                RejectReason.of(verdict.status())),
            null,
            null,
            origin,
            Trigger.OFFER);
      }
    }
    EncoderModel model;
    try {
      model = EncoderFile.read(pweBytes, origin);
    } catch (InvalidModelException e) {
      return finish(Outcome.REJECTED, e.getMessage(), null, null, origin, Trigger.OFFER);
    } catch (RuntimeException e) {
      // The reader promises InvalidModelException for bad files; anything else is still the
      // file's fault as far as serving is concerned, and must not reach a source's thread.
      return finish(
          Outcome.REJECTED,
          origin
              + ": unreadable model ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ")",
          null,
          null,
          origin,
          Trigger.OFFER);
    }
    return offer(model, origin, force);
  }

  /**
   * Offers a model already in memory, under the same rules as the bytes of its file.
   *
   * @param model the model
   * @param origin where it came from, for messages and logs
   * @param force accept a model that is not newer than the serving one
   * @return what was done, and why
   */
  public ReloadResult offer(EncoderModel model, String origin, boolean force) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(origin, "origin");
    return decide(model, origin, force, false);
  }

  /**
   * Offers the model to serve when no source has provided one: accepted only while nothing is
   * serving, and replaced by any later model with another name (or a higher version of its own).
   *
   * @param model the built-in or command-line model
   * @param origin what to call it in logs, e.g. {@code built-in}
   * @return accepted, rejected if it fails warm-up, or ignored if a model is already serving
   */
  public ReloadResult offerDefault(EncoderModel model, String origin) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(origin, "origin");
    return decide(model, origin, false, true);
  }

  /**
   * Starts a {@link ModelsTopicListener} that offers every record of {@code topic}; {@link
   * #close()} stops it.
   *
   * @param topic the compacted models topic
   * @param clientProperties {@code bootstrap.servers} and security settings
   * @return the running listener
   */
  public synchronized ModelsTopicListener listen(
      String topic, Map<String, Object> clientProperties) {
    requireOpen();
    ModelsTopicListener listener = ModelsTopicListener.start(this, topic, clientProperties);
    sources.add(listener);
    return listener;
  }

  /**
   * Starts a {@link ModelDirectoryWatcher} on {@code dir}, after offering the models already in it;
   * {@link #close()} stops it.
   *
   * @param dir the directory of {@code *.pwe} files
   * @param interval time between scans
   * @return the running watcher
   */
  public ModelDirectoryWatcher watch(Path dir, Duration interval) {
    synchronized (this) {
      requireOpen();
    }
    // Not under the lock: the first scan offers models, which takes the lock per offer.
    ModelDirectoryWatcher watcher = ModelDirectoryWatcher.start(this, dir, interval);
    synchronized (this) {
      if (closed) {
        watcher.close();
        throw new IllegalStateException("model registry is closed");
      }
      sources.add(watcher);
    }
    return watcher;
  }

  /**
   * Stops the sources this registry started, newest first, and refuses further offers (they are
   * ignored). The serving model stays readable. Calling it again does nothing.
   */
  @Override
  public void close() {
    List<AutoCloseable> toClose;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(sources);
      sources.clear();
    }
    // Outside the lock: a source's thread may be inside offer(), which needs it, and close()
    // waits for that thread.
    for (int i = toClose.size() - 1; i >= 0; i--) {
      try {
        toClose.get(i).close();
      } catch (Exception e) {
        LOG.warn("could not stop model source {}", toClose.get(i), e);
      }
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("model registry is closed");
    }
  }

  private synchronized ReloadResult decide(
      EncoderModel model, String origin, boolean force, boolean asDefault) {
    String what = describe(model) + " from " + origin;
    Trigger trigger = asDefault ? Trigger.DEFAULT : Trigger.OFFER;
    if (closed) {
      return finish(
          Outcome.IGNORED, what + ": the registry is closed", null, model, origin, trigger);
    }
    ServingModel now = serving.get();
    Candidate offered = new Candidate(model, origin);
    if (asDefault) {
      history.setFallback(offered);
      Optional<Candidate> target = history.target(rollout);
      if (now != null && target.isPresent() && target.get() != offered) {
        return finish(
            Outcome.IGNORED,
            what + " is a default and " + now + " is already serving",
            null,
            model,
            origin,
            trigger);
      }
      if (now != null && !model.input().equals(now.model().input())) {
        return finish(
            Outcome.REJECTED,
            what + ModelChecks.otherInput(model, now),
            null,
            model,
            origin,
            trigger);
      }
      return serve(offered, what, now, "", null, trigger);
    }
    if (now != null && !model.input().equals(now.model().input())) {
      return finish(
          Outcome.REJECTED,
          what + ModelChecks.otherInput(model, now),
          null,
          model,
          origin,
          trigger);
    }
    ModelKey key = offered.key();
    history.remember(offered);
    if (!force && rollout.isWithdrawn(key)) {
      return finish(
          Outcome.IGNORED,
          what
              + " was rolled back ("
              + rollout.change()
              + " on the models topic); pin it to serve it again",
          null,
          model,
          origin,
          trigger);
    }
    boolean pinnedHere = rollout.pin().map(key::equals).orElse(false);
    String notNewer = force ? null : notNewer(model);
    Optional<ModelKey> otherPin =
        rollout.pin().filter(p -> !p.equals(key) && history.known(p).isPresent());
    if (otherPin.isPresent()) {
      if (notNewer == null) {
        // Next in line once unpinned; warmed up then.
        history.accept(offered);
      }
      return finish(
          Outcome.IGNORED,
          what
              + (notNewer == null ? " is newer" : " " + notNewer)
              + ", but "
              + otherPin.get()
              + " is pinned (publish-model --unpin serves the newest again)",
          null,
          model,
          origin,
          trigger);
    }
    if (notNewer != null && !pinnedHere) {
      return finish(Outcome.IGNORED, what + " " + notNewer, null, model, origin, trigger);
    }
    if (notNewer == null) {
      history.accept(offered);
    }
    return serve(
        offered,
        what,
        now,
        (force && now != null ? "; forced" : "") + (pinnedHere ? "; pinned" : ""),
        key,
        trigger);
  }

  /**
   * Applies the models topic's rollout record: rollbacks and pins. Whatever should then serve (the
   * pinned model, else the newest accepted one not rolled back, else the default) is swapped in.
   *
   * @param json the record's value ({@link RolloutState})
   * @param origin where the record is, {@code topic/partition@offset}
   * @return accepted when another model now serves, ignored when the serving one stays, rejected
   *     for an unreadable record or a model that fails its warm-up
   */
  public synchronized ReloadResult applyRollout(byte[] json, String origin) {
    Objects.requireNonNull(origin, "origin");
    RolloutState next;
    try {
      next = RolloutState.parse(json);
    } catch (IllegalArgumentException e) {
      return finish(
          Outcome.REJECTED,
          origin + ": unreadable rollout record: " + e.getMessage(),
          null,
          null,
          origin,
          Trigger.ROLLOUT);
    }
    rollout = next;
    ServingModel now = serving.get();
    Optional<Candidate> target = history.target(next);
    String change = next.change() + " (from " + origin + ")";
    if (target.isEmpty()) {
      return finish(
          Outcome.IGNORED,
          change
              + ": nothing left to serve"
              + (now == null ? "" : "; " + now + " keeps serving until a default is offered"),
          null,
          null,
          origin,
          Trigger.ROLLOUT);
    }
    Candidate t = target.get();
    if (now != null && ModelKey.of(now.model()).equals(t.key())) {
      return finish(
          Outcome.IGNORED,
          change + ": " + now + " keeps serving",
          null,
          t.model(),
          origin,
          Trigger.ROLLOUT);
    }
    String what = change + ": " + describe(t.model()) + " from " + t.origin();
    ReloadResult r = serve(t, what, now, "", null, Trigger.ROLLOUT);
    if (!r.accepted()) {
      history.unaccept(t.key());
    }
    return r;
  }

  /**
   * Returns the rollout state the registry applies: rolled-back versions and the pin.
   *
   * @return the latest rollout record read, or {@link RolloutState#NONE}
   */
  public synchronized RolloutState rollout() {
    return rollout;
  }

  /** Warms {@code c} up and swaps it in; the outcome, counted and logged. */
  private ReloadResult serve(
      Candidate c,
      String what,
      ServingModel now,
      String note,
      ModelKey unacceptOnFailure,
      Trigger trigger) {
    long t0 = System.nanoTime();
    String failure = ModelChecks.warmUp(c.model());
    long warmMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    if (failure != null) {
      if (unacceptOnFailure != null) {
        history.unaccept(unacceptOnFailure);
      }
      return finish(
          Outcome.REJECTED,
          what + " failed its warm-up: " + failure,
          null,
          c.model(),
          c.origin(),
          trigger);
    }
    ServingModel next = new ServingModel(c.model(), c.origin(), Instant.now());
    String message =
        what
            + " now serving (warm-up "
            + warmMs
            + " ms"
            + (now == null ? "" : "; replaces " + now)
            + note
            + ")";
    return finish(Outcome.ACCEPTED, message, next, c.model(), c.origin(), trigger);
  }

  /**
   * Why {@code model} is not newer than the model the rules choose now (the newest accepted one not
   * rolled back, else the default), or null when it is.
   */
  private String notNewer(EncoderModel model) {
    Optional<Candidate> newest = history.newestAccepted(rollout);
    if (newest.isEmpty()) {
      Optional<Candidate> fallback = history.fallback();
      if (fallback.isEmpty()) {
        return null;
      }
      EncoderModel d = fallback.get().model();
      // A default gives way to any model of another name, and to a higher version of its own.
      if (!model.name().equals(d.name()) || model.version() > d.version()) {
        return null;
      }
      return "is not newer than the default " + describe(d) + " (publish a higher version)";
    }
    EncoderModel s = newest.get().model();
    String chosen = describe(s) + " from " + newest.get().origin();
    if (model.name().equals(s.name())) {
      if (model.version() > s.version()) {
        return null;
      }
      ServingModel now = serving.get();
      boolean isServing = now != null && ModelKey.of(now.model()).equals(ModelKey.of(s));
      return "is not newer than the "
          + (isServing ? "serving " : "accepted ")
          + "version "
          + s.version()
          + " (publish a higher version, or force it)";
    }
    if (model.createdAt().isAfter(s.createdAt())) {
      return null;
    }
    return "was created at "
        + model.createdAt()
        + ", not after "
        + chosen
        + " created at "
        + s.createdAt()
        + " (a model of another name replaces the serving one only if created later; force it to"
        + " roll back)";
  }

  private ReloadResult finish(
      Outcome outcome,
      String message,
      ServingModel next,
      EncoderModel offered,
      String origin,
      Trigger trigger) {
    return finish(new ReloadResult(outcome, message), next, offered, origin, trigger);
  }

  private ReloadResult finish(
      ReloadResult result,
      ServingModel next,
      EncoderModel offered,
      String origin,
      Trigger trigger) {
    if (next != null) {
      serving.set(next);
      metrics.servingModel(next.name(), next.version());
    }
    metrics.modelReload(result.outcome().tag(), result.reason().tag());
    log.add(
        new ReloadEvent(
            Instant.now(),
            result.outcome(),
            offered == null ? null : offered.name(),
            offered == null ? 0 : offered.version(),
            origin,
            result.message(),
            trigger));
    switch (result.outcome()) {
      case ACCEPTED -> LOG.info("model accepted: {}", result.message());
      case IGNORED -> LOG.info("model ignored: {}", result.message());
      case REJECTED -> LOG.warn("model rejected: {}", result.message());
    }
    return result;
  }

  private static String describe(EncoderModel model) {
    return "model " + model.name() + " v" + model.version();
  }
}
