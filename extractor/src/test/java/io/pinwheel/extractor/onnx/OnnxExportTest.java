package io.pinwheel.extractor.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.Frame;
import io.pinwheel.extractor.RandomModels;
import io.pinwheel.extractor.RandomModels.StageSpec;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Exported graphs run in ONNX Runtime and agree with the encoder's dense code to 1e-5. */
class OnnxExportTest {
  /** The largest difference allowed, relative to the largest value of the expected output. */
  private static final double TOLERANCE = 1e-5;

  private static final Path MODELS = Path.of("..", "models");

  @Test
  void shouldMatchTheEncoderOnAOneStageModelWithOverlappingPools() throws Exception {
    Random rnd = new Random(1);
    EncoderModel model =
        RandomModels.model(
            rnd, 40, 36, 1, RandomModels.output(0f, 0), new StageSpec(16, 5, 12, 3, 2, 2));

    assertMatches(model, frames(rnd, model, 3));
  }

  @Test
  void shouldMatchTheEncoderOnATwoStageColourModel() throws Exception {
    Random rnd = new Random(2);
    EncoderModel model =
        RandomModels.model(
            rnd,
            48,
            44,
            3,
            RandomModels.output(0f, 0),
            new StageSpec(24, 7, 6, 4, 3, 2, true),
            new StageSpec(8, 3, 4, 2, 1, 1));

    assertMatches(model, frames(rnd, model, 2));
  }

  @Test
  void shouldMatchTheEncoderOnARecurrentModelWithAHead() throws Exception {
    Random rnd = new Random(3);
    EncoderModel model =
        RandomModels.withHead(
            rnd, RandomModels.recurrent(rnd, 1, 12, 10, 50, 7, RandomModels.output(0f, 0)), 4);

    assertMatches(model, frames(rnd, model, 3));
  }

  static Stream<Path> shippedModels() throws Exception {
    try (Stream<Path> files = Files.walk(MODELS)) {
      return files.filter(p -> p.toString().endsWith(".pwe")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("shippedModels")
  void shouldMatchTheEncoderOnEveryShippedModel(Path file) throws Exception {
    EncoderModel model = EncoderFile.read(file);

    assertMatches(model, frames(new Random(4), model, 2));
  }

  @Test
  void shouldWriteTheSameBytesAsToBytes(@TempDir Path dir) throws Exception {
    EncoderModel model = EncoderFile.read(MODELS.resolve("fashion-mnist.pwe"));
    Path out = dir.resolve("fashion-mnist.onnx");

    OnnxExport.write(model, out);

    assertThat(Files.readAllBytes(out)).isEqualTo(OnnxExport.toBytes(model));
  }

  private static List<Frame> frames(Random rnd, EncoderModel model, int n) {
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      var in = model.input();
      frames.add(RandomModels.frame(rnd, in.channels(), in.height(), in.width()));
    }
    return frames;
  }

  /**
   * Runs the frames as one batch through ONNX Runtime and compares with the encoder, frame by
   * frame.
   */
  private static void assertMatches(EncoderModel model, List<Frame> frames) throws Exception {
    var in = model.input();
    int frameSize = in.channels() * in.height() * in.width();
    float[] batch = new float[frames.size() * frameSize];
    for (int i = 0; i < frames.size(); i++) {
      System.arraycopy(frames.get(i).toArray(), 0, batch, i * frameSize, frameSize);
    }
    Map<String, float[]> outputs = run(model, batch, frames.size());
    try (Encoder encoder = new Encoder(model)) {
      float[] code = outputs.get(OnnxExport.CODE);
      int codeSize = code.length / frames.size();
      for (int i = 0; i < frames.size(); i++) {
        float[] expected = encoder.encodeDense(frames.get(i));
        assertThat(codeSize).isEqualTo(expected.length);
        assertClose("code of frame " + i, slice(code, i, codeSize), expected);
        if (model.head().isPresent()) {
          float[] scores = outputs.get(OnnxExport.SCORES);
          int classes = scores.length / frames.size();
          assertClose(
              "scores of frame " + i,
              slice(scores, i, classes),
              encoder.encode(frames.get(i)).scores());
        }
      }
    }
  }

  private static Map<String, float[]> run(EncoderModel model, float[] batch, int n)
      throws OrtException {
    var in = model.input();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      try (OrtSession session = env.createSession(OnnxExport.toBytes(model), options);
          OnnxTensor input =
              OnnxTensor.createTensor(
                  env,
                  FloatBuffer.wrap(batch),
                  new long[] {n, in.channels(), in.height(), in.width()});
          OrtSession.Result result = session.run(Map.of(OnnxExport.INPUT, input))) {
        Map<String, float[]> out = new java.util.HashMap<>();
        for (var entry : result) {
          FloatBuffer values = ((OnnxTensor) entry.getValue()).getFloatBuffer();
          float[] copy = new float[values.remaining()];
          values.get(copy);
          out.put(entry.getKey(), copy);
        }
        assertThat(out).containsKey(OnnxExport.CODE);
        assertThat(out.containsKey(OnnxExport.SCORES)).isEqualTo(model.head().isPresent());
        return out;
      }
    }
  }

  private static float[] slice(float[] all, int i, int size) {
    float[] s = new float[size];
    System.arraycopy(all, i * size, s, 0, size);
    return s;
  }

  private static void assertClose(String what, float[] actual, float[] expected) {
    assertThat(actual).as(what).hasSameSizeAs(expected);
    double scale = 0;
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    }
    assertThat(scale).as(what + " is all zeros").isGreaterThan(0);
    assertThat(worst / scale)
        .as(what + ": largest difference over largest value")
        .isLessThanOrEqualTo(TOLERANCE);
  }
}
