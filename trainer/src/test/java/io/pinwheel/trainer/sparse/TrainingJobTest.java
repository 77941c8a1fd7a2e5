package io.pinwheel.trainer.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.pinwheel.extractor.Encoder;
import io.pinwheel.extractor.model.EncoderFile;
import io.pinwheel.extractor.model.EncoderModel;
import io.pinwheel.extractor.model.InvalidModelException;
import io.pinwheel.extractor.model.OutputRule;
import io.pinwheel.trainer.Pooling;
import io.pinwheel.trainer.data.DataSource;
import io.pinwheel.trainer.data.FashionMnist;
import io.pinwheel.trainer.data.FrameSet;
import io.pinwheel.trainer.data.GrayImages;
import io.pinwheel.trainer.data.Idx;
import io.pinwheel.trainer.run.EpochInfo;
import io.pinwheel.trainer.run.Holdout;
import io.pinwheel.trainer.run.JobResult;
import io.pinwheel.trainer.run.StepInfo;
import io.pinwheel.trainer.run.Term;
import io.pinwheel.trainer.run.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingJobTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  private static final TrainingListener QUIET = TrainingListener.silent();

  @TempDir Path dir;

  private Path data() throws Exception {
    Path d = dir.resolve("idx");
    Files.createDirectories(d);
    Idx.writeSplit(d, FashionMnist.Split.TRAIN, Gratings.images(48, 16, 1), true);
    return d;
  }

  private TrainingJob.Spec spec(Path data, String groups, int epochs, boolean resume) {
    TrainOptions o =
        new TrainOptions(
            8, 5, Pooling.parse(groups), 2, 2, 0.1, 1e-4, epochs, 16, 0.01, 0.25, 7, 1);
    return new TrainingJob.Spec(
        new DataSource.FashionMnistSource(data),
        dir.resolve("m.pwe"),
        "grating",
        o,
        Optional.empty(),
        96,
        0,
        1,
        0,
        resume,
        Optional.empty(),
        Holdout.DEFAULT,
        OutputRule.KEEP,
        OptionalInt.empty());
  }

  @Test
  void shouldStackASecondStageThatTheExtractorServesOnTopOfTheFrozenFirst() throws Exception {
    Path data = data();
    JobResult first = TrainingJob.run(spec(data, "block:2", 1, false), QUIET, CLOCK);
    TrainOptions o =
        new TrainOptions(8, 3, Pooling.parse("block:2"), 2, 1, 0.1, 1e-4, 1, 16, 0.01, 0.25, 7, 1);
    TrainingJob.Spec stacked =
        new TrainingJob.Spec(
            new DataSource.FashionMnistSource(data),
            dir.resolve("two.pwe"),
            "two",
            o,
            Optional.empty(),
            96,
            0,
            1,
            0,
            false,
            Optional.of(first.files().get("model")),
            Holdout.DEFAULT,
            OutputRule.KEEP,
            OptionalInt.empty());
    JobResult second = TrainingJob.run(stacked, QUIET, CLOCK);
    EncoderModel served = EncoderFile.read(second.files().get("model"));
    EncoderModel base = EncoderFile.read(first.files().get("model"));
    assertThat(served.layers()).hasSize(4);
    assertThat(served.layers().subList(0, 2)).isEqualTo(base.layers());
    assertThat(served.outputShape()).containsExactly(4, 3, 3);
    assertThat(second.report().get("stackedOn").asText()).isEqualTo("grating v1");
    // The trainer's second stage, fed the base encoder's pooled maps, is what the extractor serves.
    TrainState state = ModelExport.state(EncoderFile.read(second.files().get("checkpoint")));
    FrameSet frames = FashionMnist.frames(Gratings.images(2, 16, 5), served.input().normalize());
    try (Encoder one = new Encoder(base);
        Encoder two = new Encoder(served);
        ConvGradients coder =
            new ConvGradients(
                new ConvGradients.Geometry(4, 6, 6, 3, 8),
                new ConvTrainer(o).pool(),
                0.1,
                1e-12,
                1)) {
      for (int i = 0; i < 2; i++) {
        float[] below = one.encodeDense(frames.frame(i));
        float[] trainer = coder.pooled(state.parameters(), below, 1);
        float[] dense = two.encodeDense(frames.frame(i));
        for (int j = 0; j < dense.length; j++) {
          assertThat(dense[j]).isCloseTo(trainer[j], within(1e-4f));
        }
      }
    }
  }

  @Test
  void shouldWriteTheEncoderItsCheckpointPicturesAndReport() throws Exception {
    JobResult r = TrainingJob.run(spec(data(), "topo:2x4:1", 2, false), QUIET, CLOCK);
    assertThat(r.files())
        .containsOnlyKeys("model", "checkpoint", "filters", "orientation", "loss", "report");
    for (Path p : r.files().values()) {
      assertThat(p).isRegularFile();
    }
    assertThat(r.report().get("epochsDone").asInt()).isEqualTo(2);
    // At most the target: when more than 75% of pooled values are exactly 0, fewer can pass.
    assertThat(r.report().get("codeDensity").asDouble()).isBetween(0.01, 0.26);
    assertThat(r.report().get("topography").get("pinwheels").asInt()).isGreaterThanOrEqualTo(0);
    EncoderModel read = EncoderFile.read(dir.resolve("m.pwe"));
    assertThat(read.trainingTensors()).containsOnlyKeys(ModelExport.DECODER);
    assertThat(read.input().height()).isEqualTo(16);
  }

  @Test
  void shouldReportTheMapsWavelengthAndPinwheelsPerSquaredWavelength() throws Exception {
    JobResult r = TrainingJob.run(spec(data(), "topo:2x4:1", 1, false), QUIET, CLOCK);
    JsonNode topo = r.report().get("topography");

    double wavelength = topo.get("wavelengthCells").asDouble();
    assertThat(wavelength).isPositive();
    assertThat(topo.get("pinwheelsPerWavelengthSquared").asDouble())
        .isCloseTo(topo.get("pinwheels").asInt() * wavelength * wavelength / 8, within(1e-9));
  }

  @Test
  void shouldReportTheOrientationMapAfterEveryEpoch() throws Exception {
    JobResult r = TrainingJob.run(spec(data(), "topo:2x4:1", 2, false), QUIET, CLOCK);
    JsonNode history = r.report().get("topographyHistory");
    JsonNode last = history.get(1);
    JsonNode topo = r.report().get("topography");

    assertThat(history).hasSize(2);
    assertThat(history.get(0).get("epoch").asInt()).isEqualTo(1);
    assertThat(last.get("epoch").asInt()).isEqualTo(2);
    assertThat(last.get("pinwheels").asInt()).isEqualTo(topo.get("pinwheels").asInt());
    assertThat(last.get("meanNeighbourOrientationDifferenceDegrees").asDouble())
        .isEqualTo(topo.get("meanNeighbourOrientationDifferenceDegrees").asDouble());
    assertThat(last.get("wavelengthCells").asDouble())
        .isEqualTo(topo.get("wavelengthCells").asDouble());
  }

  @Test
  void shouldShowTheOrientationMapAmongEachEpochsMeasures() throws Exception {
    List<EpochInfo> epochs = new ArrayList<>();
    TrainingListener recording =
        new TrainingListener() {
          @Override
          public void onStep(StepInfo step) {}

          @Override
          public void onEpoch(EpochInfo epoch) {
            epochs.add(epoch);
          }
        };

    TrainingJob.run(spec(data(), "topo:2x4:1", 1, false), recording, CLOCK);

    assertThat(epochs).hasSize(1);
    assertThat(epochs.get(0).measures())
        .extracting(Term::name)
        .contains("pinwheels", "neighbour difference (deg)");
  }

  @Test
  void shouldLeaveTheTopographyHistoryOutForBlockGroups() throws Exception {
    JobResult r = TrainingJob.run(spec(data(), "block:2", 1, false), QUIET, CLOCK);

    assertThat(r.report().has("topographyHistory")).isFalse();
  }

  @Test
  void shouldServeExactlyTheTrainersForwardPass() throws Exception {
    JobResult r = TrainingJob.run(spec(data(), "block:2", 1, false), QUIET, CLOCK);
    EncoderModel served = EncoderFile.read(r.files().get("model"));
    TrainState state = ModelExport.state(EncoderFile.read(r.files().get("checkpoint")));
    GrayImages images = Gratings.images(4, 16, 99);
    FrameSet frames = FashionMnist.frames(images, served.input().normalize());
    float[] trainer;
    try (ConvGradients coder =
        new ConvGradients(
            new ConvGradients.Geometry(1, 16, 16, 5, 8),
            new ConvTrainer(spec(data(), "block:2", 1, false).options()).pool(),
            0.1,
            1e-12,
            1)) {
      trainer = coder.pooled(state.parameters(), frames.data(), 4);
    }
    int size = trainer.length / 4;
    try (Encoder encoder = new Encoder(served)) {
      for (int i = 0; i < 4; i++) {
        float[] dense = encoder.encodeDense(frames.frame(i));
        for (int j = 0; j < size; j++) {
          assertThat(dense[j]).isCloseTo(trainer[i * size + j], within(1e-4f));
        }
      }
    }
  }

  @Test
  void shouldBumpTheVersionWhenRetrainingIntoTheSameFile() throws Exception {
    Path data = data();
    TrainingJob.run(spec(data, "block:2", 1, false), QUIET, CLOCK);
    JobResult again = TrainingJob.run(spec(data, "block:2", 1, false), QUIET, CLOCK);
    assertThat(again.model().version()).isEqualTo(2);
  }

  @Test
  void shouldWriteTheSameModelForTheSameSeed() throws Exception {
    Path data = data();
    TrainingJob.run(spec(data, "block:2", 1, false), QUIET, CLOCK);
    byte[] first = Files.readAllBytes(dir.resolve("m.pwe"));
    Files.delete(dir.resolve("m.pwe"));
    TrainingJob.run(spec(data, "block:2", 1, false), QUIET, CLOCK);
    // Not isEqualTo: a failure would print both files byte by byte.
    assertThat(Arrays.equals(Files.readAllBytes(dir.resolve("m.pwe")), first)).isTrue();
  }

  @Test
  void shouldResumeFromTheCheckpointForMoreEpochs() throws Exception {
    Path data = data();
    TrainingJob.run(spec(data, "block:2", 1, false), QUIET, CLOCK);
    JobResult resumed = TrainingJob.run(spec(data, "block:2", 2, true), QUIET, CLOCK);
    assertThat(resumed.report().get("epochsDone").asInt()).isEqualTo(2);
    assertThat(resumed.report().get("history").size()).isEqualTo(2);
  }

  @Test
  void shouldRefuseToResumeWithOtherOptions() throws Exception {
    Path data = data();
    TrainingJob.run(spec(data, "block:2", 1, false), QUIET, CLOCK);
    assertThatThrownBy(() -> TrainingJob.run(spec(data, "block:4", 2, true), QUIET, CLOCK))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("options");
  }
}
