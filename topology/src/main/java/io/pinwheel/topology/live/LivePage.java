package io.pinwheel.topology.live;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pinwheel.topology.metrics.MetricsServer;
import io.pinwheel.topology.metrics.MetricsServer.Page;
import io.pinwheel.topology.model.ModelRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The live page on the metrics port: static files from this jar and two read-only JSON documents
 * the page polls ({@link LiveJson}).
 *
 * <ul>
 *   <li>{@code /}: the page; {@code /live.js}, {@code /live.css}: its script and style;
 *   <li>{@code /uplot.js}, {@code /uplot.css}: the charting library, from the uPlot WebJar on the
 *       class path;
 *   <li>{@code /api/status[?since=T]}: the service, the serving model, totals, the reload timeline
 *       and the samples taken after T (epoch milliseconds; all ten minutes without it);
 *   <li>{@code /api/model}: the serving model's card and its filters on their grid.
 * </ul>
 *
 * <p>Nothing here changes the service: every document is read from the meters, the sampler and the
 * model registry. Thread-safe.
 */
public final class LivePage implements MetricsServer.Pages {
  private static final String RESOURCES = "io/pinwheel/topology/live/";
  private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
  private static final String JSON = "application/json";

  private final ServiceInfo service;
  private final MeterRegistry registry;
  private final LiveSampler sampler;
  private final ModelRegistry models;
  private final Supplier<String> state;
  private final BooleanSupplier healthy;
  private final Map<String, Page> files;

  /**
   * Creates the page.
   *
   * @param service what the header names
   * @param registry where the service's meters are bound, for the totals
   * @param sampler the ten minutes of samples
   * @param models the serving model and the reload timeline
   * @param state the Kafka Streams client's state, by name
   * @param healthy what {@code /health} reports
   */
  public LivePage(
      ServiceInfo service,
      MeterRegistry registry,
      LiveSampler sampler,
      ModelRegistry models,
      Supplier<String> state,
      BooleanSupplier healthy) {
    this.service = Objects.requireNonNull(service, "service");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.sampler = Objects.requireNonNull(sampler, "sampler");
    this.models = Objects.requireNonNull(models, "models");
    this.state = Objects.requireNonNull(state, "state");
    this.healthy = Objects.requireNonNull(healthy, "healthy");
    this.files = staticFiles();
  }

  @Override
  public Optional<Page> get(String path, String query) {
    Page file = files.get(path);
    if (file != null) {
      return Optional.of(file);
    }
    return switch (path) {
      case "/api/status" -> Optional.of(status(query));
      case "/api/model" -> Optional.of(new Page(200, JSON, LiveJson.model(models.serving())));
      default -> Optional.empty();
    };
  }

  private Page status(String query) {
    long since = 0;
    if (query != null && !query.isEmpty()) {
      String value = null;
      for (String pair : query.split("&")) {
        if (pair.startsWith("since=")) {
          value = pair.substring("since=".length());
        }
      }
      try {
        since = value == null ? 0 : Long.parseLong(value);
      } catch (NumberFormatException e) {
        return new Page(
            400, JSON, LiveJson.error("since must be epoch milliseconds, got \"" + value + "\""));
      }
    }
    Map<String, Double> totals = new LinkedHashMap<>();
    totals.put("framesIn", count(LiveSampler.FRAMES_IN));
    totals.put("featuresOut", count(LiveSampler.FEATURES_OUT));
    Map<String, Double> deadLetters = new TreeMap<>();
    for (Counter c : registry.find(LiveSampler.DEAD_LETTER).counters()) {
      deadLetters.merge(c.getId().getTag("reason"), c.count(), Double::sum);
    }
    LiveJson.Status status =
        new LiveJson.Status(
            service,
            state.get(),
            healthy.getAsBoolean(),
            models.serving(),
            totals,
            deadLetters,
            models.reloads(),
            sampler.since(since));
    return new Page(200, JSON, LiveJson.status(System.currentTimeMillis(), status));
  }

  private double count(String name) {
    Counter c = registry.find(name).counter();
    return c == null ? 0 : c.count();
  }

  /** The page's files, read once; the charting library only when its WebJar is present. */
  private static Map<String, Page> staticFiles() {
    Map<String, Page> files = new LinkedHashMap<>();
    files.put("/", resource(RESOURCES + "index.html", "text/html; charset=utf-8"));
    files.put("/live.js", resource(RESOURCES + "live.js", "text/javascript; charset=utf-8"));
    files.put("/live.css", resource(RESOURCES + "live.css", "text/css; charset=utf-8"));
    uplotVersion()
        .ifPresent(
            version -> {
              String dist = "META-INF/resources/webjars/uplot/" + version + "/dist/";
              files.put(
                  "/uplot.js",
                  resource(dist + "uPlot.iife.min.js", "text/javascript; charset=utf-8"));
              files.put("/uplot.css", resource(dist + "uPlot.min.css", "text/css; charset=utf-8"));
            });
    return Map.copyOf(files);
  }

  /** The uPlot WebJar's version, from its Maven metadata, so that no second copy is kept here. */
  static Optional<String> uplotVersion() {
    try (InputStream in = LivePage.class.getClassLoader().getResourceAsStream(UPLOT_POM)) {
      if (in == null) {
        return Optional.empty();
      }
      Properties p = new Properties();
      p.load(in);
      return Optional.ofNullable(p.getProperty("version"));
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + UPLOT_POM, e);
    }
  }

  private static Page resource(String name, String contentType) {
    try (InputStream in = LivePage.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " in the class path");
      }
      return new Page(200, contentType, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("could not read resource " + name, e);
    }
  }
}
