package io.pinwheel.cli.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.cli.Cli;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.FrameDecoder;
import io.pinwheel.extractor.OpenCv;
import io.pinwheel.extractor.RandomModels;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.extractor.TestImages;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.Layer;
import io.pinwheel.extractor.model.LinearLayer;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.extractor.model.RecurrentLayer;
import io.pinwheel.trainer.InitialModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncodeCommandTest {
  @TempDir static Path shared;
  static Path model;
  static byte[] png;
  static byte[] jpeg;

  @TempDir Path dir;

  @BeforeAll
  static void writeModelAndImages() throws Exception {
    model = shared.resolve("gabor.pwe");
    EncoderFile.write(InitialModels.gabor(), model);
    png = TestImages.gratingsAndDisc(".png");
    jpeg = TestImages.gratingsAndDisc(".jpg");
  }

  private Path file(String name, byte[] bytes) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    return p;
  }

  @Test
  void shouldPrintOneCodeLineForEachOfAPngAndAJpeg() throws Exception {
    Path a = file("a.png", png);
    Path b = file("b.jpg", jpeg);
    Cli cli = Cli.run("encode", "--model", model.toString(), a.toString(), b.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    List<JsonNode> lines = cli.lines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).get("image").asText()).isEqualTo(a.toString());
    assertThat(lines.get(1).get("image").asText()).isEqualTo(b.toString());
    for (JsonNode line : lines) {
      assertThat(line.get("nnz").asInt()).isPositive();
      assertThat(line.get("indices").size()).isEqualTo(line.get("nnz").asInt());
      assertThat(line.get("values").size()).isEqualTo(line.get("nnz").asInt());
      assertThat(Cli.ints(line.get("shape"))).containsExactly(16, 44, 44);
    }
    assertThat(cli.result().imagesEncoded()).isEqualTo(2);
  }

  @Test
  void shouldUseTheShippedStableNaturalImageEncoderWithoutModel() throws Exception {
    Cli cli = Cli.run("encode", file("a.png", png).toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode line = cli.lines().get(0);
    assertThat(line.get("model").get("name").asText()).isEqualTo("natural-stable");
    assertThat(Cli.ints(line.get("shape"))).containsExactly(64, 3, 3);
    assertThat(line.get("nnz").asInt()).isGreaterThanOrEqualTo(8);
  }

  @Test
  void shouldNameTheModelInTheCodeLine() throws Exception {
    Cli cli = Cli.run("encode", "--model", model.toString(), file("a.png", png).toString());
    JsonNode m = cli.lines().get(0).get("model");
    assertThat(m.get("name").asText()).isEqualTo("gabor");
    assertThat(m.get("version").asInt()).isEqualTo(1);
  }

  @Test
  void shouldPrintErrorLinesForBadImagesAndCodesForGoodOnes() throws Exception {
    byte[] noise = new byte[4096];
    new Random(1).nextBytes(noise);
    Path empty = file("1-empty.png", new byte[0]);
    Path good = file("2-good.png", png);
    Path random = file("3-random.jpg", noise);
    Cli cli = Cli.run("encode", "--model", model.toString(), dir.toString());
    assertThat(cli.exitCode()).isEqualTo(1);
    List<JsonNode> lines = cli.lines();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).get("image").asText()).isEqualTo(empty.toString());
    assertThat(lines.get(0).get("reason").asText()).isEqualTo("empty");
    assertThat(lines.get(0).get("error").asText()).isNotBlank();
    assertThat(lines.get(1).get("image").asText()).isEqualTo(good.toString());
    assertThat(lines.get(1).get("nnz").asInt()).isPositive();
    assertThat(lines.get(2).get("image").asText()).isEqualTo(random.toString());
    assertThat(lines.get(2).get("reason").asText()).isEqualTo("undecodable");
    assertThat(cli.result().imagesEncoded()).isEqualTo(1);
    assertThat(cli.result().imagesFailed()).isEqualTo(2);
  }

  @Test
  void shouldPrintTheWholeDenseMapThatTheSparseValuesAgreeWith() throws Exception {
    Cli cli =
        Cli.run("encode", "--model", model.toString(), "--dense", file("a.png", png).toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode line = cli.lines().get(0);
    float[] dense = Cli.floats(line.get("dense"));
    assertThat(dense).hasSize(16 * 44 * 44);
    int[] indices = Cli.ints(line.get("indices"));
    float[] values = Cli.floats(line.get("values"));
    assertThat(indices).isNotEmpty();
    for (int i = 0; i < indices.length; i++) {
      assertThat(values[i]).as("index %d", indices[i]).isEqualTo(dense[indices[i]]);
    }
  }

  @Test
  void shouldPrintNoDenseFieldWithoutDense() throws Exception {
    Cli cli = Cli.run("encode", "--model", model.toString(), file("a.png", png).toString());
    assertThat(cli.lines().get(0).has("dense")).isFalse();
  }

  @Test
  void shouldSearchDirectoriesRecursivelyInSortedOrderSkippingHiddenFiles() throws Exception {
    Path b = file("b/x.png", png);
    Path a = file("a.jpg", jpeg);
    file(".hidden.png", png);
    Cli cli = Cli.run("encode", "--model", model.toString(), dir.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.lines())
        .extracting(l -> l.get("image").asText())
        .containsExactly(a.toString(), b.toString());
  }

  @Test
  void shouldExitTwoNamingAMissingModelFile() throws Exception {
    Path missing = dir.resolve("nope.pwe");
    Cli cli = Cli.run("encode", "--model", missing.toString(), file("a.png", png).toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains(missing.toString());
    assertThat(cli.out()).isEmpty();
  }

  @Test
  void shouldExitTwoNamingACorruptModelFile() throws Exception {
    Path bad = file("bad.pwe", "this is not an encoder file".getBytes());
    Cli cli = Cli.run("encode", "--model", bad.toString(), file("a.png", png).toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("bad.pwe");
    assertThat(cli.out()).isEmpty();
  }

  // ------------------------------------------------------------ recurrent model with a head

  private static final List<String> LABELS = List.of("T-shirt", "trouser", "pullover");

  /** A DrSAE model on 16x16 gray frames, 20 units, 4 steps, with a head of three labels. */
  private static EncoderModel drsae(boolean head) {
    Random rnd = new Random(11);
    int d = 16 * 16;
    int k = 20;
    List<Layer> layers = new ArrayList<>();
    layers.add(
        new RecurrentLayer(
            RandomModels.gaussian(rnd, 1 / Math.sqrt(d), k, d),
            RandomModels.gaussian(rnd, 0.1, k, k),
            FloatTensor.filled(new int[] {k}, 0.1f),
            4));
    if (head) {
      layers.add(
          new LinearLayer(
              RandomModels.gaussian(rnd, 1, 3, k), RandomModels.gaussian(rnd, 1, 3), LABELS));
    }
    return EncoderModel.of(
        "drsae",
        3,
        new InputSpec(16, 16, 1, new Normalization.Standardize(0.5f, 0.25f)),
        layers,
        OutputSpec.threshold(0f));
  }

  private Path write(EncoderModel m) throws Exception {
    Path p = dir.resolve(m.name() + ".pwe");
    EncoderFile.write(m, p);
    return p;
  }

  @Test
  void shouldPrintTheHeadsScoresAndArgmaxLabel() throws Exception {
    EncoderModel drsae = drsae(true);
    Path a = file("a.png", png);
    Path b = file("b.jpg", jpeg);
    Cli cli = Cli.run("encode", "--model", write(drsae).toString(), a.toString(), b.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    List<JsonNode> lines = cli.lines();
    assertThat(lines).hasSize(2);
    OpenCv.load();
    try (Encoder encoder = new Encoder(drsae)) {
      FrameDecoder decoder = new FrameDecoder(drsae.input());
      byte[][] images = {png, jpeg};
      for (int i = 0; i < 2; i++) {
        JsonNode line = lines.get(i);
        SparseCode expected = encoder.encode(decoder.decode(images[i]));
        float[] scores = Cli.floats(line.get("scores"));
        assertThat(scores).containsExactly(expected.scores());
        assertThat(line.get("label").asText())
            .isEqualTo(drsae.head().orElseThrow().labelOf(scores))
            .isEqualTo(expected.label());
        assertThat(Cli.ints(line.get("shape"))).containsExactly(20, 1, 1);
        assertThat(Cli.ints(line.get("indices"))).containsExactly(expected.indices());
      }
    }
  }

  @Test
  void shouldPrintNoScoresOrLabelForARecurrentModelWithoutAHead() throws Exception {
    Cli cli =
        Cli.run("encode", "--model", write(drsae(false)).toString(), file("a.png", png).toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    JsonNode line = cli.lines().get(0);
    assertThat(line.has("scores")).isFalse();
    assertThat(line.has("label")).isFalse();
    assertThat(line.get("nnz").asInt()).isPositive();
  }

  @Test
  void shouldPrintNoScoresOrLabelForAConvModelWithoutAHead() throws Exception {
    Cli cli = Cli.run("encode", "--model", model.toString(), file("a.png", png).toString());
    JsonNode line = cli.lines().get(0);
    assertThat(line.has("scores")).isFalse();
    assertThat(line.has("label")).isFalse();
  }

  @Test
  void shouldPrintTheWholeRecurrentCodeAsDense() throws Exception {
    Cli cli =
        Cli.run(
            "encode",
            "--model",
            write(drsae(true)).toString(),
            "--dense",
            file("a.png", png).toString());
    JsonNode line = cli.lines().get(0);
    assertThat(line.get("dense").size()).isEqualTo(20);
    assertThat(line.get("scores").size()).isEqualTo(3);
  }

  @Test
  void shouldExitTwoAndEncodeNothingWhenAnImagePathIsMissing() throws Exception {
    Path good = file("a.png", png);
    Path missing = dir.resolve("missing.png");
    Cli cli = Cli.run("encode", "--model", model.toString(), good.toString(), missing.toString());
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains(missing.toString());
    assertThat(cli.out()).isEmpty();
  }
}
