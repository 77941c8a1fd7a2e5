package io.pinwheel.extractor.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.RandomModels;
import io.pinwheel.extractor.ReferenceEncoder;
import io.pinwheel.extractor.SparseCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/examples/pwe.py, the executable form of docs/encoder-format.md, reads the files Java writes
 * and computes what the Java reference encoder computes.
 */
class PythonInteropTest {
  private static String python;
  private static Path script;

  @TempDir Path dir;

  @BeforeAll
  static void findPythonAndScript() {
    python = findPython().orElse(null);
    Assumptions.assumeTrue(python != null, "no python3 with numpy");
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null && script == null; p = p.getParent()) {
      Path candidate = p.resolve("docs/examples/pwe.py");
      if (Files.isRegularFile(candidate)) {
        script = candidate;
      }
    }
    assertThat(script).as("docs/examples/pwe.py above " + here).isNotNull();
  }

  private static Optional<String> findPython() {
    for (String candidate : List.of("python3", "/usr/bin/python3")) {
      try {
        Process p =
            new ProcessBuilder(candidate, "-c", "import numpy")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return Optional.of(candidate);
        }
        p.destroyForcibly();
      } catch (IOException e) {
        // Not installed under this name; try the next one.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private record Result(int exitCode, String stdout, String stderr) {}

  private Result run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(python));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd);
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** Runs pwe.py with --dense on {@code model} and {@code frame}; returns its JSON output. */
  private JsonNode encode(EncoderModel model, Frame frame) throws Exception {
    Path modelPath = dir.resolve("model.pwe");
    Path framePath = dir.resolve("frame.npy");
    EncoderFile.write(model, modelPath);
    Files.write(
        framePath,
        Npy.toBytes(
            FloatTensor.of(
                new int[] {frame.channels(), frame.height(), frame.width()}, frame.toArray())));
    Result r = run(script.toString(), modelPath.toString(), framePath.toString(), "--dense");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return Archive.JSON.readTree(r.stdout());
  }

  private static Frame randomFrame(Random rnd, InputSpec in) {
    float[] d = new float[in.channels() * in.height() * in.width()];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) rnd.nextGaussian();
    }
    return Frame.of(in.channels(), in.height(), in.width(), d);
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      // The script prints float(float32), which is exact, so this cast loses nothing.
      out[i] = (float) array.get(i).doubleValue();
    }
    return out;
  }

  private static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).intValue();
    }
    return out;
  }

  @Test
  void shouldComputeWhatTheJavaReferenceEncoderComputes() throws Exception {
    Random rnd = new Random(2024);
    for (int channels : new int[] {1, 3}) {
      EncoderModel model =
          TestModels.random(rnd, channels, new Normalization.Lcn(1.5), OptionalInt.empty());
      Frame frame = randomFrame(rnd, model.input());

      JsonNode out = encode(model, frame);

      float[] expected = ReferenceEncoder.pooled(model, frame);
      float[] actual = floats(out.get("dense"));
      float max = 0;
      for (float v : expected) {
        max = Math.max(max, Math.abs(v));
      }
      assertThat(max).isPositive();
      assertThat(ints(out.get("shape"))).containsExactly(model.outputShape());
      assertThat(actual).containsExactly(expected, offset(1e-4f * max));
    }
  }

  /**
   * Runs pwe.py on random models with {@code rule}, a threshold at the median (about half the
   * values pass, so top-k has work to do), without and with top-k, and compares its code with what
   * the Java reference makes of pwe.py's own dense code.
   */
  private void assertOutputRuleAsInJava(Random rnd, OutputRule rule) throws Exception {
    assertOutputRuleAsInJava(rnd, rule, OptionalInt.empty());
  }

  /**
   * pwe.py's code on a random model equals the Java reference's on pwe.py's dense code; with a
   * floor of k, the threshold lets one value through, so the floor decides.
   */
  private void assertOutputRuleAsInJava(Random rnd, OutputRule rule, OptionalInt minActive)
      throws Exception {
    for (OptionalInt topK : new OptionalInt[] {OptionalInt.empty(), OptionalInt.of(6)}) {
      EncoderModel base = TestModels.random(rnd, 1, new Normalization.None(), topK);
      Frame frame = randomFrame(rnd, base.input());
      float[] dense = ReferenceEncoder.pooled(base, frame);
      float[] sorted = dense.clone();
      java.util.Arrays.sort(sorted);
      float threshold =
          minActive.isPresent() ? sorted[sorted.length - 2] : sorted[sorted.length / 2];
      EncoderModel model =
          RandomModels.withOutput(base, new OutputSpec(threshold, topK, rule, minActive));

      JsonNode out = encode(model, frame);

      float[] pyDense = floats(out.get("dense"));
      SparseCode expected = ReferenceEncoder.sparsify(pyDense, model.outputShape(), model.output());
      assertThat(expected.nnz()).isPositive();
      if (minActive.isPresent()) {
        assertThat(expected.nnz()).isEqualTo(minActive.getAsInt());
      }
      assertThat(ints(out.get("indices"))).containsExactly(expected.indices());
      assertThat(floats(out.get("values"))).containsExactly(expected.values());
      assertThat(out.get("nnz").intValue()).isEqualTo(expected.indices().length);
    }
  }

  @Test
  void shouldApplyTheOutputRuleAsTheJavaReferenceDoes() throws Exception {
    assertOutputRuleAsInJava(new Random(77), OutputRule.KEEP);
  }

  @Test
  void shouldApplyTheShrinkRuleAsTheJavaReferenceDoes() throws Exception {
    assertOutputRuleAsInJava(new Random(78), OutputRule.SHRINK);
  }

  @Test
  void shouldApplyMinActiveUnderKeepAsTheJavaReferenceDoes() throws Exception {
    assertOutputRuleAsInJava(new Random(79), OutputRule.KEEP, OptionalInt.of(4));
  }

  @Test
  void shouldApplyMinActiveUnderShrinkAsTheJavaReferenceDoes() throws Exception {
    assertOutputRuleAsInJava(new Random(80), OutputRule.SHRINK, OptionalInt.of(4));
  }

  @Test
  void shouldEmitNothingForABlankFrameWithMinActiveInPythonToo() throws Exception {
    EncoderModel model =
        identity(
            2, 2, new OutputSpec(0.5f, OptionalInt.empty(), OutputRule.SHRINK, OptionalInt.of(2)));

    JsonNode out = encode(model, Frame.of(1, 2, 2, new float[4]));

    assertThat(out.get("nnz").intValue()).isZero();
  }

  @Test
  void shouldDropValuesTiedWithTheLoweredThresholdInPythonToo() throws Exception {
    // k = 2: the 3rd largest value, 0.3, is the frame's threshold, and the 0.3 tied with it drops.
    EncoderModel model =
        identity(
            1, 4, new OutputSpec(0.5f, OptionalInt.empty(), OutputRule.SHRINK, OptionalInt.of(2)));

    JsonNode out = encode(model, Frame.of(1, 1, 4, new float[] {0.3f, 0.4f, 0.3f, 0.1f}));

    assertThat(ints(out.get("indices"))).containsExactly(1);
    assertThat(floats(out.get("values"))).containsExactly(0.4f - 0.3f);
  }

  @Test
  void shouldRefuseAMinActiveAboveTopKInPythonToo() throws Exception {
    Archive a =
        Archive.of(EncoderFile.toBytes(identity(1, 2, new OutputSpec(0f, OptionalInt.of(1)))));
    ((ObjectNode) a.manifest.get("output")).put("minActive", 2);
    Path modelPath = dir.resolve("floor.pwe");
    Files.write(modelPath, a.toBytes());
    Path framePath = dir.resolve("frame.npy");
    Files.write(framePath, Npy.toBytes(FloatTensor.filled(new int[] {1, 1, 2}, 0f)));

    Result r = run(script.toString(), modelPath.toString(), framePath.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr())
        .contains(modelPath + ": output.minActive must be <= output.topK (1), got 2");
  }

  @Test
  void shouldReproduceTheJavaRecurrentCodesScoresAndLabel() throws Exception {
    Random rnd = new Random(4242);
    for (int steps : new int[] {1, 4, 12}) {
      EncoderModel base = TestModels.recurrent(rnd, true);
      RecurrentLayer rec = (RecurrentLayer) base.layers().get(0);
      EncoderModel model =
          new EncoderModel(
              base.name(),
              base.version(),
              base.createdAt(),
              base.input(),
              List.of(
                  new RecurrentLayer(rec.encoder(), rec.lateral(), rec.bias(), steps),
                  base.layers().get(1)),
              base.output(),
              base.training(),
              base.trainingTensors());
      Frame frame = randomFrame(rnd, model.input());
      SparseCode java;
      float[] javaDense;
      try (Encoder encoder = new Encoder(model)) {
        java = encoder.encode(frame);
        javaDense = encoder.encodeDense(frame);
      }

      JsonNode out = encode(model, frame);

      float max = 0;
      for (float v : javaDense) {
        max = Math.max(max, Math.abs(v));
      }
      assertThat(max).as("steps %d", steps).isPositive();
      assertThat(ints(out.get("shape"))).containsExactly(12, 1, 1);
      assertThat(floats(out.get("dense"))).containsExactly(javaDense, offset(1e-4f * max));
      assertThat(ints(out.get("indices"))).containsExactly(java.indices());
      float[] scores = floats(out.get("scores"));
      assertThat(scores).containsExactly(java.scores(), offset(1e-4f * (1 + max)));
      assertThat(out.get("label").asText()).isEqualTo(java.label());
    }
  }

  @Test
  void shouldPrintNoScoresOrLabelWithoutAHead() throws Exception {
    EncoderModel model = TestModels.recurrent(new Random(7), false);

    JsonNode out = encode(model, randomFrame(new Random(8), model.input()));

    assertThat(out.has("scores")).isFalse();
    assertThat(out.has("label")).isFalse();
    assertThat(ints(out.get("shape"))).containsExactly(12, 1, 1);
  }

  @Test
  void shouldRefuseAHeadThatIsNotLastInPythonToo() throws Exception {
    Archive a = Archive.of(EncoderFile.toBytes(TestModels.recurrent(new Random(9), true)));
    ArrayNode layers = (ArrayNode) a.manifest.get("layers");
    layers.insert(0, layers.remove(1));
    Path modelPath = dir.resolve("reordered.pwe");
    Files.write(modelPath, a.toBytes());
    Path framePath = dir.resolve("frame.npy");
    Files.write(framePath, Npy.toBytes(FloatTensor.filled(new int[] {1, 6, 5}, 0f)));

    Result r = run(script.toString(), modelPath.toString(), framePath.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).contains(modelPath + ": layers must be conv/l2pool pairs or one");
  }

  @Test
  void shouldComputeAHandWorkedExample() throws Exception {
    // conv map 0: 2 * relu(-1 + [1 2; 3 4] . window) = [52 72; 112 132]
    // conv map 1: 3 * relu(0.5 - x(u,v)) = [1.5 0; 0 0]
    // l2pool, one map per pool, 2x2 window: [sqrt(52^2+72^2+112^2+132^2), 1.5]
    EncoderModel model =
        EncoderModel.of(
            "hand",
            1,
            new InputSpec(3, 3, 1, new Normalization.None()),
            List.of(
                new ConvLayer(
                    FloatTensor.of(new int[] {2, 1, 2, 2}, new float[] {1, 2, 3, 4, -1, 0, 0, 0}),
                    FloatTensor.of(new int[] {2}, new float[] {-1, 0.5f}),
                    FloatTensor.of(new int[] {2}, new float[] {2, 3})),
                L2PoolLayer.unweighted(IntTensor.of(new int[] {2, 1}, new int[] {0, 1}), 2, 1)),
            OutputSpec.threshold(2f));
    Frame frame = Frame.of(1, 3, 3, new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8});

    JsonNode out = encode(model, frame);

    float p0 = (float) Math.sqrt(52 * 52 + 72 * 72 + 112 * 112 + 132 * 132);
    assertThat(ints(out.get("shape"))).containsExactly(2, 1, 1);
    assertThat(floats(out.get("dense"))).containsExactly(new float[] {p0, 1.5f}, offset(1e-4f));
    assertThat(ints(out.get("indices"))).containsExactly(0);
    assertThat(floats(out.get("values"))).containsExactly(new float[] {p0}, offset(1e-4f));
  }

  @Test
  void shouldBreakTopKTiesTowardsTheLowerIndex() throws Exception {
    // Identity conv and 1x1 pooling: the code is the frame itself. 2.0 is at 2, 4, 7 and 9;
    // 0.5 equals the threshold and so is never kept.
    EncoderModel model = identity(4, 4, new OutputSpec(0.5f, OptionalInt.of(3)));
    Frame frame =
        Frame.of(
            1,
            4,
            4,
            new float[] {0.5f, 1, 2, 1, 2, 1, 0.5f, 2, 1, 2, 1, 1, 0.5f, 0.5f, 0.5f, 0.5f});

    JsonNode out = encode(model, frame);

    assertThat(ints(out.get("indices"))).containsExactly(2, 4, 7);
    assertThat(floats(out.get("values"))).containsExactly(2f, 2f, 2f);
    assertThat(out.get("nnz").intValue()).isEqualTo(3);
  }

  /** Identity conv and 1x1 pooling on a gray frame: the code is the frame itself. */
  private static EncoderModel identity(int height, int width, OutputSpec output) {
    return EncoderModel.of(
        "identity",
        1,
        new InputSpec(height, width, 1, new Normalization.None()),
        List.of(
            new ConvLayer(
                FloatTensor.filled(new int[] {1, 1, 1, 1}, 1f),
                FloatTensor.filled(new int[] {1}, 0f),
                FloatTensor.filled(new int[] {1}, 1f)),
            L2PoolLayer.unweighted(IntTensor.filled(new int[] {1, 1}, 0), 1, 1)),
        output);
  }

  @Test
  void shouldRankShrunkValuesByTheEmittedValueInPythonToo() throws Exception {
    // Less a threshold of -2^24, 1.25 and 1.5 both round to the float 2^24 + 2: a tie, which the
    // lower index wins, as in Java's Sparsifier.
    EncoderModel model =
        identity(1, 2, new OutputSpec(-16777216f, OptionalInt.of(1), OutputRule.SHRINK));

    JsonNode out = encode(model, Frame.of(1, 1, 2, new float[] {1.25f, 1.5f}));

    assertThat(ints(out.get("indices"))).containsExactly(0);
    assertThat(floats(out.get("values"))).containsExactly(16777218f);
  }

  @Test
  void shouldRefuseAnUnknownOutputRuleInPythonToo() throws Exception {
    Archive a = Archive.of(EncoderFile.toBytes(identity(1, 2, OutputSpec.threshold(0f))));
    ((ObjectNode) a.manifest.get("output")).put("rule", "soft");
    Path modelPath = dir.resolve("soft.pwe");
    Files.write(modelPath, a.toBytes());
    Path framePath = dir.resolve("frame.npy");
    Files.write(framePath, Npy.toBytes(FloatTensor.filled(new int[] {1, 1, 2}, 0f)));

    Result r = run(script.toString(), modelPath.toString(), framePath.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr())
        .contains(modelPath + ": output.rule must be one of keep, shrink, got \"soft\"");
  }

  @Test
  void shouldWriteNpyFilesByteForByteAsNumpySaves() throws Exception {
    Path f = dir.resolve("f.npy");
    Path i = dir.resolve("i.npy");
    Files.write(f, Npy.toBytes(TestModels.gaussian(new Random(1), 64, 1, 9, 9)));
    Files.write(i, Npy.toBytes(IntTensor.of(new int[] {5}, new int[] {0, 1, -2, 3, 4})));
    String check =
        "import io, sys, numpy as np\n"
            + "for path in sys.argv[1:]:\n"
            + "    raw = open(path, 'rb').read()\n"
            + "    b = io.BytesIO()\n"
            + "    np.save(b, np.load(path, allow_pickle=False))\n"
            + "    print(b.getvalue() == raw)\n";

    Result r = run("-c", check, f.toString(), i.toString());

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout().strip().split("\n")).containsExactly("True", "True");
  }

  @Test
  void shouldRefuseATamperedFileInPythonToo() throws Exception {
    Archive a = Archive.of(EncoderFile.toBytes(TestModels.random(new Random(5))));
    byte[] w = a.entries.get("layers/2/bias.npy");
    w[w.length - 1] ^= 1;
    Path modelPath = dir.resolve("tampered.pwe");
    Files.write(modelPath, a.toBytes());
    Path framePath = dir.resolve("frame.npy");
    Files.write(framePath, Npy.toBytes(FloatTensor.filled(new int[] {1, 13, 12}, 0f)));

    Result r = run(script.toString(), modelPath.toString(), framePath.toString());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr())
        .contains(modelPath + ": layers[2].bias (layers/2/bias.npy): checksum mismatch");
  }

  /** Runs pwe.py on a tiny model's file {@code pwe} trusting {@code trusted}'s public key. */
  private Result runTrusting(byte[] pwe, KeyPair trusted) throws Exception {
    Assumptions.assumeTrue(
        run("-c", "import cryptography").exitCode() == 0,
        "no python3 cryptography package (Debian: python3-cryptography)");
    Path modelPath = dir.resolve("signed.pwe");
    Files.write(modelPath, pwe);
    Path key = dir.resolve("trusted.pub");
    Files.writeString(key, ModelSignatures.pem(trusted.getPublic()));
    InputSpec in = TestModels.tiny().input();
    Path framePath = dir.resolve("frame.npy");
    Files.write(
        framePath,
        Npy.toBytes(FloatTensor.filled(new int[] {in.channels(), in.height(), in.width()}, 0.5f)));
    return run(
        script.toString(),
        modelPath.toString(),
        framePath.toString(),
        "--trusted-key",
        key.toString());
  }

  private static byte[] signedTiny(KeyPair by) throws InvalidModelException {
    return ModelSignatures.sign(
        EncoderFile.toBytes(TestModels.tiny()), by.getPrivate(), by.getPublic());
  }

  @Test
  void shouldAcceptASignatureByATrustedKeyInPythonToo() throws Exception {
    KeyPair keys = ModelSignatures.generateKeyPair();

    Result r = runTrusting(signedTiny(keys), keys);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("\"nnz\"");
  }

  @Test
  void shouldRefuseAnUnsignedFileWhenKeysAreTrustedInPythonToo() throws Exception {
    Result r =
        runTrusting(EncoderFile.toBytes(TestModels.tiny()), ModelSignatures.generateKeyPair());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).startsWith("unsigned: ");
  }

  @Test
  void shouldRefuseASignatureByAnotherKeyInPythonToo() throws Exception {
    KeyPair other = ModelSignatures.generateKeyPair();

    Result r = runTrusting(signedTiny(other), ModelSignatures.generateKeyPair());

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr())
        .startsWith("untrusted-key: ")
        .contains(ModelSignatures.shortId(ModelSignatures.keyId(other.getPublic())));
  }

  @Test
  void shouldRefuseAManifestChangedAfterSigningInPythonToo() throws Exception {
    KeyPair keys = ModelSignatures.generateKeyPair();
    Archive a = Archive.of(signedTiny(keys));
    a.manifest.put("version", 99);

    Result r = runTrusting(a.toBytes(), keys);

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.stderr()).startsWith("bad-signature: ");
  }
}
