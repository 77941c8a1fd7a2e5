package io.pinwheel.trainer.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.FloatTensor;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.trainer.Pooling;
import io.pinwheel.trainer.data.FashionMnist;
import io.pinwheel.trainer.data.FrameSet;
import io.pinwheel.trainer.optim.Parameters;
import io.pinwheel.trainer.run.TrainingListener;
import io.pinwheel.trainer.viz.OrientationMap;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvTrainerTest {
  private static final FrameSet DATA =
      FashionMnist.frames(Gratings.images(64, 16, 3), new Normalization.Standardize(0.5f, 0.3f));

  private static TrainOptions options(int epochs, int threads) {
    return new TrainOptions(
        8, 5, Pooling.parse("topo:2x4:1"), 2, 2, 0.1, 1e-4, epochs, 16, 0.01, 0.2, 42, threads);
  }

  private static TrainState train(TrainOptions o, TrainState start) {
    return new ConvTrainer(o).train(e -> DATA, start, TrainingListener.silent(), s -> {});
  }

  @Test
  void shouldStartFromThePinwheelLatticeWhenAsked() {
    TrainOptions o =
        new TrainOptions(
            16, 5, Pooling.parse("topo:4x4:1"), 2, 2, 0.1, 1e-4, 1, 16, 0.01, 0.2, 42, 1, 1);
    TrainState state = TrainState.initial(1, o);
    ConvTrainer trainer = new ConvTrainer(o);

    try (ConvTrainer.Session session = trainer.session(DATA)) {
      session.calibrate(state.parameters, DATA);
    }

    Parameters p = state.parameters;
    double[] orientation =
        OrientationMap.orientations(
            OrientationMap.tunings(
                FloatTensor.of(
                    p.shape(ConvGradients.ENCODER), p.get(ConvGradients.ENCODER).clone())));
    assertThat(OrientationMap.pinwheels(orientation, 4, 4)).isEqualTo(4);
    assertThat(p.get(ConvGradients.DECODER)).containsExactly(p.get(ConvGradients.ENCODER));
  }

  @Test
  void shouldLowerTheEnergyOnSyntheticGratings() {
    TrainState state = train(options(6, 1), TrainState.initial(1, options(6, 1)));
    List<TrainState.EpochStats> log = state.history();
    assertThat(log).hasSize(6);
    assertThat(log.get(5).loss()).isLessThan(0.8 * log.get(0).loss());
    assertThat(log.get(5).relativeError()).isLessThan(log.get(0).relativeError());
  }

  @Test
  void shouldGiveTheSameBytesForTheSameSeedAndThreadCount() {
    TrainState a = train(options(2, 2), TrainState.initial(1, options(2, 2)));
    TrainState b = train(options(2, 2), TrainState.initial(1, options(2, 2)));
    assertThat(a.parameters().bitEquals(b.parameters())).isTrue();
  }

  @Test
  void shouldLearnNearlyTheSameModelOnOneThreadAsOnTwo() {
    // The sums run in another order, so the bytes differ; the model must not.
    Parameters one = train(options(2, 1), TrainState.initial(1, options(2, 1))).parameters();
    Parameters two = train(options(2, 2), TrainState.initial(1, options(2, 2))).parameters();
    float[] a = one.get(ConvGradients.DECODER);
    float[] b = two.get(ConvGradients.DECODER);
    for (int i = 0; i < a.length; i++) {
      assertThat(a[i]).as("decoder[%d]", i).isCloseTo(b[i], within(1e-2f));
    }
  }

  @Test
  void shouldFinishAResumedRunBitForBitWhereAnUninterruptedOneFinishes() throws Exception {
    TrainState whole = train(options(3, 2), TrainState.initial(1, options(3, 2)));
    byte[][] checkpoint = new byte[1][];
    try {
      new ConvTrainer(options(3, 2))
          .train(
              e -> DATA,
              TrainState.initial(1, options(3, 2)),
              TrainingListener.silent(),
              state -> {
                checkpoint[0] = EncoderFile.toBytes(checkpointModel(state));
                throw new IllegalStateException("killed after epoch 1");
              });
    } catch (IllegalStateException expected) {
      // The run stops here, as a killed process would.
    }
    TrainState restored = ModelExport.state(EncoderFile.read(checkpoint[0], "checkpoint"));
    assertThat(restored.epochsDone()).isEqualTo(1);
    TrainState resumed = train(options(3, 2), restored);
    assertThat(resumed.parameters().bitEquals(whole.parameters())).isTrue();
    assertThat(resumed.history()).hasSize(3);
  }

  @Test
  void shouldGiveEveryDecoderAtomUnitNormAfterNormalizing() {
    Parameters p = new ConvGradients.Geometry(2, 3, 3, 3, 4).zeroParameters();
    float[] d = p.get(ConvGradients.DECODER);
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) Math.sin(i) * (1 + i / 18);
    }
    java.util.Arrays.fill(d, 0, 18, 0f);
    ConvTrainer.normalizeDecoder(p);
    for (int k = 0; k < 4; k++) {
      double sq = 0;
      for (int i = k * 18; i < (k + 1) * 18; i++) {
        sq += d[i] * d[i];
      }
      // Atom 0 is all zeros and stays so.
      assertThat(Math.sqrt(sq)).as("atom %d", k).isCloseTo(k == 0 ? 0 : 1, within(1e-6));
    }
  }

  private static EncoderModel checkpointModel(TrainState state) {
    return ModelExport.model(
        state,
        List.of(),
        "t",
        1,
        Instant.EPOCH,
        new InputSpec(16, 16, 1, new Normalization.None()),
        new ConvTrainer(options(3, 2)).pool(),
        OutputSpec.threshold(0f),
        new ObjectMapper().createObjectNode(),
        true);
  }
}
