package io.pinwheel.extractor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.extractor.RandomModels;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What an encoder file holds and how it reads back; refusals are in EncoderFileRefusalTest. */
class EncoderFileTest {

  static Stream<Arguments> variants() {
    List<Arguments> out = new ArrayList<>();
    Normalization[] normalizations = {
      new Normalization.None(),
      new Normalization.Standardize(0.45f, 0.226f),
      new Normalization.Lcn(2.5)
    };
    for (Normalization n : normalizations) {
      for (int channels : new int[] {1, 3}) {
        out.add(Arguments.of(n, channels, OptionalInt.empty()));
        out.add(Arguments.of(n, channels, OptionalInt.of(5)));
      }
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("variants")
  void shouldReadBackAnEqualModel(Normalization n, int channels, OptionalInt topK)
      throws Exception {
    EncoderModel model = TestModels.random(new Random(42), channels, n, topK);

    EncoderModel back = EncoderFile.read(EncoderFile.toBytes(model), "mem.pwe");

    assertThat(back).isEqualTo(model);
    assertThat(back.trainingTensors()).containsOnlyKeys("decoder", "loss.history");
  }

  @Test
  void shouldWriteTheSameBytesForTheSameModel() throws Exception {
    EncoderModel model = TestModels.random(new Random(7));

    byte[] first = EncoderFile.toBytes(model);
    byte[] again = EncoderFile.toBytes(model);
    byte[] viaReadBack = EncoderFile.toBytes(EncoderFile.read(first, "mem.pwe"));

    assertThat(again).isEqualTo(first);
    assertThat(viaReadBack).isEqualTo(first);
  }

  @Test
  void shouldWriteFilesAtomicallyAndReadThemBack(@TempDir Path dir) throws Exception {
    EncoderModel model = TestModels.random(new Random(3));
    Path path = dir.resolve("model.pwe");
    Files.writeString(path, "an older file that gets replaced");

    EncoderFile.write(model, path);

    assertThat(EncoderFile.read(path)).isEqualTo(model);
    assertThat(Files.readAllBytes(path)).isEqualTo(EncoderFile.toBytes(model));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(path);
    }
  }

  @Test
  void shouldReadFloatsBackBitExactly() throws Exception {
    // 7.038531E-26f is a float whose shortest decimal, read as float64, rounds to a neighbour.
    float[] hard = {
      7.038531E-26f,
      0.1f,
      -0.0f,
      Float.MIN_VALUE,
      Float.MIN_NORMAL,
      Float.MAX_VALUE,
      1.17549435E-38f
    };
    Random rnd = new Random(11);
    EncoderModel base = TestModels.tiny();
    for (int i = 0; i < 3000; i++) {
      float a = i < hard.length ? hard[i] : randomFloat(rnd);
      float b = Math.abs(i < hard.length ? hard[i] : randomFloat(rnd)) + Float.MIN_VALUE;
      EncoderModel model =
          new EncoderModel(
              base.name(),
              base.version(),
              base.createdAt(),
              new InputSpec(2, 2, 1, new Normalization.Standardize(a, b)),
              base.layers(),
              new OutputSpec(-a, OptionalInt.empty()),
              "{}",
              Map.of());

      EncoderModel back = EncoderFile.read(EncoderFile.toBytes(model), "mem.pwe");

      assertThat(back.input()).isEqualTo(model.input());
      assertThat(Float.floatToRawIntBits(back.output().threshold()))
          .isEqualTo(Float.floatToRawIntBits(-a));
    }
  }

  private static float randomFloat(Random rnd) {
    float f;
    do {
      f = Float.intBitsToFloat(rnd.nextInt());
    } while (!Float.isFinite(f));
    return f;
  }

  @Test
  void shouldReadBackLcnSigmaExactly() throws Exception {
    EncoderModel model =
        TestModels.random(
            new Random(5), 1, new Normalization.Lcn(Math.PI / 3), OptionalInt.empty());

    EncoderModel back = EncoderFile.read(EncoderFile.toBytes(model), "mem.pwe");

    assertThat(((Normalization.Lcn) back.input().normalize()).sigma()).isEqualTo(Math.PI / 3);
  }

  @Test
  void shouldWriteManifestFirstThenLayerTensorsThenTrainingTensors() throws Exception {
    byte[] pwe = EncoderFile.toBytes(TestModels.random(new Random(1)));

    assertThat(entryNames(pwe))
        .containsExactly(
            "manifest.json",
            "layers/0/weights.npy",
            "layers/0/bias.npy",
            "layers/0/gain.npy",
            "layers/1/groups.npy",
            "layers/1/weights.npy",
            "layers/2/weights.npy",
            "layers/2/bias.npy",
            "layers/2/gain.npy",
            "layers/3/groups.npy",
            "layers/3/weights.npy",
            "training/decoder.npy",
            "training/loss.history.npy");
  }

  @Test
  void shouldStoreEntriesUncompressedWithAFixedZoneIndependentTimestamp() throws Exception {
    byte[] pwe = EncoderFile.toBytes(TestModels.random(new Random(1)));

    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(pwe))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        assertThat(e.getMethod()).isEqualTo(ZipEntry.STORED);
        assertThat(e.getTimeLocal()).isEqualTo("1980-01-01T00:00:02");
        // An extended-timestamp extra field would hold a zone-dependent time.
        assertThat(e.getExtra()).isNull();
      }
    }
  }

  @Test
  void shouldWriteTheManifestTheSpecDescribes() throws Exception {
    EncoderModel model = TestModels.random(new Random(1));

    JsonNode m = Archive.of(EncoderFile.toBytes(model)).manifest;

    assertThat(m.get("format").asText()).isEqualTo("pinwheel-encoder");
    assertThat(m.get("formatVersion").asInt()).isEqualTo(1);
    assertThat(m.get("createdAt").asText()).isEqualTo(model.createdAt().toString());
    assertThat(m.get("input").get("normalize").toString())
        .isEqualTo("{\"type\":\"standardize\",\"mean\":0.5,\"std\":0.25}");
    assertThat(m.get("layers").get(0).toString())
        .isEqualTo(
            "{\"type\":\"conv\",\"weights\":\"layers/0/weights.npy\",\"bias\":\"layers/0/bias.npy\","
                + "\"gain\":\"layers/0/gain.npy\",\"stride\":1,\"padding\":\"valid\"}");
    assertThat(m.get("layers").get(1).toString())
        .isEqualTo(
            "{\"type\":\"l2pool\",\"groups\":\"layers/1/groups.npy\","
                + "\"weights\":\"layers/1/weights.npy\",\"window\":2,\"stride\":1}");
    assertThat(m.get("output").get("topK").asInt()).isEqualTo(7);
    assertThat(m.get("training").get("nested").get("ok").asBoolean()).isTrue();
    assertThat(m.get("files").has("training/decoder.npy")).isTrue();
    assertThat(m.get("files").has("manifest.json")).isFalse();
  }

  @Test
  void shouldReadBackAnEqualRecurrentModelWithAHead() throws Exception {
    EncoderModel model = TestModels.recurrent(new Random(42), true);

    EncoderModel back = EncoderFile.read(EncoderFile.toBytes(model), "mem.pwe");

    assertThat(back).isEqualTo(model);
    assertThat(back.head().orElseThrow().labels()).isEqualTo(TestModels.LABELS);
  }

  @Test
  void shouldReadBackAnEqualRecurrentModelWithoutAHead() throws Exception {
    EncoderModel model = TestModels.recurrent(new Random(43), false);

    assertThat(EncoderFile.read(EncoderFile.toBytes(model), "mem.pwe")).isEqualTo(model);
  }

  @Test
  void shouldReadBackAnEqualConvModelWithAHead() throws Exception {
    EncoderModel conv = TestModels.random(new Random(44));
    Random rnd = new Random(45);
    List<Layer> layers = new ArrayList<>(conv.layers());
    layers.add(
        new LinearLayer(
            TestModels.gaussian(rnd, 2, 3 * 4 * 4),
            TestModels.gaussian(rnd, 2),
            List.of("on", "off")));
    EncoderModel model =
        new EncoderModel(
            conv.name(),
            conv.version(),
            conv.createdAt(),
            conv.input(),
            layers,
            conv.output(),
            conv.training(),
            conv.trainingTensors());

    assertThat(EncoderFile.read(EncoderFile.toBytes(model), "mem.pwe")).isEqualTo(model);
  }

  @Test
  void shouldWriteRecurrentAndLinearLayersAsTheSpecDescribes() throws Exception {
    byte[] pwe = EncoderFile.toBytes(TestModels.recurrent(new Random(1), true));

    JsonNode layers = Archive.of(pwe).manifest.get("layers");

    assertThat(layers.get(0).toString())
        .isEqualTo(
            "{\"type\":\"recurrent\",\"encoder\":\"layers/0/encoder.npy\","
                + "\"lateral\":\"layers/0/lateral.npy\",\"bias\":\"layers/0/bias.npy\",\"steps\":4}");
    assertThat(layers.get(1).toString())
        .isEqualTo(
            "{\"type\":\"linear\",\"weights\":\"layers/1/weights.npy\","
                + "\"bias\":\"layers/1/bias.npy\",\"labels\":[\"T-shirt\",\"trouser\",\"pullover\"]}");
    assertThat(entryNames(pwe))
        .containsExactly(
            "manifest.json",
            "layers/0/encoder.npy",
            "layers/0/lateral.npy",
            "layers/0/bias.npy",
            "layers/1/weights.npy",
            "layers/1/bias.npy",
            "training/decoder.npy");
  }

  @Test
  void shouldWriteNullTopKWhenThereIsNoLimit() throws Exception {
    EncoderModel model =
        TestModels.random(new Random(1), 1, new Normalization.None(), OptionalInt.empty());

    JsonNode output = Archive.of(EncoderFile.toBytes(model)).manifest.get("output");

    assertThat(output.has("topK")).isTrue();
    assertThat(output.get("topK").isNull()).isTrue();
  }

  @Test
  void shouldReadBackAShrinkModelWithItsRule() throws Exception {
    EncoderModel keep = TestModels.random(new Random(3));
    EncoderModel model = RandomModels.withOutput(keep, keep.output().withRule(OutputRule.SHRINK));

    byte[] pwe = EncoderFile.toBytes(model);
    EncoderModel back = EncoderFile.read(pwe, "mem.pwe");

    assertThat(back).isEqualTo(model);
    assertThat(back.output().rule()).isEqualTo(OutputRule.SHRINK);
    assertThat(Archive.of(pwe).manifest.get("output").get("rule").asText()).isEqualTo("shrink");
  }

  @Test
  void shouldWriteTheOutputOfAKeepModelAsBeforeRulesExisted() throws Exception {
    EncoderModel model = TestModels.random(new Random(3));

    JsonNode output = Archive.of(EncoderFile.toBytes(model)).manifest.get("output");

    assertThat(output.fieldNames()).toIterable().containsExactly("threshold", "topK");
  }

  @Test
  void shouldReadBackAModelWithItsMinActive() throws Exception {
    EncoderModel plain = TestModels.random(new Random(3));
    EncoderModel model =
        RandomModels.withOutput(plain, plain.output().withMinActive(OptionalInt.of(4)));

    byte[] pwe = EncoderFile.toBytes(model);
    EncoderModel back = EncoderFile.read(pwe, "mem.pwe");

    assertThat(back).isEqualTo(model);
    assertThat(back.output().minActive()).hasValue(4);
    assertThat(Archive.of(pwe).manifest.get("output").get("minActive").intValue()).isEqualTo(4);
  }

  @Test
  void shouldWriteNoMinActiveForAModelWithoutAFloor() throws Exception {
    EncoderModel keep = TestModels.random(new Random(3));
    EncoderModel model = RandomModels.withOutput(keep, keep.output().withRule(OutputRule.SHRINK));

    JsonNode output = Archive.of(EncoderFile.toBytes(model)).manifest.get("output");

    assertThat(output.fieldNames()).toIterable().containsExactly("threshold", "topK", "rule");
  }

  @Test
  void shouldReadAnExplicitKeepRuleAsTheDefault() throws Exception {
    EncoderModel model = TestModels.random(new Random(3));
    Archive a = Archive.of(EncoderFile.toBytes(model));
    ((ObjectNode) a.manifest.get("output")).put("rule", "keep");

    assertThat(EncoderFile.read(a.toBytes(), "mem.pwe")).isEqualTo(model);
  }

  @Test
  void shouldListChecksumsThatHashlibWouldCompute() throws Exception {
    Archive a = Archive.of(EncoderFile.toBytes(TestModels.random(new Random(1))));

    for (Map.Entry<String, byte[]> e : a.entries.entrySet()) {
      assertThat(a.files().get(e.getKey()).asText()).isEqualTo(Archive.sha256(e.getValue()));
    }
    assertThat(a.files().size()).isEqualTo(a.entries.size());
  }

  @Test
  void shouldIgnoreUnknownTopLevelKeys() throws Exception {
    EncoderModel model = TestModels.random(new Random(2));
    Archive a = Archive.of(EncoderFile.toBytes(model));
    a.manifest.put("license", "CC-BY-4.0");
    a.manifest.putObject("futureMetadata").put("x", 1);

    assertThat(EncoderFile.read(a.toBytes(), "mem.pwe")).isEqualTo(model);
  }

  @Test
  void shouldWeightPoolMembersOneWhenPoolWeightsAreOmitted() throws Exception {
    EncoderModel model = TestModels.random(new Random(2));
    Archive a = Archive.of(EncoderFile.toBytes(model));
    a.layer(1).remove("weights");
    a.entries.remove("layers/1/weights.npy");
    a.files().remove("layers/1/weights.npy");

    EncoderModel back = EncoderFile.read(a.toBytes(), "mem.pwe");

    L2PoolLayer pool = (L2PoolLayer) back.layers().get(1);
    assertThat(pool.weights()).isEqualTo(FloatTensor.filled(pool.groups().shape(), 1f));
    assertThat(pool.groups()).isEqualTo(((L2PoolLayer) model.layers().get(1)).groups());
  }

  @Test
  void shouldReadArchivesWithManifestLastAndDeflatedEntries() throws Exception {
    EncoderModel model = TestModels.random(new Random(4));
    Archive a = Archive.of(EncoderFile.toBytes(model));
    a.manifestLast = true;
    a.deflate = true;

    assertThat(EncoderFile.read(a.toBytes(), "mem.pwe")).isEqualTo(model);
  }

  @Test
  void shouldReadTrainingTensorsFromEveryListedTrainingFile() throws Exception {
    EncoderModel model = TestModels.random(new Random(4));
    Archive a = Archive.of(EncoderFile.toBytes(model));
    FloatTensor extra = TestModels.gaussian(new Random(9), 2, 2);
    a.putListed("training/extra.npy", Npy.toBytes(extra));

    EncoderModel back = EncoderFile.read(a.toBytes(), "mem.pwe");

    assertThat(back.trainingTensors()).containsEntry("extra", extra).hasSize(3);
  }

  @Test
  void shouldReadTrainingBackAsCompactJson() throws Exception {
    EncoderModel model = TestModels.random(new Random(4));
    EncoderModel spaced =
        new EncoderModel(
            model.name(),
            model.version(),
            model.createdAt(),
            model.input(),
            model.layers(),
            model.output(),
            "{ \"a\" : [1, 2],\n \"b\": \"x\" }",
            Map.of());

    EncoderModel back = EncoderFile.read(EncoderFile.toBytes(spaced), "mem.pwe");

    assertThat(back.training()).isEqualTo("{\"a\":[1,2],\"b\":\"x\"}");
  }

  @Test
  void shouldAcceptCreatedAtWithAnOffset() throws Exception {
    EncoderModel model = TestModels.random(new Random(4));
    Archive a = Archive.of(EncoderFile.toBytes(model));
    a.manifest.put("createdAt", "2024-05-01T14:00:00+02:00");

    EncoderModel back = EncoderFile.read(a.toBytes(), "mem.pwe");

    assertThat(back.createdAt()).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));
  }

  @Test
  void shouldRefuseToWriteTrainingThatIsNotAJsonObject() {
    EncoderModel model = TestModels.random(new Random(4));
    EncoderModel bad =
        new EncoderModel(
            model.name(),
            model.version(),
            model.createdAt(),
            model.input(),
            model.layers(),
            model.output(),
            "[1, 2]",
            Map.of());

    assertThatThrownBy(() -> EncoderFile.toBytes(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("training must be the text of a JSON object");
  }

  @Test
  void shouldRefuseToWriteMoreEntriesThanReadersAccept() {
    EncoderModel model = TestModels.random(new Random(4));
    Map<String, FloatTensor> many = new HashMap<>();
    for (int i = 0; i < 250; i++) {
      many.put("t" + i, FloatTensor.filled(new int[] {1}, i));
    }
    EncoderModel big =
        new EncoderModel(
            model.name(),
            model.version(),
            model.createdAt(),
            model.input(),
            model.layers(),
            model.output(),
            "{}",
            many);

    assertThatThrownBy(() -> EncoderFile.toBytes(big))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than the limit of 256");
  }

  @Test
  void shouldEndTheManifestWithANewlineAndUseLfOnly() throws Exception {
    byte[] pwe = EncoderFile.toBytes(TestModels.random(new Random(1)));
    String manifest;
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(pwe))) {
      zip.getNextEntry();
      manifest = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
    }

    assertThat(manifest).endsWith("}\n").doesNotContain("\r");
    assertThat(((ObjectNode) Archive.JSON.readTree(manifest)).get("name").asText())
        .startsWith("random-model_");
  }

  private static List<String> entryNames(byte[] pwe) throws IOException {
    List<String> names = new ArrayList<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(pwe))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        names.add(e.getName());
      }
    }
    return names;
  }
}
