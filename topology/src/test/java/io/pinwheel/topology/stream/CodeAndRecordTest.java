package io.pinwheel.topology.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.pinwheel.client.FeatureRecord;
import io.pinwheel.extractor.SparseCode;
import io.pinwheel.topology.model.ServingModel;
import io.pinwheel.topology.model.TestModels;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The extractor's {@link SparseCode} and the client's {@link FeatureRecord} hold one code in two
 * modules that may not see each other; the record the service makes of a code must answer every
 * question about the code as the code does.
 */
class CodeAndRecordTest {
  private static final ServingModel MODEL =
      new ServingModel(TestModels.model("m", 3), "test", Instant.EPOCH);

  private static List<SparseCode> codes() {
    return List.of(
        new SparseCode(new int[] {2, 3, 4}, new int[] {0, 5, 23}, new float[] {1f, 0.5f, 2f}),
        new SparseCode(new int[] {4, 1, 1}, new int[] {}, new float[] {}),
        new SparseCode(
            new int[] {10, 1, 1},
            new int[] {1, 9},
            new float[] {3f, 4f},
            new float[] {0.1f, 2.5f},
            "b"));
  }

  @Test
  void shouldAnswerAsTheCodeItWasMadeOf() {
    for (SparseCode code : codes()) {
      FeatureRecord r = ExtractProcessor.toRecord(code, "f", 7L, MODEL);

      assertThat(r.shape()).as(code.toString()).isEqualTo(code.shape());
      assertThat(r.nnz()).as(code.toString()).isEqualTo(code.nnz());
      assertThat(r.denseSize()).as(code.toString()).isEqualTo(code.denseSize());
      assertThat(r.density()).as(code.toString()).isEqualTo(code.density());
      assertThat(r.toDense()).as(code.toString()).isEqualTo(code.toDense());
      assertThat(r.hasClassifierOutput()).as(code.toString()).isEqualTo(code.hasClassifierOutput());
      assertThat(r.scores()).as(code.toString()).isEqualTo(code.scores());
      assertThat(r.label()).as(code.toString()).isEqualTo(code.label());
    }
  }

  @Test
  void shouldCarryTheFrameAndTheModel() {
    FeatureRecord r = ExtractProcessor.toRecord(codes().get(0), "cam-1", 7L, MODEL);

    assertThat(r.frameId()).isEqualTo("cam-1");
    assertThat(r.sourceTimestampMs()).isEqualTo(7L);
    assertThat(r.modelName()).isEqualTo("m");
    assertThat(r.modelVersion()).isEqualTo(3);
  }
}
