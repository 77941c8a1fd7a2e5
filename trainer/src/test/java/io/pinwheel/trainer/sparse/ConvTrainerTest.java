package io.pinwheel.trainer.sparse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InputSpec;
import io.pinwheel.extractor.model.Normalization;
import io.pinwheel.extractor.model.OutputSpec;
import io.pinwheel.trainer.Pooling;
import io.pinwheel.trainer.data.FashionMnist;
import io.pinwheel.trainer.data.FrameSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConvTrainerTest {
  private static final FrameSet DATA =
      FashionMnist.frames(Gratings.images(64, 16, 3), new Normalization.Standardize(0.5f, 0.3f));

  private static TrainOptions options(int epochs) {
    return new TrainOptions(
        8, 5, Pooling.parse("topo:2x4:1"), 2, 2, 0.1, 1e-4, epochs, 16, 0.01, 0.2, 42, 1);
  }

  private static TrainState train(
      TrainOptions o, TrainState start, List<TrainState.EpochStats> log) {
    return new ConvTrainer(o)
        .train(
            e -> DATA,
            start,
            new ConvTrainer.Listener() {
              @Override
              public void onStep(ConvTrainer.StepInfo step) {}

              @Override
              public void onEpoch(TrainState.EpochStats stats, TrainState state) {
                log.add(stats);
              }
            });
  }

  @Test
  void shouldLowerTheEnergyOnSyntheticGratings() {
    List<TrainState.EpochStats> log = new ArrayList<>();
    train(options(6), TrainState.initial(1, options(6)), log);
    assertThat(log).hasSize(6);
    assertThat(log.get(5).loss()).isLessThan(0.8 * log.get(0).loss());
    assertThat(log.get(5).relativeError()).isLessThan(log.get(0).relativeError());
  }

  @Test
  void shouldGiveTheSameParametersForTheSameSeed() {
    TrainState a = train(options(2), TrainState.initial(1, options(2)), new ArrayList<>());
    TrainState b = train(options(2), TrainState.initial(1, options(2)), new ArrayList<>());
    for (String p : ConvSparseCoder.PARAMETERS) {
      assertThat(a.parameters.get(p)).as(p).isEqualTo(b.parameters.get(p));
    }
  }

  @Test
  void shouldFinishAResumedRunWhereAnUninterruptedOneFinishes() throws Exception {
    TrainState whole = train(options(3), TrainState.initial(1, options(3)), new ArrayList<>());
    byte[][] checkpoint = new byte[1][];
    try {
      new ConvTrainer(options(3))
          .train(
              e -> DATA,
              TrainState.initial(1, options(3)),
              new ConvTrainer.Listener() {
                @Override
                public void onStep(ConvTrainer.StepInfo step) {}

                @Override
                public void onEpoch(TrainState.EpochStats stats, TrainState state) {
                  checkpoint[0] = EncoderFile.toBytes(checkpointModel(state));
                  throw new IllegalStateException("killed after epoch 1");
                }
              });
    } catch (IllegalStateException expected) {
      // The run stops here, as a killed process would.
    }
    TrainState restored = ModelExport.state(EncoderFile.read(checkpoint[0], "checkpoint"));
    assertThat(restored.epochsDone()).isEqualTo(1);
    TrainState resumed = train(options(3), restored, new ArrayList<>());
    for (String p : ConvSparseCoder.PARAMETERS) {
      assertThat(resumed.parameters.get(p)).as(p).isEqualTo(whole.parameters.get(p));
    }
    assertThat(resumed.history()).hasSize(3);
  }

  private static EncoderModel checkpointModel(TrainState state) {
    return ModelExport.model(
        state,
        List.of(),
        "t",
        1,
        Instant.EPOCH,
        new InputSpec(16, 16, 1, new Normalization.None()),
        new ConvTrainer(options(3)).pool(),
        OutputSpec.threshold(0f),
        new ObjectMapper().createObjectNode(),
        true);
  }
}
