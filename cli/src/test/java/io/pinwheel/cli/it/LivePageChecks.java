package io.pinwheel.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.pinwheel.cli.Cli;
import io.pinwheel.cli.support.ShippedModels;
import io.pinwheel.extractor.model.EncoderModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The live page in a real browser ({@link OperationsIT}): Debian's headless Chromium, driven
 * through its chromedriver, opens the page of a running {@code serve} fed with photographs, waits
 * for every chart to show data, publishes a new model version and a model that must be rejected,
 * rolls the new version back, and checks the model card and the reload timeline; then saves a
 * screenshot ({@code target/live-page.png}; with {@code -Dpinwheel.screenshots=docs/images} also
 * the README's).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class LivePageChecks {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final List<String> CHARTS =
      List.of("rates", "dead-letters", "latency", "decode", "encode", "density", "lag");

  private RunningServe serve;
  private ChromeDriver browser;

  @BeforeAll
  void openPage(RunningServe serve, @TempDir Path profile) {
    requireBrowser();
    this.serve = serve;
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    // Headless, and nothing that would reach beyond this machine (its network is closed).
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + profile);
    ChromeDriverService driver =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(driver, options);
    browser.manage().window().setSize(new Dimension(1400, 1380));
    browser.get(serve.pageUri().toString());
  }

  @AfterAll
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  @Order(1)
  void shouldDrawEveryChartWithData() {
    for (String chart : CHARTS) {
      await()
          .atMost(DEADLINE)
          .ignoreException(StaleElementReferenceException.class)
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(points(chart)).as("points drawn on chart %s", chart).isGreaterThan(0));
    }
    assertThat(text("total-in")).isNotEqualTo("0");
    assertThat(browser.findElement(By.id("state")).getText()).startsWith("UP");
  }

  @Test
  @Order(2)
  void shouldShowTheNewModelOnTheCardAfterAHotReload() throws Exception {
    await()
        .atMost(DEADLINE)
        .ignoreException(StaleElementReferenceException.class)
        .until(() -> text("model-version").equals("1"));
    EncoderModel v2 = ShippedModels.withThresholdScaled(ShippedModels.natural(), 2, 1.1);

    serve.publish(v2);

    await()
        .atMost(DEADLINE)
        .ignoreException(StaleElementReferenceException.class)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              assertThat(text("model-name")).isEqualTo(RunningServe.MODEL);
              assertThat(text("model-version")).isEqualTo("2");
              assertThat(text("model-origin")).startsWith(serve.config().modelsTopic() + "/0@");
              assertThat(browser.findElement(By.id("filters")).getAttribute("data-model"))
                  .isEqualTo(RunningServe.MODEL + " v2");
            });
    assertThat(reloads())
        .anySatisfy(r -> assertThat(r).contains("accepted", RunningServe.MODEL + " v2"));
    assertThat(text("filters-grid")).contains("64 filters on their 8×8 topographic torus");
  }

  @Test
  @Order(3)
  void shouldListARejectedModelWithItsReason() throws Exception {
    // A valid file for another input (28x28): every instance must refuse to swap it in.
    EncoderModel other = ShippedModels.load(ShippedModels.FASHION);

    serve.publish(other);

    await()
        .atMost(DEADLINE)
        .ignoreException(StaleElementReferenceException.class)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () ->
                assertThat(reloads())
                    .anySatisfy(
                        r ->
                            assertThat(r)
                                .contains("rejected", other.name() + " v" + other.version())
                                .contains("codes of another input")));
    assertThat(text("model-version")).isEqualTo("2");
  }

  @Test
  @Order(4)
  void shouldMarkARollbackInTheReloadTimeline() {
    await()
        .atMost(DEADLINE)
        .ignoreException(StaleElementReferenceException.class)
        .until(() -> text("model-version").equals("2"));

    Cli rollback =
        Cli.run(
            "publish-model",
            "--rollback",
            RunningServe.MODEL,
            "--bootstrap-servers",
            serve.bootstrapServers());

    assertThat(rollback.exitCode()).as(rollback.err()).isZero();
    await()
        .atMost(DEADLINE)
        .ignoreException(StaleElementReferenceException.class)
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              assertThat(text("model-version")).isEqualTo("1");
              assertThat(reloads())
                  .anySatisfy(
                      r ->
                          assertThat(r)
                              .contains(
                                  "accepted", "rollout", "rollback " + RunningServe.MODEL + "@2"));
            });
  }

  @Test
  @Order(5)
  void shouldSaveAScreenshotOfThePageWithData() throws Exception {
    // Two more seconds of samples after the reloads, so the markers sit inside the charts; then a
    // window as tall as the page, so the picture shows all of it.
    Thread.sleep(2000);
    Number height = (Number) browser.executeScript("return document.documentElement.scrollHeight");
    Number inner = (Number) browser.executeScript("return window.innerHeight");
    Dimension window = browser.manage().window().getSize();
    browser
        .manage()
        .window()
        .setSize(
            new Dimension(
                window.getWidth(),
                window.getHeight() + Math.max(0, height.intValue() - inner.intValue())));
    byte[] png = browser.getScreenshotAs(OutputType.BYTES);
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));

    assertThat(image.getWidth()).isGreaterThanOrEqualTo(1000);
    Path target = Path.of("target", "live-page.png");
    Files.write(target, png);
    String copyTo = System.getProperty("pinwheel.screenshots");
    if (copyTo != null) {
      Path dir = DeployFiles.ROOT.resolve(copyTo);
      Files.createDirectories(dir);
      Files.write(dir.resolve("live-page.png"), png);
    }
    System.out.printf("live page screenshot: %s (%d bytes)%n", target.toAbsolutePath(), png.length);
  }

  private int points(String chart) {
    WebElement plot = browser.findElement(By.cssSelector("#chart-" + chart + " .plot"));
    String n = plot.getAttribute("data-points");
    return n == null ? 0 : Integer.parseInt(n);
  }

  private String text(String id) {
    return browser.findElement(By.id(id)).getText();
  }

  private List<String> reloads() {
    return browser.findElements(By.cssSelector("#reloads li")).stream()
        .map(WebElement::getText)
        .toList();
  }

  /** CI installs Chromium ({@code .ci/run}); elsewhere a machine without it skips this class. */
  private static void requireBrowser() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && System.getenv("CI") != null) {
      fail("CI must run the browser test: install chromium and chromium-driver (.ci/run does)");
    }
    Assumptions.assumeTrue(
        present,
        "no " + CHROMIUM + " or " + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
  }
}
