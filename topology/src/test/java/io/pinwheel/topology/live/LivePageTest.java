package io.pinwheel.topology.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pinwheel.topology.metrics.MetricsServer.Page;
import io.pinwheel.topology.metrics.PinwheelMetrics;
import io.pinwheel.topology.model.ModelRegistry;
import io.pinwheel.topology.model.TestModels;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LivePageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PinwheelMetrics metrics = new PinwheelMetrics();
  private final ModelRegistry models = new ModelRegistry(metrics);
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final LiveSampler sampler;
  private final LivePage page;

  LivePageTest() {
    metrics.bindTo(registry);
    sampler = new LiveSampler(registry, models, "frames", now::get, false);
    page =
        new LivePage(
            new ServiceInfo("app", "frames", "features", "dlq"),
            registry,
            sampler,
            models,
            () -> "RUNNING",
            () -> true);
  }

  @AfterEach
  void close() {
    sampler.close();
    models.close();
  }

  private Page get(String path, String query) {
    return page.get(path, query).orElseThrow();
  }

  private static JsonNode json(Page p) throws Exception {
    assertThat(p.contentType()).isEqualTo("application/json");
    return JSON.readTree(new String(p.body(), StandardCharsets.UTF_8));
  }

  @Test
  void shouldServeThePageItsScriptAndTheChartingLibrary() {
    assertThat(new String(get("/", null).body(), StandardCharsets.UTF_8))
        .contains("<script src=\"uplot.js\"></script>");
    assertThat(get("/live.js", null).contentType()).startsWith("text/javascript");
    assertThat(get("/uplot.js", null).body().length).isGreaterThan(10_000);
    assertThat(get("/uplot.css", null).contentType()).startsWith("text/css");
  }

  @Test
  void shouldAnswerNothingForAnUnknownPath() {
    assertThat(page.get("/../pom.xml", null)).isEmpty();
    assertThat(page.get("/api", null)).isEmpty();
  }

  @Test
  void shouldReportTotalsModelAndReloadsInTheStatus() throws Exception {
    models.offer(TestModels.model("alpha", 2), "test", false);
    models.offer(new byte[] {1, 2, 3}, "junk", false);
    metrics.frameIn();
    metrics.deadLettered("truncated");

    JsonNode status = json(get("/api/status", null));

    assertThat(status.path("service").path("applicationId").asText()).isEqualTo("app");
    assertThat(status.path("service").path("healthy").asBoolean()).isTrue();
    assertThat(status.path("model").path("name").asText()).isEqualTo("alpha");
    assertThat(status.path("model").path("version").asInt()).isEqualTo(2);
    assertThat(status.path("totals").path("framesIn").asLong()).isEqualTo(1);
    assertThat(status.path("totals").path("deadLetters").path("truncated").asLong()).isEqualTo(1);
    assertThat(status.path("reloads")).hasSize(2);
    assertThat(status.path("reloads").get(0).path("result").asText()).isEqualTo("accepted");
    assertThat(status.path("reloads").get(0).path("trigger").asText()).isEqualTo("offer");
    assertThat(status.path("reloads").get(1).path("result").asText()).isEqualTo("rejected");
    assertThat(status.path("reloads").get(1).path("model").isNull()).isTrue();
    assertThat(status.path("reloads").get(1).path("message").asText()).startsWith("junk");
  }

  @Test
  void shouldSendOnlyTheSamplesAfterSince() throws Exception {
    for (int i = 0; i < 5; i++) {
      now.addAndGet(1000);
      sampler.sampleNow();
    }

    JsonNode all = json(get("/api/status", null)).path("samples");
    JsonNode recent = json(get("/api/status", "since=" + (now.get() - 2000))).path("samples");

    assertThat(all.path("t")).hasSize(5);
    assertThat(recent.path("t")).hasSize(2);
    assertThat(recent.path("framesIn")).hasSize(2);
    assertThat(recent.path("latencyP99").get(0).isNull()).isTrue();
    assertThat(recent.path("deadLettersByReason").path("undecodable")).hasSize(2);
  }

  @Test
  void shouldRefuseASinceThatIsNotANumber() throws Exception {
    Page p = get("/api/status", "since=yesterday");

    assertThat(p.status()).isEqualTo(400);
    assertThat(json(p).path("error").asText()).contains("yesterday");
  }

  @Test
  void shouldDescribeTheServingModelAndItsFilters() throws Exception {
    models.offer(TestModels.model("alpha", 3), "test", false);

    JsonNode doc = json(get("/api/model", null));

    assertThat(doc.path("model").path("name").asText()).isEqualTo("alpha");
    assertThat(doc.path("model").path("layers")).hasSize(2);
    assertThat(doc.path("filters").path("count").asInt()).isEqualTo(8);
    assertThat(doc.path("filters").path("values")).hasSize(8 * 5 * 5);
  }
}
